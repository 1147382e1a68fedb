/* bench_inputs.h: what `aether bench` measures besides the graphs it
   builds: the aether plugins found with lilv, their presets' patch texts,
   and the example patch files of a directory. */

#ifndef AETHER_TOOLS_BENCH_INPUTS_H
#define AETHER_TOOLS_BENCH_INPUTS_H

#include <lilv/lilv.h>

#include <stdbool.h>
#include <stdint.h>

#define MAX_PATCHES 32U

/** A patch to measure: its label in the table, its Turtle text. */
typedef struct {
  char  label[64];
  char* text;
} PatchText;

/** The patches to measure (the texts are the set's to free). */
typedef struct {
  PatchText patches[MAX_PATCHES];
  uint32_t  n_patches;
  char*     fx_default; /**< the effect's default preset, or NULL */
} PatchSet;

/** The LV2 world and the two aether plugins in it. */
typedef struct {
  LilvWorld*        world;
  const LilvPlugin* fx;
  const LilvPlugin* synth;
} Lv2;

/** Load LV2_PATH (and --bundle, or the build's bundle) and find the two
    plugins. Returns false if the effect is not found. */
bool
lv2_open(Lv2* lv2, const char* bundle);

/** Free the world (also when lv2_open() failed) and clear `lv2`. */
void
lv2_close(Lv2* lv2);

/** Add the ae:patch text of every preset of `plugin` to `ps`. */
void
lv2_presets(const Lv2* lv2, const LilvPlugin* plugin, PatchSet* ps);

/** Add the example patches: every *.ttl in `dir`, in name order. */
void
read_patch_dir(const char* dir, PatchSet* ps);

#endif /* AETHER_TOOLS_BENCH_INPUTS_H */
