/* bench_inputs.c: the patches `aether bench` measures: the aether
   plugins' presets through lilv and the example patch files of a directory
   (see bench_inputs.h). */

#include "bench_inputs.h"

#include <lv2/presets/presets.h>
#include <lv2/state/state.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read a whole file (NULL on error). */
static char*
read_text(const char* const path)
{
  FILE* const f = fopen(path, "rb");
  if (!f) {
    return NULL;
  }
  char* text = NULL;
  long  size = 0;
  if (!fseek(f, 0, SEEK_END) && (size = ftell(f)) >= 0 &&
      !fseek(f, 0, SEEK_SET) && (text = (char*)malloc((size_t)size + 1U))) {
    if (fread(text, 1U, (size_t)size, f) != (size_t)size) {
      free(text);
      text = NULL;
    } else {
      text[size] = '\0';
    }
  }
  fclose(f);
  return text;
}

static const LilvPlugin*
find_plugin(LilvWorld* const world, const char* const uri)
{
  LilvNode* const         node = lilv_new_uri(world, uri);
  const LilvPlugin* const p =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), node);
  lilv_node_free(node);
  return p;
}

bool
lv2_open(Lv2* const lv2, const char* const bundle)
{
  memset(lv2, 0, sizeof(*lv2));
  if (!(lv2->world = lilv_world_new())) {
    return false;
  }
  lilv_world_load_all(lv2->world);
  const char* dir = bundle;
#if defined(AETHER_BENCH_BUNDLE)
  if (!dir && !find_plugin(lv2->world, "urn:aether:fx")) {
    dir = AETHER_BENCH_BUNDLE;
  }
#endif
  if (dir && dir[0]) {
    /* lilv wants a bundle URI with a trailing slash */
    char         path[4096];
    const size_t len = strlen(dir);
    snprintf(path, sizeof(path), "%s%s", dir, dir[len - 1U] == '/' ? "" : "/");
    LilvNode* const uri = lilv_new_file_uri(lv2->world, NULL, path);
    if (uri) {
      lilv_world_load_bundle(lv2->world, uri);
      lilv_node_free(uri);
    }
  }
  lv2->fx    = find_plugin(lv2->world, "urn:aether:fx");
  lv2->synth = find_plugin(lv2->world, "urn:aether:synth");
  return lv2->fx != NULL;
}

void
lv2_close(Lv2* const lv2)
{
  if (lv2->world) {
    lilv_world_free(lv2->world);
  }
  memset(lv2, 0, sizeof(*lv2));
}

void
lv2_presets(const Lv2* const        lv2,
            const LilvPlugin* const plugin,
            PatchSet* const         ps)
{
  LilvWorld* const w      = lv2->world;
  LilvNode* const  pclass = lilv_new_uri(w, LV2_PRESETS__Preset);
  LilvNode* const  state  = lilv_new_uri(w, LV2_STATE__state);
  LilvNode* const  patch  = lilv_new_uri(w, "urn:aether:patch");
  LilvNodes* const list   = lilv_plugin_get_related(plugin, pclass);
  LILV_FOREACH(nodes, i, list)
  {
    const LilvNode* const preset = lilv_nodes_get(list, i);
    lilv_world_load_resource(w, preset);
    LilvNode* const st   = lilv_world_get(w, preset, state, NULL);
    LilvNode* const text = st ? lilv_world_get(w, st, patch, NULL) : NULL;
    if (text && ps->n_patches < MAX_PATCHES) {
      PatchText* const pt = &ps->patches[ps->n_patches];
      const char*      id = lilv_node_as_uri(preset);
      const char*      c  = strrchr(id, ':');
      snprintf(pt->label, sizeof(pt->label), "preset %s", c ? c + 1 : id);
      if ((pt->text = strdup(lilv_node_as_string(text)))) {
        ++ps->n_patches;
        if (!strcmp(c ? c + 1 : id, "fx-default")) {
          ps->fx_default = pt->text;
        }
      }
    }
    lilv_node_free(text);
    lilv_node_free(st);
  }
  lilv_nodes_free(list);
  lilv_node_free(pclass);
  lilv_node_free(state);
  lilv_node_free(patch);
}

static int
compare_names(const void* const a, const void* const b)
{
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

void
read_patch_dir(const char* const dir, PatchSet* const ps)
{
  DIR* const d = opendir(dir);
  if (!d) {
    return;
  }
  char*    names[MAX_PATCHES];
  uint32_t n = 0;
  for (const struct dirent* e = NULL; (e = readdir(d)) && n < MAX_PATCHES;) {
    const size_t len = strlen(e->d_name);
    if (len > 4U && !strcmp(e->d_name + len - 4U, ".ttl") &&
        (names[n] = strdup(e->d_name))) {
      ++n;
    }
  }
  closedir(d);
  qsort(names, n, sizeof(char*), compare_names);

  for (uint32_t i = 0; i < n; ++i) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    char* const text = read_text(path);
    if (text && ps->n_patches < MAX_PATCHES) {
      PatchText* const pt = &ps->patches[ps->n_patches++];
      snprintf(pt->label, sizeof(pt->label), "%s", names[i]);
      pt->text = text;
    } else {
      free(text);
    }
    free(names[i]);
  }
}
