/* Aether CLI: `aether render`, offline rendering through the real plugin
   binary (see host.h), with notes from a MIDI file or an inline list, into
   a 32-bit float WAV file, and a report of what was done. */

#include "audio.h"
#include "cli.h"
#include "host.h"
#include "midi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CMD "render"
#define MAX_SETS 64
#define DEFAULT_RATE 48000.0
#define DEFAULT_BLOCK 512U
#define NOTE_TAIL 2.0         /* seconds after the last note: releases */
#define MAX_SECONDS 86400.0   /* a day */
#define PROGRESS_SECONDS 10.0 /* renders at least this long show progress */

static const char* const usage =
  "Usage: aether render [OPTIONS] -o OUT.wav\n"
  "\n"
  "Render audio offline through the Aether LV2 plugin (the real plugin\n"
  "binary, loaded with lilv like a host does) into a stereo 32-bit float\n"
  "WAV file, and print its length and levels.\n"
  "\n"
  "What plays:\n"
  "  --plugin fx|synth     the effect or the instrument (default: from the\n"
  "                        preset; else synth with notes and no -i; else fx)\n"
  "  --patch FILE          load this patch file (default: the plugin's own)\n"
  "  --preset NAME         load a preset, e.g. synth-default (aether presets\n"
  "                        lists them)\n"
  "  --set NAME=VALUE      before the first frame, set a control port\n"
  "                        (macro1 .. macro8, 0 to 1; enabled, 0 or 1) or a\n"
  "                        node parameter NODE.PARAM (e.g. filter.cutoff=800,\n"
  "                        osc.wave=saw; it ramps from the patch's value over\n"
  "                        the parameter's smoothing time); repeatable\n"
  "\n"
  "Input:\n"
  "  -i, --input IN.wav    audio for the effect (mono feeds both inputs)\n"
  "  --midi FILE.mid       notes from a Standard MIDI File (format 0 or 1)\n"
  "  --notes LIST          notes inline: NOTE:START:LENGTH[:VELOCITY],...\n"
  "                        NOTE a name (C4 is MIDI note 60; C#4, Db4) or a\n"
  "                        MIDI number, START and LENGTH in seconds,\n"
  "                        VELOCITY 1 to 127 (default 100), all on channel 1,\n"
  "                        e.g. \"C4:0:0.5,E4:0.5:0.5,G4:1:1:80\"\n"
  "\n"
  "Output:\n"
  "  -o, --output OUT.wav  the file to write (stereo, 32-bit float WAV)\n"
  "  --rate HZ             sample rate (default: the input's, else 48000)\n"
  "  --block N             host block size, 1 to 8192 frames (default 512);\n"
  "                        MIDI events play at their exact frame whatever it\n"
  "                        is\n"
  "  --seconds S           length (default: the input's; with notes and no\n"
  "                        input, the last note plus 2 s of release)\n"
  "  -q, --quiet           print only errors\n"
  "  -h, --help            show this help\n"
  "\n"
  "Environment: LV2_PATH, the folders holding LV2 bundles (default: the\n"
  "bundle built next to this program, or the folder `meson install` put\n"
  "it in, then /usr/lib/lv2).\n"
  "Exit status: 0 done, 1 failed (a patch, file or plugin error; warnings\n"
  "from the plugin are printed and do not fail), 2 bad arguments.\n";

/* One --set NAME=VALUE. */
typedef struct {
  const char* name;      /**< the whole argument, for messages */
  const char* value;     /**< the text after '=' */
  char        node[64];  /**< the node, or the control port's symbol */
  char        param[64]; /**< the parameter ("" for a control port) */
  bool        is_param;  /**< NODE.PARAM, else a control port */
} Setting;

/* The command line, parsed. */
typedef struct {
  const char* plugin; /**< "fx" or "synth" */
  const char* patch;
  const char* preset;
  const char* input;
  const char* midi;
  const char* notes;
  const char* output;
  double      rate;
  double      seconds;
  uint32_t    block;
  bool        quiet;
  Setting     sets[MAX_SETS];
  uint32_t    n_sets;
} Options;

/* Arguments */

static bool
valid_name(const char* const s, const size_t len)
{
  if (!len || len > 63U) {
    return false;
  }
  for (size_t i = 0; i < len; ++i) {
    const char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

static int
parse_set(Options* const opts, const char* const text)
{
  if (opts->n_sets == MAX_SETS) {
    return aether_cli_usage(CMD, "at most %d --set options", MAX_SETS);
  }
  const char* const eq = strchr(text, '=');
  if (!eq || eq == text || !eq[1]) {
    return aether_cli_usage(CMD,
                            "--set %s: write NAME=VALUE (macro3=0.7 or "
                            "NODE.PARAM=VALUE)",
                            text);
  }
  Setting* const    s    = &opts->sets[opts->n_sets];
  const size_t      len  = (size_t)(eq - text);
  const char* const dot  = (const char*)memchr(text, '.', len);
  s->name                = text;
  s->value               = eq + 1;
  s->is_param            = dot != NULL;
  const size_t node_len  = dot ? (size_t)(dot - text) : len;
  const size_t param_len = dot ? len - node_len - 1U : 0U;
  if (!valid_name(text, node_len) || (dot && !valid_name(dot + 1, param_len))) {
    return aether_cli_usage(CMD,
                            "--set %s: \"%.*s\" is not a port symbol or "
                            "NODE.PARAM (names are A-Z a-z 0-9 _ -)",
                            text,
                            (int)len,
                            text);
  }
  memcpy(s->node, text, node_len);
  s->node[node_len] = '\0';
  if (dot) {
    memcpy(s->param, dot + 1, param_len);
    s->param[param_len] = '\0';
  }
  double v = 0.0;
  if (!dot && !aether_cli_parse_double(s->value, &v)) {
    return aether_cli_usage(
      CMD, "--set %s: \"%s\" is not a number", s->node, s->value);
  }
  ++opts->n_sets;
  return AETHER_EXIT_OK;
}

/* Parse the arguments; -1: carry on, else the exit status. */
static int
parse_args(const int argc, char** const argv, Options* const opts)
{
  memset(opts, 0, sizeof(*opts));
  opts->block = DEFAULT_BLOCK;
  for (int i = 1; i < argc; ++i) {
    const char*    a = argv[i];
    const char*    v = NULL;
    AetherOptMatch m = AETHER_OPT_NO_MATCH;
#define OPT(s, l)                                            \
  ((m = aether_cli_option(CMD, argc, argv, &i, s, l, &v)) != \
   AETHER_OPT_NO_MATCH)

    if (aether_cli_is_help(a)) {
      fputs(usage, stdout);
      return AETHER_EXIT_OK;
    }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      opts->quiet = true;
    } else if (OPT(NULL, "--plugin")) {
      if (m == AETHER_OPT_MATCH && strcmp(v, "fx") && strcmp(v, "synth")) {
        return aether_cli_usage(
          CMD, "--plugin %s: the plugins are fx and synth", v);
      }
      opts->plugin = v;
    } else if (OPT(NULL, "--patch")) {
      opts->patch = v;
    } else if (OPT(NULL, "--preset")) {
      opts->preset = v;
    } else if (OPT("-i", "--input")) {
      opts->input = v;
    } else if (OPT("-o", "--output")) {
      opts->output = v;
    } else if (OPT(NULL, "--midi")) {
      opts->midi = v;
    } else if (OPT(NULL, "--notes")) {
      opts->notes = v;
    } else if (OPT(NULL, "--set")) {
      const int st = m == AETHER_OPT_MATCH ? parse_set(opts, v) : 0;
      if (st) {
        return st;
      }
    } else if (OPT(NULL, "--rate")) {
      if (m == AETHER_OPT_MATCH &&
          (!aether_cli_parse_double(v, &opts->rate) || opts->rate < 8000.0 ||
           opts->rate > 768000.0 || opts->rate != floor(opts->rate))) {
        return aether_cli_usage(
          CMD, "--rate %s: a whole number of Hz from 8000 to 768000", v);
      }
    } else if (OPT(NULL, "--block")) {
      if (m == AETHER_OPT_MATCH &&
          !aether_cli_parse_uint(v, 1U, AETHER_HOST_MAX_BLOCK, &opts->block)) {
        return aether_cli_usage(CMD,
                                "--block %s: a whole number from 1 to %u",
                                v,
                                AETHER_HOST_MAX_BLOCK);
      }
    } else if (OPT(NULL, "--seconds")) {
      if (m == AETHER_OPT_MATCH &&
          (!aether_cli_parse_double(v, &opts->seconds) ||
           opts->seconds <= 0.0 || opts->seconds > MAX_SECONDS)) {
        return aether_cli_usage(
          CMD, "--seconds %s: a number of seconds above 0, up to a day", v);
      }
    } else if (a[0] == '-') {
      return aether_cli_usage(CMD, "unknown option %s", a);
    } else {
      return aether_cli_usage(CMD, "unexpected argument \"%s\"", a);
    }
    if (m == AETHER_OPT_MISSING) {
      return AETHER_EXIT_USAGE;
    }
#undef OPT
  }

  if (!opts->output) {
    return aether_cli_usage(CMD, "say where to write: -o OUT.wav");
  }
  if (opts->patch && opts->preset) {
    return aether_cli_usage(CMD, "give --patch or --preset, not both");
  }
  if (opts->midi && opts->notes) {
    return aether_cli_usage(CMD, "give --midi or --notes, not both");
  }
  if (!opts->plugin) {
    if (opts->preset) {
      const char* const stem = strrchr(opts->preset, ':');
      opts->plugin =
        !strncmp(stem ? stem + 1 : opts->preset, "synth-", 6) ? "synth" : "fx";
    } else {
      opts->plugin =
        (!opts->input && (opts->midi || opts->notes)) ? "synth" : "fx";
    }
  }
  if (opts->input && !strcmp(opts->plugin, "synth")) {
    return aether_cli_usage(
      CMD, "the synth has no audio input (-i is for --plugin fx)");
  }
  if (!opts->input && !opts->midi && !opts->notes && opts->seconds <= 0.0) {
    return aether_cli_usage(CMD,
                            "say how long to render: --seconds S (there is "
                            "no input file or note to take it from)");
  }
  return -1;
}

/* Progress on a terminal */

typedef struct {
  bool     shown;
  int      last;
  uint64_t total;
} Progress;

static void
progress_update(Progress* const p, const uint64_t done)
{
  if (!p->shown) {
    return;
  }
  const int percent = (int)(done * 100U / (p->total ? p->total : 1U));
  if (percent == p->last) {
    return;
  }
  p->last = percent;
  char bar[41];
  for (int i = 0; i < 40; ++i) {
    bar[i] = i < percent * 40 / 100 ? '#' : '.';
  }
  bar[40] = '\0';
  fprintf(stderr, "\raether render: [%s] %3d%%", bar, percent);
  fflush(stderr);
}

static void
progress_end(const Progress* const p)
{
  if (p->shown) {
    fprintf(stderr, "\r%*s\r", 62, "");
    fflush(stderr);
  }
}

/* Rendering */

typedef struct {
  AetherHost*          host;
  AetherAudioOut*      out;
  const AetherAudioIn* in;
  const AetherMidiSeq* seq;
  uint64_t             total;
  uint32_t             block;
  uint64_t             late;    /**< events played a frame late (full) */
  uint64_t             dropped; /**< events after the end */
  double               elapsed; /**< seconds the render took */
  Progress             progress;
} Render;

/* Queue the events of [pos, pos + *n) into the control port; shorten the
   block where the port is full, so the rest start the next one. */
static void
queue_events(Render* const   r,
             size_t* const   next,
             const uint64_t  pos,
             uint32_t* const n)
{
  const AetherMidiSeq* const seq = r->seq;
  while (seq && *next < seq->n && seq->events[*next].frame < pos + *n) {
    const AetherSeqEvent* const ev = &seq->events[*next];
    const uint32_t offset = ev->frame > pos ? (uint32_t)(ev->frame - pos) : 0U;
    if (!aether_host_midi(r->host, offset, ev->data, ev->size)) {
      if (offset) {
        *n = offset; /* the next block starts at this event */
      } else {
        *n = 1U; /* more events at one frame than fit: the rest are late */
        r->late += 1U;
      }
      return;
    }
    ++*next;
  }
}

static AetherStatus
render(Render* const r, AetherError* const err)
{
  float* const buf    = (float*)calloc(4U * (size_t)r->block, sizeof(float));
  float* const in[2]  = { buf, buf + r->block };
  float* const out[2] = { buf + 2U * r->block, buf + 3U * r->block };
  if (!buf) {
    return aether_error(err, AETHER_ERR_NO_MEMORY, "out of memory");
  }

  AetherStatus st   = AETHER_SUCCESS;
  size_t       next = 0;
  for (uint64_t pos = 0; pos < r->total && !st;) {
    uint32_t n =
      r->total - pos < r->block ? (uint32_t)(r->total - pos) : r->block;
    queue_events(r, &next, pos, &n);

    const float* const host_in[2] = { r->in ? in[0] : NULL,
                                      r->in ? in[1] : NULL };
    if (r->in) {
      for (uint32_t c = 0; c < 2U; ++c) {
        const uint64_t avail = r->in->frames > pos ? r->in->frames - pos : 0U;
        const uint32_t copy  = avail < n ? (uint32_t)avail : n;
        if (copy) {
          memcpy(in[c], r->in->data[c] + pos, copy * sizeof(float));
        }
        memset(in[c] + copy, 0, (n - copy) * sizeof(float));
      }
    }
    aether_host_run(r->host, host_in, out, n);
    st = aether_audio_out_write(r->out, (const float* const*)out, n, err);
    pos += n;
    progress_update(&r->progress, pos);
  }
  r->dropped = r->seq ? r->seq->n - next : 0U;
  progress_end(&r->progress);
  free(buf);
  return st;
}

/* Say which --set an error is about. */
static AetherStatus
prefix_error(AetherError* const err, const Setting* const s)
{
  char msg[sizeof(err->message)];
  snprintf(msg, sizeof(msg), "%s", err->message);
  return aether_error(err, err->status, "--set %.200s: %s", s->name, msg);
}

/* Setup: the patch or preset, then control ports (bad values are usage
   errors: *bad_arg is set), then node parameters. */
static AetherStatus
setup(AetherHost* const    host,
      const Options* const opts,
      bool* const          bad_arg,
      AetherError* const   err)
{
  AetherStatus st = AETHER_SUCCESS;
  if (opts->patch) {
    st = aether_host_load_file(host, opts->patch, err);
  } else if (opts->preset) {
    st = aether_host_load_preset(host, opts->preset, err);
  }
  for (uint32_t i = 0; i < opts->n_sets && !st; ++i) {
    const Setting* const s = &opts->sets[i];
    if (!s->is_param &&
        (st = aether_host_set_control(
           host, s->node, (float)strtod(s->value, NULL), err))) {
      *bad_arg = true;
      return prefix_error(err, s);
    }
  }
  for (uint32_t i = 0; i < opts->n_sets && !st; ++i) {
    const Setting* const s = &opts->sets[i];
    if (s->is_param &&
        (st = aether_host_set_param(host, s->node, s->param, s->value, err))) {
      return prefix_error(err, s);
    }
  }
  return st;
}

static void
print_report(const Options* const opts,
             const Render* const  r,
             const double         rate,
             const char* const    uri)
{
  char         peak[16];
  char         rms[16];
  const double seconds = (double)r->total / rate;
  printf("%s: %.2f s, stereo 32-bit float WAV\n", opts->output, seconds);
  printf("  render   %llu frames at %.0f Hz in host blocks of %u\n",
         (unsigned long long)r->total,
         rate,
         r->block);
  printf("  plugin   %s (%s)\n", uri, aether_host_binary(r->host));
  if (opts->patch) {
    printf("  patch    %s\n", opts->patch);
  } else if (opts->preset) {
    printf("  preset   %s\n", opts->preset);
  } else {
    printf("  patch    the plugin's default\n");
  }
  if (opts->input) {
    printf("  input    %s (%u channel%s, %.2f s)\n",
           opts->input,
           r->in->channels,
           r->in->channels == 1U ? ", fed to both inputs" : "s",
           (double)r->in->frames / rate);
  }
  if (r->seq) {
    printf("  notes    %zu MIDI events from %s",
           r->seq->n,
           opts->midi ? opts->midi : "--notes");
    if (r->dropped) {
      printf(" (%llu after the end, not played)",
             (unsigned long long)r->dropped);
    }
    printf("\n");
  }
  for (uint32_t i = 0; i < opts->n_sets; ++i) {
    printf("  set      %s\n", opts->sets[i].name);
  }
  printf("  took     %.2f s (%.0fx real time)\n",
         r->elapsed,
         r->elapsed > 0.0 ? seconds / r->elapsed : 0.0);
  static const char* const names[] = { "left ", "right" };
  for (uint32_t c = 0; c < 2U; ++c) {
    const AetherLevels* const l = aether_audio_out_levels(r->out, c);
    printf("  %s    peak %6s dBFS   RMS %6s dBFS\n",
           names[c],
           aether_levels_db(l->peak, peak, sizeof(peak)),
           aether_levels_db(aether_levels_rms(l), rms, sizeof(rms)));
  }
}

int
aether_render_main(const int argc, char** const argv)
{
  Options   opts;
  const int parsed = parse_args(argc, argv, &opts);
  if (parsed >= 0) {
    return parsed;
  }
  const char* const uri =
    strcmp(opts.plugin, "synth") ? "urn:aether:fx" : "urn:aether:synth";

  AetherError err;
  aether_error_clear(&err);
  AetherAudioIn in;
  memset(&in, 0, sizeof(in));
  const uint64_t max_frames = (uint64_t)(MAX_SECONDS * 768000.0);
  if (opts.input && aether_audio_read(opts.input, max_frames, &in, &err)) {
    return aether_cli_fail(CMD, "%s", err.message);
  }
  if (opts.input && opts.rate > 0.0 && opts.rate != in.rate) {
    const int st = aether_cli_fail(CMD,
                                   "%s: its sample rate is %.0f Hz, not "
                                   "--rate %.0f (Aether does not resample; "
                                   "leave out --rate to render at %.0f Hz)",
                                   opts.input,
                                   in.rate,
                                   opts.rate,
                                   in.rate);
    aether_audio_in_free(&in);
    return st;
  }
  const double rate =
    opts.input ? in.rate : (opts.rate > 0.0 ? opts.rate : DEFAULT_RATE);

  AetherMidiSeq seq = { NULL, 0, 0 };
  AetherStatus  st  = AETHER_SUCCESS;
  if (opts.midi) {
    st = aether_midi_read_file(opts.midi, rate, &seq, &err);
  } else if (opts.notes) {
    if ((st = aether_midi_parse_notes(opts.notes, rate, &seq, &err))) {
      aether_audio_in_free(&in);
      return aether_cli_usage(CMD, "--notes: %s", err.message);
    }
  }
  if (st) {
    aether_audio_in_free(&in);
    return aether_cli_fail(CMD, "%s", err.message);
  }

  uint64_t total = 0;
  if (opts.seconds > 0.0) {
    total = (uint64_t)llround(opts.seconds * rate);
  } else if (opts.input) {
    total = in.frames;
  } else {
    total = aether_midi_seq_last(&seq) + (uint64_t)llround(NOTE_TAIL * rate);
  }
  if (!total) {
    aether_audio_in_free(&in);
    aether_midi_seq_clear(&seq);
    return aether_cli_fail(CMD, "%s: nothing to render (0 frames)", opts.input);
  }

  Render r;
  memset(&r, 0, sizeof(r));
  r.in             = opts.input ? &in : NULL;
  r.seq            = (opts.midi || opts.notes) ? &seq : NULL;
  r.total          = total;
  r.block          = opts.block;
  r.progress.shown = !opts.quiet && isatty(STDERR_FILENO) &&
                     (double)total >= PROGRESS_SECONDS * rate;
  r.progress.last  = -1;
  r.progress.total = total;

  struct timespec start;
  struct timespec end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  const char* const lv2_path = aether_cli_lv2_path();
  int               exit_st  = AETHER_EXIT_OK;
  bool              bad_arg  = false;
  if ((st = aether_host_new(lv2_path, uri, rate, opts.block, &r.host, &err)) ||
      (st = setup(r.host, &opts, &bad_arg, &err)) ||
      (st = aether_audio_out_open(opts.output, rate, &r.out, &err)) ||
      (st = render(&r, &err))) {
    exit_st = bad_arg ? aether_cli_usage(CMD, "%s", err.message)
                      : aether_cli_fail(CMD, "%s", err.message);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  r.elapsed = (double)(end.tv_sec - start.tv_sec) +
              1e-9 * (double)(end.tv_nsec - start.tv_nsec);
  if (r.out) {
    if (!exit_st && !opts.quiet) {
      print_report(&opts, &r, rate, uri);
    }
    if (aether_audio_out_close(r.out, &err) && !exit_st) {
      exit_st = aether_cli_fail(CMD, "%s", err.message);
    }
  }

  /* What the plugin reported while rendering (setup errors were said):
     errors fail the render, warnings do not. */
  if (!exit_st && r.host) {
    const uint32_t n = aether_host_n_reports(r.host);
    for (uint32_t i = 0; i < n && i < AETHER_HOST_MAX_REPORTS; ++i) {
      fprintf(stderr,
              "aether render: the plugin reported: %s\n",
              aether_host_report(r.host, i));
    }
    if (n > AETHER_HOST_MAX_REPORTS) {
      fprintf(stderr,
              "aether render: ... and %u more reports\n",
              n - AETHER_HOST_MAX_REPORTS);
    }
    if (aether_host_n_errors(r.host)) {
      exit_st = AETHER_EXIT_FAILURE;
    }
  }
  if (!exit_st && r.late) {
    fprintf(stderr,
            "aether render: %llu MIDI events played a frame late (more "
            "events at one frame than the control port holds)\n",
            (unsigned long long)r.late);
  }

  aether_host_free(r.host);
  aether_midi_seq_clear(&seq);
  aether_audio_in_free(&in);
  return exit_st;
}
