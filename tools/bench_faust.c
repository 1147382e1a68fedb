/* bench_faust.c: the Faust programs of tools/faust/ as `aether bench` runs
   them (see bench_faust.h). tools/meson.build generates their C with
   `faust -lang c -single -ftz 0 -cn NAME` when faust is installed and
   defines AETHER_HAVE_FAUST; the generated code is included here, so it is
   compiled with exactly the flags of the rest of the bench. */

#include "bench_faust.h"

#include <stdlib.h>
#include <string.h>

#if defined(AETHER_HAVE_FAUST)

#  include <faust/gui/CInterface.h>

/* The generated code defines its functions without prototypes, and calls
   min() and max() on integers, which Faust's C architecture files define
   as these macros. */
#  define max(a, b) (((a) > (b)) ? (a) : (b))
#  define min(a, b) (((a) < (b)) ? (a) : (b))
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wmissing-prototypes"
#  pragma GCC diagnostic ignored "-Wstrict-prototypes"
#  pragma GCC diagnostic ignored "-Wunused-parameter"
#  include "faust_freeverb.h"
#  include "faust_saw.h"
#  include "faust_synth_voice.h"
#  pragma GCC diagnostic pop
#  undef max
#  undef min

#  define MAX_ZONES 8U
#  define MAX_FRAMES 64U
#  define MAX_FAUST_VOICES 32U

/* The controls of a Faust program, by label, found through its UI. */
typedef struct {
  const char* label[MAX_ZONES];
  FAUSTFLOAT* zone[MAX_ZONES];
  uint32_t    n;
} Zones;

static void
zones_add(void* const ui, const char* const label, FAUSTFLOAT* const zone)
{
  Zones* const z = (Zones*)ui;
  if (z->n < MAX_ZONES) {
    z->label[z->n] = label;
    z->zone[z->n]  = zone;
    ++z->n;
  }
}

static void
zones_open(void* const ui, const char* const label)
{
  (void)ui;
  (void)label;
}

static void
zones_close(void* const ui)
{
  (void)ui;
}

static void
zones_add_range(void* const       ui,
                const char* const label,
                FAUSTFLOAT* const zone,
                const FAUSTFLOAT  init,
                const FAUSTFLOAT  min,
                const FAUSTFLOAT  max,
                const FAUSTFLOAT  step)
{
  (void)init;
  (void)min;
  (void)max;
  (void)step;
  zones_add(ui, label, zone);
}

static void
zones_add_bar(void* const       ui,
              const char* const label,
              FAUSTFLOAT* const zone,
              const FAUSTFLOAT  min,
              const FAUSTFLOAT  max)
{
  (void)ui;
  (void)label;
  (void)zone;
  (void)min;
  (void)max;
}

static void
zones_add_sound(void* const        ui,
                const char* const  label,
                const char* const  url,
                struct Soundfile** sf)
{
  (void)ui;
  (void)label;
  (void)url;
  (void)sf;
}

static void
zones_declare(void* const       ui,
              FAUSTFLOAT* const zone,
              const char* const key,
              const char* const value)
{
  (void)ui;
  (void)zone;
  (void)key;
  (void)value;
}

static UIGlue
zones_glue(Zones* const z)
{
  memset(z, 0, sizeof(*z));
  UIGlue glue;
  glue.uiInterface           = z;
  glue.openTabBox            = zones_open;
  glue.openHorizontalBox     = zones_open;
  glue.openVerticalBox       = zones_open;
  glue.closeBox              = zones_close;
  glue.addButton             = zones_add;
  glue.addCheckButton        = zones_add;
  glue.addVerticalSlider     = zones_add_range;
  glue.addHorizontalSlider   = zones_add_range;
  glue.addNumEntry           = zones_add_range;
  glue.addHorizontalBargraph = zones_add_bar;
  glue.addVerticalBargraph   = zones_add_bar;
  glue.addSoundfile          = zones_add_sound;
  glue.declare               = zones_declare;
  return glue;
}

/* Set the control labelled `label`; false if the program has none. */
static bool
zones_set(const Zones* const z, const char* const label, const float value)
{
  for (uint32_t i = 0; i < z->n; ++i) {
    if (!strcmp(z->label[i], label)) {
      *z->zone[i] = value;
      return true;
    }
  }
  return false;
}

/* compute() is called through these pointers, as a host calls a plugin
   (Faust's own C++ architectures through a virtual method): once per block,
   never inlined into the caller's loop. Inlined there, with the block size
   and the buffers known, GCC speeds Faust's freeverb up by about 1.6 times,
   which no plugin host gets. */
typedef void (*SynthVoiceCompute)(faust_synth_voice*,
                                  int,
                                  FAUSTFLOAT**,
                                  FAUSTFLOAT**);
typedef void (*FreeverbCompute)(faust_freeverb*,
                                int,
                                FAUSTFLOAT**,
                                FAUSTFLOAT**);

struct FaustSynth {
  faust_synth_voice* voice[MAX_FAUST_VOICES];
  SynthVoiceCompute  compute;
  uint32_t           n;
  float              tmp[MAX_FRAMES]; /* one voice's block */
};

struct FaustReverb {
  faust_freeverb* dsp;
  FreeverbCompute compute;
};

bool
faust_available(void)
{
  return true;
}

const char*
faust_version(void)
{
  return AETHER_FAUST_VERSION;
}

const char*
faust_flags(void)
{
  return AETHER_FAUST_FLAGS;
}

void
faust_synth_free(FaustSynth* const s)
{
  if (s) {
    for (uint32_t v = 0; v < s->n; ++v) {
      deletefaust_synth_voice(s->voice[v]);
    }
    free(s);
  }
}

FaustSynth*
faust_synth_new(const uint32_t n, const double rate)
{
  if (!n || n > MAX_FAUST_VOICES) {
    return NULL;
  }
  FaustSynth* const s = (FaustSynth*)calloc(1U, sizeof(FaustSynth));
  if (!s) {
    return NULL;
  }
  s->compute = computefaust_synth_voice;
  for (uint32_t v = 0; v < n; ++v) {
    if (!(s->voice[v] = newfaust_synth_voice())) {
      faust_synth_free(s);
      return NULL;
    }
    s->n = v + 1U;
    initfaust_synth_voice(s->voice[v], (int)rate);
    Zones  z;
    UIGlue glue = zones_glue(&z);
    buildUserInterfacefaust_synth_voice(s->voice[v], &glue);
    if (!zones_set(&z, "note", (float)(FAUST_FIRST_NOTE - v)) ||
        !zones_set(&z, "gate", 1.0f)) {
      faust_synth_free(s);
      return NULL;
    }
  }
  return s;
}

void
faust_synth_run(FaustSynth* const s, float* const out[2], const uint32_t frames)
{
  const uint32_t n    = frames < MAX_FRAMES ? frames : MAX_FRAMES;
  FAUSTFLOAT*    o[1] = { s->tmp };
  memset(out[0], 0, n * sizeof(float));
  for (uint32_t v = 0; v < s->n; ++v) {
    s->compute(s->voice[v], (int)n, NULL, o);
    for (uint32_t i = 0; i < n; ++i) {
      out[0][i] += s->tmp[i];
    }
  }
  memcpy(out[1], out[0], n * sizeof(float));
}

FaustReverb*
faust_reverb_new(const double rate)
{
  FaustReverb* const r = (FaustReverb*)calloc(1U, sizeof(FaustReverb));
  if (!r || !(r->dsp = newfaust_freeverb())) {
    free(r);
    return NULL;
  }
  initfaust_freeverb(r->dsp, (int)rate);
  r->compute = computefaust_freeverb;
  return r;
}

void
faust_reverb_free(FaustReverb* const r)
{
  if (r) {
    deletefaust_freeverb(r->dsp);
    free(r);
  }
}

void
faust_reverb_run(FaustReverb* const r,
                 const float* const in[2],
                 float* const       out[2],
                 const uint32_t     frames)
{
  /* Faust's compute() takes non-const pointers; it only reads inputs. */
  FAUSTFLOAT* i[2] = { (FAUSTFLOAT*)(uintptr_t)in[0],
                       (FAUSTFLOAT*)(uintptr_t)in[1] };
  FAUSTFLOAT* o[2] = { out[0], out[1] };
  r->compute(r->dsp, (int)frames, i, o);
}

bool
faust_saw_render(float* const   out,
                 const uint32_t n,
                 const double   rate,
                 const float    hz)
{
  faust_saw* const dsp = newfaust_saw();
  if (!dsp) {
    return false;
  }
  initfaust_saw(dsp, (int)rate);
  Zones  z;
  UIGlue glue = zones_glue(&z);
  buildUserInterfacefaust_saw(dsp, &glue);
  const bool ok = zones_set(&z, "freq", hz);
  for (uint32_t pos = 0; ok && pos < n; pos += MAX_FRAMES) {
    FAUSTFLOAT* o[1] = { out + pos };
    computefaust_saw(
      dsp, (int)(n - pos < MAX_FRAMES ? n - pos : MAX_FRAMES), NULL, o);
  }
  deletefaust_saw(dsp);
  return ok;
}

#else /* no faust: every reference is skipped */

struct FaustSynth {
  int unused;
};

struct FaustReverb {
  int unused;
};

bool
faust_available(void)
{
  return false;
}

const char*
faust_version(void)
{
  return "";
}

const char*
faust_flags(void)
{
  return "";
}

FaustSynth*
faust_synth_new(const uint32_t n, const double rate)
{
  (void)n;
  (void)rate;
  return NULL;
}

void
faust_synth_free(FaustSynth* const s)
{
  free(s);
}

void
faust_synth_run(FaustSynth* const s, float* const out[2], const uint32_t frames)
{
  (void)s;
  memset(out[0], 0, frames * sizeof(float));
  memset(out[1], 0, frames * sizeof(float));
}

FaustReverb*
faust_reverb_new(const double rate)
{
  (void)rate;
  return NULL;
}

void
faust_reverb_free(FaustReverb* const r)
{
  free(r);
}

void
faust_reverb_run(FaustReverb* const r,
                 const float* const in[2],
                 float* const       out[2],
                 const uint32_t     frames)
{
  (void)r;
  (void)in;
  memset(out[0], 0, frames * sizeof(float));
  memset(out[1], 0, frames * sizeof(float));
}

bool
faust_saw_render(float* const   out,
                 const uint32_t n,
                 const double   rate,
                 const float    hz)
{
  (void)out;
  (void)n;
  (void)rate;
  (void)hz;
  return false;
}

#endif
