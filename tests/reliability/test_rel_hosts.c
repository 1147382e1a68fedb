/* Aether reliability: what real hosts do to a plugin, each a bug a user
   met (issue 12): states given back without their NUL, many restores with
   no run() between, deactivate + activate, bypassed from the first frame,
   a session reopened, controller values, runaway feedback, an empty patch,
   synchronous and threaded workers, and the smaller answers. */

#include "lv2world.h"
#include "measure.h"
#include "relutil.h"

#include <lilv/lilv.h>
#include <lv2/log/log.h>
#include <lv2/presets/presets.h>
#include <lv2/urid/urid.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define N 24000U /* half a second at 48 kHz */
#define BLOCK 256U

static float input[2][N];
static float out_a[2][N];
static float out_b[2][N];
static float out_c[2][N];

static const char* const gain_patch =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "node:in a ae:AudioIn .\n"
  "node:g a ae:Gain ; ae:gain 0.5 ; ae:in node:in.left .\n"
  "node:out a ae:AudioOut ; ae:left node:g ; ae:right node:g .\n";

static const char* const echo_patch =
  "@prefix ae: <urn:aether:> .\n"
  "@prefix node: <urn:aether:node:> .\n"
  "node:in a ae:AudioIn .\n"
  "node:d a ae:Delay ; ae:time 0.05 ; ae:feedback 0.5 ; ae:wet 1 ;\n"
  "  ae:in node:in.left .\n"
  "node:out a ae:AudioOut ; ae:left node:d ; ae:right node:d .\n";

/* Host plumbing */

static RHost*
new_host(const char* const uri)
{
  const RHostOptions options = { .uri = uri };
  RHost* const       host    = rhost_new(&options);
  assert_non_null(host);
  return host;
}

static void
render(RHost* const host, float (*const out)[N], const uint32_t n)
{
  const float* const in[2]  = { input[0], input[1] };
  float* const       dst[2] = { out[0], out[1] };
  rhost_render(host, in, dst, n, BLOCK);
}

static void
post_patch(RHost* const host, const char* const text)
{
  RHostMsg msg;
  uint8_t  buf[8192];
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  assert_true(rhost_post(
    host,
    0,
    rhost_msg_set_string(
      &msg, "urn:aether:patch", text, (uint32_t)strlen(text), false)));
}

static void
post_file(RHost* const host, const char* const path)
{
  RHostMsg msg;
  uint8_t  buf[4096];
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  assert_true(rhost_post(
    host,
    0,
    rhost_msg_set_string(
      &msg, "urn:aether:patchFile", path, (uint32_t)strlen(path), true)));
}

static void
post_midi(RHost* const   host,
          const uint32_t frame,
          const uint8_t  status,
          const uint8_t  d1,
          const uint8_t  d2)
{
  RHostMsg      msg;
  uint8_t       buf[256];
  const uint8_t bytes[3] = { status, d1, d2 };
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  assert_true(rhost_post(host, frame, rhost_msg_midi(&msg, bytes, 3)));
}

/* The patch the plugin holds now, as it would save it (malloc'ed). */
static char*
saved_patch(RHost* const host)
{
  LV2_State_Status st   = LV2_STATE_SUCCESS;
  char* const      text = rhost_save(host, &st);
  assert_int_equal(st, LV2_STATE_SUCCESS);
  assert_non_null(text);
  return text;
}

static bool
same(float (*const a)[N], float (*const b)[N], const uint32_t n)
{
  return !memcmp(a[0], b[0], n * sizeof(float)) &&
         !memcmp(a[1], b[1], n * sizeof(float));
}

static void
deactivate_activate(RHost* const host)
{
  lilv_instance_deactivate(rhost_instance(host));
  lilv_instance_activate(rhost_instance(host));
}

/* Every preset of `uri`, NULL-terminated (free with free_presets). */
static LilvNode**
presets_of(const char* const uri)
{
  LilvWorld* const        w      = rhost_world();
  const LilvPlugin* const plugin = lv2world_plugin(uri);
  LilvNode* const         pset   = lilv_new_uri(w, LV2_PRESETS__Preset);
  LilvNodes* const        found  = lilv_plugin_get_related(plugin, pset);
  const unsigned          n      = lilv_nodes_size(found);
  LilvNode** const        list   = (LilvNode**)calloc(n + 1U, sizeof(*list));
  unsigned                i      = 0;
  LILV_FOREACH(nodes, it, found)
  {
    list[i++] = lilv_node_duplicate(lilv_nodes_get(found, it));
  }
  lilv_nodes_free(found);
  lilv_node_free(pset);
  assert_true(n > 3U);
  return list;
}

static void
free_presets(LilvNode** const list)
{
  for (LilvNode** p = list; *p; ++p) {
    lilv_node_free(*p);
  }
  free(list);
}

/* Notes the synth renders play: a chord, one note let go, two still held
   at the end (so a re-activation has sounding voices to forget). */
static void
post_notes(RHost* const host)
{
  post_midi(host, 0, 0x90, 60, 100);
  post_midi(host, 10, 0x90, 64, 90);
  post_midi(host, 20, 0x90, 67, 80);
  post_midi(host, 200, 0x80, 64, 0);
}

/* Point 0: a state given back without its NUL, or with garbage after its
   size, restores; a NUL inside is refused and changes nothing. */
static void
test_restore_takes_the_size_given(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_FX);
  post_patch(host, echo_patch);
  render(host, out_a, 1024);
  char* const    text = saved_patch(host);
  const size_t   len  = strlen(text);
  const LV2_URID str  = rhost_map(host, LV2_ATOM__String);

  RHost* const other = new_host(REL_FX);
  render(other, out_a, 1024);

  /* Carla: size = strlen, no NUL. */
  assert_int_equal(rhost_restore(other, text, len, str), LV2_STATE_SUCCESS);
  char* got = saved_patch(other);
  assert_string_equal(got, text);
  free(got);

  /* No end at all: bytes after the size must not be read. */
  char* const junk = (char*)malloc(len + 64U);
  memcpy(junk, text, len);
  memset(junk + len, 'x', 64U);
  post_patch(other, gain_patch);
  render(other, out_a, 1024);
  assert_int_equal(rhost_restore(other, junk, len, str), LV2_STATE_SUCCESS);
  got = saved_patch(other);
  assert_string_equal(got, text);
  free(got);

  /* With its NUL, as save() stored it. */
  assert_int_equal(rhost_restore(other, text, len + 1U, str),
                   LV2_STATE_SUCCESS);

  /* A NUL inside: refused, the patch kept. */
  junk[len / 2U] = '\0';
  assert_int_not_equal(rhost_restore(other, junk, len, str), LV2_STATE_SUCCESS);
  got = saved_patch(other);
  assert_string_equal(got, text);
  free(got);

  free(junk);
  free(text);
  rhost_free(other);
  rhost_free(host);
}

/* A state of port values only (jalv restores the plugin's default state so
   at start) keeps the patch and says nothing: no red status in an editor
   that opens. */
static void
test_state_without_a_patch_is_quiet(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_FX);
  post_patch(host, gain_patch);
  render(host, out_a, 1024);
  char* const before = saved_patch(host);
  RelLog      log;
  memset(&log, 0, sizeof(log));
  rel_log_drain(host, &log);
  rel_log_clear(&log);
  assert_int_equal(rhost_restore(host, NULL, 0, 0), LV2_STATE_SUCCESS);
  render(host, out_a, 1024);
  rel_log_drain(host, &log);
  assert_int_equal(log.n_status, 0);
  assert_int_equal(log.n_changed, 0);
  char* const after = saved_patch(host);
  assert_string_equal(before, after);
  free(after);
  free(before);
  rel_log_free(&log);
  rhost_free(host);
}

/* Point 0: the newest state wins, however many come with no run() between,
   with the plugin active or deactivated. */
static void
test_many_restores_without_run(void** state)
{
  (void)state;
  for (uint32_t deactivated = 0; deactivated < 2U; ++deactivated) {
    RHost* const host = new_host(REL_FX);
    post_patch(host, gain_patch);
    render(host, out_a, 1024);
    char* const gain = saved_patch(host);
    post_patch(host, echo_patch);
    render(host, out_a, 1024);
    char* const    echo = saved_patch(host);
    const LV2_URID str  = rhost_map(host, LV2_ATOM__String);

    if (deactivated) {
      lilv_instance_deactivate(rhost_instance(host));
    }
    for (uint32_t i = 0; i < 300U; ++i) {
      const char* const text = (i & 1U) ? gain : echo;
      assert_int_equal(rhost_restore(host, text, strlen(text) + 1U, str),
                       LV2_STATE_SUCCESS);
    }
    if (deactivated) {
      lilv_instance_activate(rhost_instance(host));
    }
    render(host, out_a, 4096);
    char* const now = saved_patch(host);
    assert_string_equal(now, gain);

    /* It plays the gain patch: half the left input on both sides. */
    for (uint32_t i = 4000; i < 4096U; ++i) {
      assert_true(out_a[0][i] == input[0][i] * 0.5f);
    }
    free(now);
    free(echo);
    free(gain);
    rhost_free(host);
  }
}

/* Point 0: a host re-sending the patch file a restored state replaced
   (Carla's bridged mode on reload) does not undo the state. */
static void
test_restored_state_wins_over_stale_patch_file(void** state)
{
  (void)state;
  char      path[] = "/tmp/aether-stale-XXXXXX.ttl";
  const int fd     = mkstemps(path, 4);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, gain_patch, strlen(gain_patch)),
                   (ssize_t)strlen(gain_patch));
  close(fd);

  RHost* const host = new_host(REL_FX);
  post_file(host, path);
  render(host, out_a, 1024);
  char* const from_file = saved_patch(host);
  assert_non_null(strstr(from_file, "ae:Gain"));

  /* A preset chosen later (a state), saved with the session. */
  RHost* const   other = new_host(REL_FX);
  const LV2_URID str   = rhost_map(host, LV2_ATOM__String);
  post_patch(other, echo_patch);
  render(other, out_a, 1024);
  char* const echo = saved_patch(other);
  assert_int_equal(rhost_restore(host, echo, strlen(echo) + 1U, str),
                   LV2_STATE_SUCCESS);

  /* The host sends the old file again: the state stays. */
  post_file(host, path);
  render(host, out_a, 1024);
  char* now = saved_patch(host);
  assert_string_equal(now, echo);
  free(now);

  /* Chosen again by the user, it loads. */
  post_file(host, path);
  render(host, out_a, 1024);
  now = saved_patch(host);
  assert_string_equal(now, from_file);
  free(now);

  /* A session reopened in a new instance (a new bridge process): the
     saved state remembers the file, and the re-sent path loses to it. */
  assert_int_equal(rhost_restore(host, echo, strlen(echo) + 1U, str),
                   LV2_STATE_SUCCESS);
  render(host, out_a, 1024);
  LilvState* const saved =
    lilv_state_new_from_instance(lv2world_plugin(REL_FX),
                                 rhost_instance(host),
                                 rhost_urid_map(host),
                                 NULL,
                                 NULL,
                                 NULL,
                                 NULL,
                                 NULL,
                                 NULL,
                                 LV2_STATE_IS_POD | LV2_STATE_IS_PORTABLE,
                                 NULL);
  assert_non_null(saved);
  lilv_state_restore(saved, rhost_instance(other), NULL, NULL, 0, NULL);
  post_file(other, path);
  render(other, out_a, 1024);
  now = saved_patch(other);
  assert_string_equal(now, echo);
  free(now);

  lilv_state_free(saved);
  free(echo);
  free(from_file);
  rhost_free(other);
  rhost_free(host);
  unlink(path);
}

/* Point 1: after deactivate + activate the output depends only on what
   comes after: for every preset of both plugins, the same input (and
   notes) renders bit-identically before and after, and a fresh instance
   given the saved state renders the same. */
static void
check_reactivation(const char* const uri)
{
  LilvNode** const presets = presets_of(uri);
  const bool       synth   = !strcmp(uri, REL_SYNTH);
  for (LilvNode** preset = presets; *preset; ++preset) {
    RHost* const host = new_host(uri);
    assert_true(rhost_load_preset(host, *preset));
    rhost_idle(host);
    if (synth) {
      post_notes(host);
    }
    render(host, out_a, N);

    deactivate_activate(host);
    if (synth) {
      post_notes(host);
    }
    render(host, out_b, N);
    if (!same(out_a, out_b, N)) {
      double worst = 0.0;
      for (uint32_t i = 0; i < N; ++i) {
        worst = fmax(worst, fabs((double)out_a[0][i] - (double)out_b[0][i]));
      }
      fail_msg("%s: the render after activate() differs (largest %g)",
               lilv_node_as_uri(*preset),
               worst);
    }

    /* A fresh instance given the state saved now. */
    char* const    text  = saved_patch(host);
    RHost* const   fresh = new_host(uri);
    const LV2_URID str   = rhost_map(fresh, LV2_ATOM__String);
    assert_int_equal(rhost_restore(fresh, text, strlen(text) + 1U, str),
                     LV2_STATE_SUCCESS);
    rhost_idle(fresh);
    if (synth) {
      post_notes(fresh);
    }
    render(fresh, out_c, N);
    assert_true(same(out_a, out_c, N));
    free(text);
    rhost_free(fresh);
    rhost_free(host);
  }
  free_presets(presets);
}

static void
test_reactivated_effect_forgets_its_past(void** state)
{
  (void)state;
  check_reactivation(REL_FX);
}

static void
test_reactivated_synth_forgets_its_notes(void** state)
{
  (void)state;
  check_reactivation(REL_SYNTH);

  /* A note held over a re-activation is silent after it. */
  RHost* const host = new_host(REL_SYNTH);
  post_midi(host, 0, 0x90, 69, 100);
  render(host, out_a, 4096);
  assert_true(measure_peak(out_a[0], 4096) > 0.01);
  deactivate_activate(host);
  render(host, out_a, 4096);
  assert_true(measure_peak(out_a[0], 4096) == 0.0);
  rhost_free(host);
}

/* Point 3: bypassed from the start, the effect passes its input bit for bit
   from frame 0 (a -0.0 too) and the synth is silent, also after an
   activate. */
static void
test_bypassed_from_the_start_is_exact(void** state)
{
  (void)state;
  input[0][3]       = -0.0f;
  RHost* const host = new_host(REL_FX);
  assert_true(rhost_control(host, "enabled", 0.0f));
  render(host, out_a, 4096);
  for (uint32_t i = 0; i < 4096U; ++i) {
    assert_true(!memcmp(&out_a[0][i], &input[0][i], sizeof(float)));
    assert_true(!memcmp(&out_a[1][i], &input[1][i], sizeof(float)));
  }
  deactivate_activate(host);
  render(host, out_a, 4096);
  assert_true(!memcmp(out_a[0], input[0], 4096 * sizeof(float)));
  rhost_free(host);

  RHost* const synth = new_host(REL_SYNTH);
  assert_true(rhost_control(synth, "enabled", 0.0f));
  post_midi(synth, 0, 0x90, 69, 127);
  render(synth, out_a, 4096);
  assert_true(measure_peak(out_a[0], 4096) == 0.0);
  assert_true(measure_peak(out_a[1], 4096) == 0.0);
  rhost_free(synth);
  input[0][3] = 0.0f;
}

/* Point 4: a restored state is the host's own: no StateChanged, no voice
   count told twice. A user's edit does say StateChanged. */
static void
test_restore_is_quiet(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_SYNTH);
  render(host, out_a, 1024);
  char* const text = saved_patch(host);

  RHost* const other = new_host(REL_SYNTH);
  RelLog       log;
  memset(&log, 0, sizeof(log));
  render(other, out_a, 1024);
  rel_log_drain(other, &log);
  rel_log_clear(&log);

  const LV2_URID str = rhost_map(other, LV2_ATOM__String);
  assert_int_equal(rhost_restore(other, text, strlen(text) + 1U, str),
                   LV2_STATE_SUCCESS);
  render(other, out_a, 4096);
  rel_log_drain(other, &log);
  assert_int_equal(log.n_changed, 0);
  assert_int_equal(log.n_other, 0); /* no ae:voices again */
  assert_int_equal(log.n_errors, 0);

  post_patch(other, gain_patch);
  render(other, out_a, 1024);
  rel_log_drain(other, &log);
  assert_int_equal(log.n_changed, 1);
  rel_log_free(&log);
  free(text);
  rhost_free(other);
  rhost_free(host);
}

static float
saved_value(const char* const text, const char* const node, const char* key)
{
  const char* const at  = strstr(text, node);
  const char* const val = at ? strstr(at, key) : NULL;
  return val ? strtof(val + strlen(key), NULL) : -1.0f;
}

/* Point 5: the value a MIDI controller mapping set is saved, answered to
   patch:Get, and comes back with the state. */
static void
test_controller_values_are_saved(void** state)
{
  (void)state;
  static const char* const cc_patch =
    "@prefix ae: <urn:aether:> .\n"
    "@prefix node: <urn:aether:node:> .\n"
    "<> a ae:Patch ; ae:formatVersion 1 ;\n"
    "  ae:controller [ ae:cc 74 ; ae:channel 3 ; ae:node node:g ;\n"
    "                  ae:param ae:gain ; ae:min 0 ; ae:max 2 ] .\n"
    "node:in a ae:AudioIn .\n"
    "node:g a ae:Gain ; ae:gain 1 ; ae:in node:in.left .\n"
    "node:out a ae:AudioOut ; ae:left node:g ; ae:right node:g .\n";
  RHost* const host = new_host(REL_FX);
  post_patch(host, cc_patch);
  render(host, out_a, 1024);
  post_midi(host, 0, 0xB2, 74, 127); /* channel 3: gain 2 */
  render(host, out_a, 4096);
  rhost_idle(host);

  char* const text = saved_patch(host);
  assert_float_equal(
    saved_value(text, "node:g a ae:Gain", "ae:gain "), 2.0f, 1e-6f);

  RHostMsg msg;
  uint8_t  buf[256];
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  assert_true(rhost_post(host, 0, rhost_msg_get(&msg, NULL)));
  render(host, out_a, 1024);
  render(host, out_a, 1024);
  assert_non_null(rhost_patch_text(host));
  assert_float_equal(
    saved_value(rhost_patch_text(host), "node:g a ae:Gain", "ae:gain "),
    2.0f,
    1e-6f);

  RHost* const   fresh = new_host(REL_FX);
  const LV2_URID str   = rhost_map(fresh, LV2_ATOM__String);
  assert_int_equal(rhost_restore(fresh, text, strlen(text) + 1U, str),
                   LV2_STATE_SUCCESS);
  render(fresh, out_b, 4096);
  assert_true(out_b[0][4000] == input[0][4000] * 2.0f);
  free(text);
  rhost_free(fresh);
  rhost_free(host);
}

/* Point 6: a runaway but finite signal never leaves: beyond +60 dBFS it is
   silenced like a non-finite one, with one warning. */
static void
test_runaway_signal_is_silenced(void** state)
{
  (void)state;
  static const char* const loop =
    "@prefix ae: <urn:aether:> .\n"
    "@prefix node: <urn:aether:node:> .\n"
    "node:in a ae:AudioIn .\n"
    "node:mix a ae:Mixer ; ae:in1 node:in.left ; ae:in2 node:g .\n"
    "node:d a ae:Delay ; ae:time 0.01 ; ae:feedback 0 ; ae:wet 1 ;\n"
    "  ae:in node:mix .\n"
    "node:g a ae:Gain ; ae:gain 4 ; ae:in node:d .\n"
    "node:out a ae:AudioOut ; ae:left node:g ; ae:right node:g .\n";
  RHost* const host = new_host(REL_FX);
  RelLog       log;
  memset(&log, 0, sizeof(log));
  post_patch(host, loop);
  render(host, out_a, N);
  rel_log_drain(host, &log);
  assert_int_equal(log.n_errors, 0);
  for (uint32_t i = 0; i < N; ++i) {
    assert_true(fabsf(out_a[0][i]) <= 1000.0f);
    assert_true(fabsf(out_a[1][i]) <= 1000.0f);
  }
  assert_true(log.n_warnings >= 1U);
  assert_true(rel_log_count(&log, "warning: the patch produced") >= 1U);
  rel_log_free(&log);
  rhost_free(host);
}

/* Point 7: an empty patch string is refused and changes nothing. */
static void
test_empty_patch_is_refused(void** state)
{
  (void)state;
  RHost* const host = new_host(REL_FX);
  post_patch(host, gain_patch);
  render(host, out_a, 1024);
  char* const before = saved_patch(host);
  RelLog      log;
  memset(&log, 0, sizeof(log));
  rel_log_drain(host, &log);
  rel_log_clear(&log);

  post_patch(host, "");
  render(host, out_a, 1024);
  post_patch(host, " \n\t ");
  render(host, out_a, 1024);
  rel_log_drain(host, &log);
  assert_int_equal(rel_log_count(&log, "error: the patch text is empty"), 2);
  assert_int_equal(log.n_ok, 0);
  char* const after = saved_patch(host);
  assert_string_equal(before, after);
  for (uint32_t i = 0; i < 1024U; ++i) {
    assert_true(out_a[0][i] == input[0][i] * 0.5f);
  }
  free(after);
  free(before);
  rel_log_free(&log);
  rhost_free(host);
}

/* Point 8: a parameter set sent in the cycle of a patch load, to a node the
   new patch removes, gets the same single answer whatever the worker. */
static void
test_workers_answer_alike(void** state)
{
  (void)state;
  char* answers[3] = { NULL, NULL, NULL };
  for (uint32_t mode = 0; mode < 3U; ++mode) {
    const RHostOptions options = { .uri             = REL_FX,
                                   .sync_worker     = mode == 1U,
                                   .threaded_worker = mode == 2U };
    RHost* const       host    = rhost_new(&options);
    assert_non_null(host);
    post_patch(host, gain_patch);
    render(host, out_a, 1024);
    for (uint32_t i = 0; i < 200U && rhost_cycles(host) < 1000U; ++i) {
      render(host, out_a, BLOCK); /* a threaded worker settles */
      usleep(mode == 2U ? 1000U : 0U);
    }
    RelLog log;
    memset(&log, 0, sizeof(log));
    rel_log_drain(host, &log);
    rel_log_clear(&log);

    RHostMsg msg;
    uint8_t  buf[8192];
    rhost_msg_init(host, &msg, buf, sizeof(buf));
    assert_true(rhost_post(host,
                           0,
                           rhost_msg_set_string(&msg,
                                                "urn:aether:patch",
                                                echo_patch,
                                                (uint32_t)strlen(echo_patch),
                                                false)));
    assert_true(
      rhost_post(host, 10, rhost_msg_set_param(&msg, "g", "gain", 1)));
    for (uint32_t i = 0; i < 400U && log.n_status < 2U; ++i) {
      render(host, out_a, BLOCK);
      rel_log_drain(host, &log);
      if (mode == 2U && log.n_status < 2U) {
        usleep(1000);
      }
    }
    assert_int_equal(log.n_status, 2);
    assert_int_equal(log.n_acks, 0);
    assert_string_equal(log.statuses[0], "ok");
    answers[mode]   = strdup(log.statuses[1]);
    char* const now = saved_patch(host);
    assert_non_null(strstr(now, "ae:Delay"));
    free(now);
    rel_log_free(&log);
    rhost_free(host);
  }
  assert_string_equal(answers[0], "error: no node called \"g\"");
  assert_string_equal(answers[1], answers[0]);
  assert_string_equal(answers[2], answers[0]);
  for (uint32_t i = 0; i < 3U; ++i) {
    free(answers[i]);
  }
}

/* Point 10: the smaller answers. */
static void
test_smaller_answers(void** state)
{
  (void)state;
  RelLog log;
  memset(&log, 0, sizeof(log));

  /* Without a worker, a set on an unknown node names the node. */
  const RHostOptions no_worker = { .uri = REL_FX, .no_worker = true };
  RHost*             host      = rhost_new(&no_worker);
  assert_non_null(host);
  RHostMsg msg;
  uint8_t  buf[8192];
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  assert_true(
    rhost_post(host, 0, rhost_msg_set_param(&msg, "nosuch", "gain", 1)));
  render(host, out_a, 256);
  rel_log_drain(host, &log);
  assert_string_equal(log.last, "error: no node called \"nosuch\"");
  rhost_free(host);

  /* NaN on the bypass switch is reported once, the bypass held. */
  host = new_host(REL_FX);
  rel_log_clear(&log);
  assert_true(rhost_control(host, "enabled", NAN));
  render(host, out_a, 2048);
  rel_log_drain(host, &log);
  assert_int_equal(rel_log_count(&log, "error: enabled is not a number"), 1);

  /* A patch longer than a small notify buffer carries comes in pieces
     (ae:patchPart, see tests/ui/test_ui_patch_parts.c), not as an error;
     a buffer too small for any piece says so. */
  rhost_free(host);
  const RHostOptions small = { .uri = REL_FX, .notify_bytes = 1024 };
  host                     = rhost_new(&small);
  assert_non_null(host);
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rel_log_clear(&log);
  assert_true(rhost_post(host, 0, rhost_msg_get(&msg, "urn:aether:patch")));
  render(host, out_a, 1024);
  render(host, out_a, 8192);
  rel_log_drain(host, &log);
  assert_int_equal(log.n_errors, 0);
  assert_int_equal(log.n_patches, 0);
  assert_true(log.n_other >= 2U);
  rhost_free(host);
  const RHostOptions tiny = { .uri = REL_FX, .notify_bytes = 512 };
  host                    = rhost_new(&tiny);
  assert_non_null(host);
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rel_log_clear(&log);
  assert_true(rhost_post(host, 0, rhost_msg_get(&msg, "urn:aether:patch")));
  render(host, out_a, 1024);
  render(host, out_a, 1024);
  rel_log_drain(host, &log);
  assert_int_equal(
    rel_log_count(&log,
                  "error: the notify port is too small to carry the "
                  "patch"),
    1);
  rhost_free(host);

  /* A message that is not for the plugin (jalv sends a time:Position when
     the transport changes) is ignored, not answered with an error. */
  host = new_host(REL_FX);
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rel_log_clear(&log);
  LV2_Atom_Forge_Frame frame;
  lv2_atom_forge_set_buffer(&msg.forge, buf, sizeof(buf));
  lv2_atom_forge_object(
    &msg.forge,
    &frame,
    0,
    rhost_map(host, "http://lv2plug.in/ns/ext/time#Position"));
  lv2_atom_forge_pop(&msg.forge, &frame);
  assert_true(rhost_post(host, 0, (const LV2_Atom*)buf));
  render(host, out_a, 1024);
  rel_log_drain(host, &log);
  assert_int_equal(log.n_status, 0);
  rhost_free(host);

  /* Without urid:unmap, a Put with a type says what it needs. */
  const RHostOptions no_unmap = { .uri = REL_FX, .no_unmap = true };
  host                        = rhost_new(&no_unmap);
  assert_non_null(host);
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rel_log_clear(&log);
  rhost_msg_put_begin(&msg, "x", "Gain");
  assert_true(rhost_post(host, 0, rhost_msg_put_end(&msg)));
  render(host, out_a, 1024);
  rhost_idle(host);
  render(host, out_a, 1024);
  rel_log_drain(host, &log);
  assert_string_equal(
    log.last,
    "error: patch:Put of urn:aether:node:x: its rdf:type is a "
    "URID, which "
    "needs the host's urid:unmap feature");
  rhost_free(host);
  rel_log_free(&log);
}

/* Point 10: a sample rate outside 8 kHz to 768 kHz fails with a word in
   the host's log. */
static char log_text[512];

static int
log_vprintf(LV2_Log_Handle handle,
            const LV2_URID type,
            const char*    fmt,
            va_list        args)
{
  (void)handle;
  (void)type;
  return vsnprintf(log_text, sizeof(log_text), fmt, args);
}

static int
log_printf(LV2_Log_Handle handle, const LV2_URID type, const char* fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  const int n = log_vprintf(handle, type, fmt, args);
  va_end(args);
  return n;
}

static void
test_bad_rate_is_logged(void** state)
{
  (void)state;
  LV2_Log_Log        log    = { NULL, log_printf, log_vprintf };
  const LV2_Feature  log_f  = { LV2_LOG__log, &log };
  const LV2_Feature* feat[] = { &log_f, NULL };
  const char* const  uris[] = { REL_FX, REL_SYNTH };
  const double       bad[]  = { 4000.0, 1000000.0 };
  for (uint32_t u = 0; u < 2U; ++u) {
    for (uint32_t r = 0; r < 2U; ++r) {
      log_text[0] = '\0';
      LilvInstance* const inst =
        lilv_plugin_instantiate(lv2world_plugin(uris[u]), bad[r], feat);
      assert_null(inst);
      assert_non_null(strstr(log_text, "is not supported (8000 to 768000"));
    }
  }
  LilvInstance* const ok =
    lilv_plugin_instantiate(lv2world_plugin(REL_FX), 8000.0, feat);
  assert_non_null(ok);
  lilv_instance_free(ok);
}

int
main(void)
{
  rel_input(input[0], input[1], N, 7U);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_restore_takes_the_size_given),
    cmocka_unit_test(test_many_restores_without_run),
    cmocka_unit_test(test_state_without_a_patch_is_quiet),
    cmocka_unit_test(test_restored_state_wins_over_stale_patch_file),
    cmocka_unit_test(test_reactivated_effect_forgets_its_past),
    cmocka_unit_test(test_reactivated_synth_forgets_its_notes),
    cmocka_unit_test(test_bypassed_from_the_start_is_exact),
    cmocka_unit_test(test_restore_is_quiet),
    cmocka_unit_test(test_controller_values_are_saved),
    cmocka_unit_test(test_runaway_signal_is_silenced),
    cmocka_unit_test(test_empty_patch_is_refused),
    cmocka_unit_test(test_workers_answer_alike),
    cmocka_unit_test(test_smaller_answers),
    cmocka_unit_test(test_bad_rate_is_logged),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  rhost_world_free();
  return failed;
}
