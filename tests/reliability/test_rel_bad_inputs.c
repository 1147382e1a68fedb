/* Aether reliability: every bad input is answered with a clear error, the
   running patch stays as it was and the audio goes on. Each case renders the
   effect twice from the same input, once clean and once with the bad input
   arriving in cycle AT, and compares the two outputs sample for sample. */

#include "measure.h"
#include "relutil.h"

#include <lv2/atom/util.h>
#include <lv2/patch/patch.h>

#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define LEN 24576U
#define BLOCK 256U
#define AT 8U /* the cycle the bad input arrives in */
#define MSG_BYTES (17U * 1024U * 1024U)

static float    input[2][LEN];
static float    ref[2][LEN];
static float    out[2][LEN];
static uint8_t* msg_buf;

typedef void (*Inject)(RHost* host, RHostMsg* msg, const void* arg);

/* One bad input: how to send it, what the plugin must say. */
typedef struct {
  const char*  name;
  RHostOptions options;  /**< the host (uri defaults to the effect) */
  Inject       inject;   /**< sends the bad input at cycle AT */
  const void*  arg;      /**< for inject */
  const char*  expect;   /**< a status must contain this */
  uint32_t     n_expect; /**< ... this many times (0: at least once) */
  bool         changes;  /**< the patch may change (a valid edit too) */
} BadCase;

/* Render LEN frames in BLOCK cycles, calling inject (if any) at cycle AT.
   Returns false if the host failed or the notify port was malformed (no
   assertion here: a forked child calls it too). */
static bool
render(const BadCase* const k,
       const bool           bad,
       float                dst[2][LEN],
       RelLog* const        log)
{
  RHostOptions options = k->options;
  options.uri          = options.uri ? options.uri : REL_FX;
  RHost* const host    = rhost_new(&options);
  if (!host) {
    return false;
  }
  RHostMsg msg;
  rhost_msg_init(host, &msg, msg_buf, MSG_BYTES);
  for (uint32_t c = 0; c * BLOCK < LEN; ++c) {
    if (bad && c == AT) {
      k->inject(host, &msg, k->arg);
    }
    const float* const in2[2]  = { input[0] + c * BLOCK, input[1] + c * BLOCK };
    float* const       out2[2] = { dst[0] + c * BLOCK, dst[1] + c * BLOCK };
    rhost_cycle(host, in2, out2, BLOCK);
  }
  rel_log_drain(host, log);
  const bool ok = !rhost_bad_notify(host) && !rhost_replies_lost(host);
  rhost_free(host);
  return ok;
}

static void
print_log(const char* const name, const RelLog* const log)
{
  fprintf(stderr, "%s: %u statuses\n", name, log->n_kept);
  for (uint32_t i = 0; i < log->n_kept; ++i) {
    fprintf(stderr, "  %s\n", log->statuses[i]);
  }
}

/* The bad input is answered, the output is the clean one, sample for
   sample, and not silent after the bad input. */
static void
check(const BadCase* const k)
{
  RelLog clean = { 0 };
  RelLog log   = { 0 };
  assert_true(render(k, false, ref, &clean));
  assert_true(render(k, true, out, &log));

  const uint32_t n = rel_log_count(&log, k->expect);
  if (k->n_expect ? n != k->n_expect : !n) {
    print_log(k->name, &log);
  }
  assert_true(k->n_expect ? n == k->n_expect : n > 0);
  if (!k->changes) {
    assert_int_equal(log.n_changed, 0);
  }
  if (memcmp(ref, out, sizeof(ref))) {
    fprintf(stderr, "%s: the output changed\n", k->name);
    fail();
  }
  assert_true(measure_rms(out[0] + AT * BLOCK, LEN - AT * BLOCK) > 0.01);
  rel_log_free(&clean);
  rel_log_free(&log);
}

/* Injections */

static void
send_patch(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  const char* const text = (const char*)arg;
  assert_true(rhost_post(
    host,
    10,
    rhost_msg_set_string(
      msg, "urn:aether:patch", text, (uint32_t)strlen(text), false)));
}

static void
send_patch_file(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  const char* const path = (const char*)arg;
  assert_true(rhost_post(
    host,
    10,
    rhost_msg_set_string(
      msg, "urn:aether:patchFile", path, (uint32_t)strlen(path), true)));
}

typedef struct {
  const char* node;
  const char* param;
  float       value;
} ParamArg;

static void
send_param(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  const ParamArg* const a = (const ParamArg*)arg;
  assert_true(rhost_post(
    host, 20, rhost_msg_set_param(msg, a->node, a->param, a->value)));
}

typedef struct {
  const char* subject;  /**< full URI or NULL */
  const char* property; /**< full URI */
  char        kind;     /**< 's' string, 'i' int, 'u' node URID, 'd' double */
  const char* text;
  double      number;
} SetArg;

static void
send_set(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  const SetArg* const a = (const SetArg*)arg;
  rhost_msg_set_begin(msg, a->subject, a->property);
  switch (a->kind) {
    case 's':
      lv2_atom_forge_string(&msg->forge, a->text, (uint32_t)strlen(a->text));
      break;
    case 'i':
      lv2_atom_forge_int(&msg->forge, (int32_t)a->number);
      break;
    case 'd':
      lv2_atom_forge_double(&msg->forge, a->number);
      break;
    default:
      lv2_atom_forge_urid(&msg->forge, rhost_map(host, a->text));
      break;
  }
  assert_true(rhost_post(host, 30, rhost_msg_end(msg)));
}

typedef struct {
  const char* symbol;
  float       value;
} ControlArg;

static void
set_control(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  (void)msg;
  const ControlArg* const a = (const ControlArg*)arg;
  assert_true(rhost_control(host, a->symbol, a->value));
}

typedef struct {
  const void*      value; /**< NULL: no ae:patch in the state */
  size_t           size;
  const char*      type;
  LV2_State_Status status; /**< what restore() must return */
} RestoreArg;

static void
restore(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  (void)msg;
  const RestoreArg* const a = (const RestoreArg*)arg;
  assert_int_equal(
    rhost_restore(host, a->value, a->size, rhost_map(host, a->type)),
    a->status);
}

typedef struct {
  const void* bytes;
  uint32_t    size;
} BytesArg;

static void
send_bytes(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  (void)msg;
  const BytesArg* const a = (const BytesArg*)arg;
  assert_true(rhost_post_bytes(host, 40, a->bytes, a->size));
}

/* Cases */

#define PREFIXES                         \
  "@prefix ae: <urn:aether:> .\n"        \
  "@prefix node: <urn:aether:node:> .\n" \
  "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"

static void
run_table(const BadCase* const cases, const uint32_t n)
{
  for (uint32_t i = 0; i < n; ++i) {
    check(&cases[i]);
  }
}

static void
test_bad_patch_texts(void** state)
{
  (void)state;
  static const BadCase cases[] = {
    { "malformed Turtle",
      { 0 },
      send_patch,
      PREFIXES "<> a ae:Patch ;;; oops",
      "error: patch:4:22: syntax error",
      1,
      false },
    { "unknown node type",
      { 0 },
      send_patch,
      PREFIXES "node:x a ae:NoSuchNode .\n",
      "error: patch:4:10: node \"x\": unknown node type ae:NoSuchNode",
      1,
      false },
    { "unknown parameter",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:gan 1 .\n",
      "error: patch:4:20: node \"g\" (Gain): unknown property ae:gan (did you "
      "mean ae:gain?)",
      1,
      false },
    { "wrong literal type",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:gain \"loud\" .\n",
      "ae:gain needs a number, not \"loud\"",
      1,
      false },
    { "out of range",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:gain 99 .\n",
      "ae:gain 99 is out of range (0 to 4)",
      1,
      false },
    { "NaN",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:gain \"NaN\"^^xsd:double .\n",
      "ae:gain: \"NaN\" is not a number",
      1,
      false },
    { "infinity",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:gain 1e999 .\n",
      "ae:gain inf is out of range (0 to 4)",
      1,
      false },
    { "dangling input",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain ; ae:in node:nosuch .\n",
      "ae:in names node \"nosuch\", which does not exist",
      1,
      false },
    { "duplicate node",
      { 0 },
      send_patch,
      PREFIXES "node:g a ae:Gain .\nnode:g a ae:Mixer .\n",
      "error: patch:5:10: duplicate node \"g\" (first declared at 4:10)",
      1,
      false },
    { "cycle without delay",
      { 0 },
      send_patch,
      PREFIXES "node:a a ae:Gain ; ae:in node:b .\n"
               "node:b a ae:Gain ; ae:in node:a .\n",
      "ae:in closes a cycle without a delay node: a -> b -> a",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static const ParamArg nan_param     = { "tone_l", "cutoff", NAN };
static const ParamArg inf_param     = { "tone_l", "cutoff", INFINITY };
static const ParamArg big_param     = { "tone_l", "cutoff", 1e9f };
static const ParamArg unknown_param = { "tone_l", "gan", 1.0f };
static const ParamArg unknown_node  = { "nosuch", "gain", 1.0f };

static const SetArg string_value = { "urn:aether:node:tone_l",
                                     "urn:aether:cutoff",
                                     's',
                                     "loud",
                                     0 };
static const SetArg nan_double   = { "urn:aether:node:tone_l",
                                     "urn:aether:cutoff",
                                     'd',
                                     NULL,
                                     NAN };
static const SetArg dangling     = { "urn:aether:node:out",
                                     "urn:aether:left",
                                     'u',
                                     "urn:aether:node:nosuch",
                                     0 };
static const SetArg self_loop    = { "urn:aether:node:tone_l",
                                     "urn:aether:in",
                                     'u',
                                     "urn:aether:node:tone_l",
                                     0 };
static const SetArg int_patch    = { NULL, "urn:aether:patch", 'i', NULL, 7 };
static const SetArg set_status   = { NULL, "urn:aether:status", 's', "ok", 0 };

static void
test_bad_messages(void** state)
{
  (void)state;
  static const BadCase cases[] = {
    { "NaN parameter",
      { 0 },
      send_param,
      &nan_param,
      "error: tone_l.cutoff: nan is not a valid value",
      1,
      false },
    { "infinite parameter",
      { 0 },
      send_param,
      &inf_param,
      "error: tone_l.cutoff: inf is not a valid value",
      1,
      false },
    { "NaN double parameter",
      { 0 },
      send_set,
      &nan_double,
      "error: tone_l.cutoff: nan is not a valid value",
      1,
      false },
    { "out-of-range parameter",
      { 0 },
      send_param,
      &big_param,
      "error: tone_l.cutoff: 1e+09 is out of range (20 to 20000)",
      1,
      false },
    { "unknown parameter",
      { 0 },
      send_param,
      &unknown_param,
      "error: node \"tone_l\" (Filter): unknown property ae:gan",
      1,
      false },
    { "unknown node",
      { 0 },
      send_param,
      &unknown_node,
      "error: no node called \"nosuch\"",
      1,
      false },
    { "wrong atom type",
      { 0 },
      send_set,
      &string_value,
      "ae:cutoff needs a number, not \"loud\"",
      1,
      false },
    { "dangling input",
      { 0 },
      send_set,
      &dangling,
      "names node \"nosuch\", which does not exist",
      1,
      false },
    { "cycle without delay",
      { 0 },
      send_set,
      &self_loop,
      "cycle without a delay node",
      1,
      false },
    { "a patch that is no string",
      { 0 },
      send_set,
      &int_patch,
      "error: urn:aether:patch needs a string value",
      1,
      false },
    { "writing the status",
      { 0 },
      send_set,
      &set_status,
      "error: urn:aether:status is read-only",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

static const ControlArg nan_macro  = { "macro1", NAN };
static const ControlArg inf_macro  = { "macro4", -INFINITY };
static const ControlArg nan_bypass = { "enabled", NAN };

static void
test_non_finite_controls(void** state)
{
  (void)state;
  static const BadCase cases[] = {
    { "NaN macro",
      { 0 },
      set_control,
      &nan_macro,
      "error: macro1 is not a finite number, ignored (the last value is "
      "kept)",
      1,
      false },
    { "infinite macro",
      { 0 },
      set_control,
      &inf_macro,
      "error: macro4 is not a finite number",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));

  /* A NaN on the enabled port holds the bypass as it is: nothing changes,
     no message (a toggle has no finite meaning to report). */
  const BadCase bypass = { "NaN enabled", { 0 }, set_control,
                           &nan_bypass,   "",    0,
                           false };
  RelLog        clean  = { 0 };
  RelLog        log    = { 0 };
  assert_true(render(&bypass, false, ref, &clean));
  assert_true(render(&bypass, true, out, &log));
  assert_memory_equal(ref, out, sizeof(ref));
  rel_log_free(&clean);
  rel_log_free(&log);
}

static char tmp_dir[64];

static void
write_file(const char* const path, const char* const text)
{
  FILE* const f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void
test_bad_patch_files(void** state)
{
  (void)state;
  char missing[128];
  char too_many[128];
  snprintf(missing, sizeof(missing), "%s/no-such.ttl", tmp_dir);
  snprintf(too_many, sizeof(too_many), "%s/too-many.ttl", tmp_dir);

  /* One node more than the arena holds. */
  FILE* const f = fopen(too_many, "wb");
  assert_non_null(f);
  fputs(PREFIXES, f);
  for (uint32_t i = 0; i <= 10240U; ++i) {
    fprintf(f, "node:n%u a ae:Gain .\n", i);
  }
  fclose(f);

  const BadCase cases[] = {
    { "missing file",
      { 0 },
      send_patch_file,
      missing,
      "no-such.ttl: no such file",
      1,
      false },
    { "directory",
      { 0 },
      send_patch_file,
      tmp_dir,
      "is a directory, not a patch file",
      1,
      false },
    { "device",
      { 0 },
      send_patch_file,
      "/dev/null",
      "error: /dev/null: not a regular file",
      1,
      false },
    { "too many nodes",
      { 0 },
      send_patch_file,
      too_many,
      "node \"n10240\": too many nodes (at most 10240)",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
  remove(too_many);
}

/* A FIFO without a writer as the patch file, with the worker between
   cycles and on its own thread: the refusal comes at once, and the messages
   after it (a patch:Get, a parameter set) are answered. Reading the FIFO
   would block the worker forever: run() or every later answer would never
   come, and the worker thread could not be joined; the alarm (set up for
   this test) turns such a hang into a failure. */
static void
fifo_then_more(const bool threaded, const char* const fifo)
{
  const RHostOptions options = { .uri = REL_FX, .threaded_worker = threaded };
  RHost* const       host    = rhost_new(&options);
  assert_non_null(host);
  RHostMsg msg;
  rhost_msg_init(host, &msg, msg_buf, MSG_BYTES);
  assert_true(rhost_post(
    host,
    0,
    rhost_msg_set_string(
      &msg, "urn:aether:patchFile", fifo, (uint32_t)strlen(fifo), true)));
  assert_true(rhost_post(host, 1, rhost_msg_get(&msg, "urn:aether:patch")));
  assert_true(
    rhost_post(host, 2, rhost_msg_set_param(&msg, "echo_l", "wet", 0.2f)));

  RelLog log = { 0 };
  for (uint32_t c = 0; !rel_log_count(&log, "pipe.ttl: not a regular file") ||
                       !log.n_patches || !(log.n_ok || log.n_acks);
       ++c) {
    const float* const in2[2]  = { input[0] + (c % 64U) * BLOCK,
                                   input[1] + (c % 64U) * BLOCK };
    float* const       out2[2] = { out[0], out[1] };
    rhost_cycle(host, in2, out2, BLOCK);
    rel_log_drain(host, &log);
  }
  assert_int_equal(rel_log_count(&log, "pipe.ttl: not a regular file"), 1);
  assert_int_equal(rel_log_count(&log, "error: "), 1);
  assert_int_equal(log.n_ok + log.n_acks, 1); /* the parameter set */
  rhost_free(host);                           /* joins the worker thread */
  rel_log_free(&log);
}

/* A FIFO that no one writes to, as a path and as a file URI: refused at
   once, the audio unchanged; then answers after it on either worker. */
static void
test_fifo_patch_file(void** state)
{
  (void)state;
  char fifo[128];
  char fifo_uri[160];
  snprintf(fifo, sizeof(fifo), "%s/pipe.ttl", tmp_dir);
  snprintf(fifo_uri, sizeof(fifo_uri), "file://%s", fifo);
  assert_int_equal(mkfifo(fifo, 0600), 0);

  const BadCase cases[] = {
    { "FIFO",
      { 0 },
      send_patch_file,
      fifo,
      "pipe.ttl: not a regular file",
      1,
      false },
    { "FIFO as a file URI",
      { 0 },
      send_patch_file,
      fifo_uri,
      "pipe.ttl: not a regular file",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
  fifo_then_more(false, fifo);
  fifo_then_more(true, fifo);
  remove(fifo);
}

/* A test that hangs (a blocking read) fails after this long instead: long
   enough under valgrind (scripts/ci-extra.sh), shorter than meson's
   timeout. */
#define HANG_SECONDS 240U

static void
on_alarm(const int sig)
{
  (void)sig;
  static const char msg[] = "test_rel_bad_inputs: hung (a blocking read?)\n";
  if (write(STDERR_FILENO, msg, sizeof(msg) - 1U) < 0) {
    _exit(2);
  }
  _exit(1);
}

static int
arm_alarm(void** state)
{
  (void)state;
  signal(SIGALRM, on_alarm);
  alarm(HANG_SECONDS);
  return 0;
}

static int
disarm_alarm(void** state)
{
  (void)state;
  alarm(0);
  return 0;
}

/* An unreadable file: a user cannot read a file only root may. Run as root,
   the case runs in a child process that gives up root first. */
static void
test_unreadable_patch_file(void** state)
{
  (void)state;
  char path[128];
  snprintf(path, sizeof(path), "%s/secret.ttl", tmp_dir);
  write_file(path, PREFIXES "node:g a ae:Gain .\n");
  assert_int_equal(chmod(path, 0), 0);
  const BadCase k = { "unreadable file",
                      { 0 },
                      send_patch_file,
                      path,
                      "secret.ttl: permission denied",
                      1,
                      false };

  if (geteuid()) {
    check(&k);
  } else {
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
      /* No cmocka in the child: it says what it found and exits. */
      if (setgid(65534) || setuid(65534)) {
        _exit(3);
      }
      RelLog     clean = { 0 };
      RelLog     log   = { 0 };
      const bool ran =
        render(&k, false, ref, &clean) && render(&k, true, out, &log);
      const bool said = rel_log_count(&log, k.expect) == 1;
      const bool same = !memcmp(ref, out, sizeof(ref));
      if (!said) {
        print_log(k.name, &log);
      }
      _exit(ran && said && same ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  remove(path);
}

/* The default effect's own patch, padded with a comment to `size` bytes. */
static char*
padded_default_patch(const size_t size)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/ttl/defaults/fx.ttl", rel_source_root());
  size_t      len  = 0;
  char* const text = rel_read_file(path, &len);
  assert_non_null(text);
  char* const big = (char*)malloc(size + 1U);
  assert_non_null(big);
  memcpy(big, text, len);
  for (size_t i = len; i < size; i += 64U) {
    const size_t n = size - i < 64U ? size - i : 64U;
    memset(big + i, ' ', n);
    big[i]         = '#';
    big[i + n - 1] = '\n';
  }
  big[size] = '\0';
  free(text);
  return big;
}

static void
test_huge_patch_strings(void** state)
{
  (void)state;
  /* 10 MB is within the limit (16 MiB): the same patch, loaded again, keeps
     every node and the output does not change. Above the limit: refused. */
  char* const        ten     = padded_default_patch(10U * 1000U * 1000U);
  char* const        huge    = padded_default_patch(16U * 1024U * 1024U + 1U);
  const RHostOptions big     = { .uri           = REL_FX,
                                 .control_bytes = MSG_BYTES,
                                 .worker_bytes  = MSG_BYTES,
                                 .post_bytes    = MSG_BYTES };
  const BadCase      cases[] = {
         { "10 MB patch string", big, send_patch, ten, "ok", 1, true },
         { "patch string above 16 MiB",
           big,
           send_patch,
           huge,
           "error: patch: patch too large (16777217 bytes, at most 16777216)",
           1,
           false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
  free(ten);
  free(huge);
}

static void
test_bad_saved_states(void** state)
{
  (void)state;
  char path[4096];
  snprintf(path, sizeof(path), "%s/ttl/defaults/fx.ttl", rel_source_root());
  size_t      len  = 0;
  char* const text = rel_read_file(path, &len);
  assert_non_null(text);

  /* Truncated in the middle of a statement; corrupt (bytes overwritten
     with invalid UTF-8); a NUL inside; not terminated; of the wrong type. */
  char* const truncated = strdup(text);
  truncated[len / 2U]   = '\0';
  char* const corrupt   = strdup(text);
  for (size_t i = len / 3U; i < len / 3U + 40U; ++i) {
    corrupt[i] = (char)0xFF;
  }
  static const char    nul_inside[]    = "@prefix ae: <urn:aether:> .\0 junk";
  static const char    unterminated[4] = { 'a', 'b', 'c', 'd' };
  static const int32_t number          = 42;

  const RestoreArg wrong = {
    &number, sizeof(number), LV2_ATOM__Int, LV2_STATE_ERR_BAD_TYPE
  };
  /* A string is read to the size given, with or without its NUL (Carla
     gives strlen), never past it: "abcd" is parsed, and is no patch. */
  const RestoreArg nul = {
    nul_inside, sizeof(nul_inside), LV2_ATOM__String, LV2_STATE_ERR_UNKNOWN
  };
  const RestoreArg unterm = {
    unterminated, sizeof(unterminated), LV2_ATOM__String, LV2_STATE_ERR_UNKNOWN
  };
  const RestoreArg trunc = {
    truncated, strlen(truncated) + 1U, LV2_ATOM__String, LV2_STATE_ERR_UNKNOWN
  };
  const RestoreArg garbled = {
    corrupt, len + 1U, LV2_ATOM__String, LV2_STATE_ERR_UNKNOWN
  };
  const BadCase cases[] = {
    { "state of the wrong type",
      { 0 },
      restore,
      &wrong,
      "error: the saved patch is not a string",
      1,
      false },
    { "state with a NUL inside",
      { 0 },
      restore,
      &nul,
      "error: state:1:28: syntax error: NUL byte in text",
      1,
      false },
    { "state not terminated",
      { 0 },
      restore,
      &unterm,
      "error: state:1:",
      1,
      false },
    { "truncated state", { 0 }, restore, &trunc, "error: state:", 1, false },
    { "corrupt state", { 0 }, restore, &garbled, "error: state:", 1, false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
  free(text);
  free(truncated);
  free(corrupt);
}

/* Raw messages whose sizes lie, forged with a forge and then falsified. */
static uint8_t lie_event[32];
static uint8_t lie_subject[256];
static uint8_t lie_small[16];
static uint8_t lie_body[512];
static uint8_t unknown_type[64];

static uint32_t
forge_lies(void)
{
  /* An event claiming 1000 bytes where 16 follow. */
  LV2_Atom* const a = (LV2_Atom*)lie_event;
  a->size           = 1000;
  a->type           = 1; /* whatever: the size is checked first */

  /* Objects below are made by a real host, then one size is falsified. */
  const RHostOptions options = { .uri = REL_FX };
  RHost* const       host    = rhost_new(&options);
  RHostMsg           msg;
  rhost_msg_init(host, &msg, lie_subject, sizeof(lie_subject));
  const LV2_Atom* set = rhost_msg_set_param(&msg, "tone_l", "cutoff", 500.0f);
  const uint32_t  set_size = lv2_atom_total_size(set);
  LV2_ATOM_OBJECT_FOREACH((const LV2_Atom_Object*)set, prop)
  {
    if (prop->key == rhost_map(host, LV2_PATCH__subject)) {
      ((LV2_Atom*)&prop->value)->size = 5000; /* past the object */
    }
  }

  LV2_Atom_Object* const small = (LV2_Atom_Object*)lie_small;
  small->atom.size             = 4; /* less than an object body */
  small->atom.type             = rhost_map(host, LV2_ATOM__Object);

  rhost_msg_init(host, &msg, lie_body, sizeof(lie_body));
  rhost_msg_put_begin(&msg, "liar", "Gain");
  lv2_atom_forge_key(&msg.forge, rhost_map(host, "urn:aether:gain"));
  lv2_atom_forge_float(&msg.forge, 0.5f);
  const LV2_Atom* const put = rhost_msg_put_end(&msg);
  LV2_ATOM_OBJECT_FOREACH((const LV2_Atom_Object*)put, prop)
  {
    if (prop->key == rhost_map(host, LV2_PATCH__body)) {
      const LV2_Atom_Object* const body = (const LV2_Atom_Object*)&prop->value;
      LV2_ATOM_OBJECT_FOREACH(body, inner)
      {
        ((LV2_Atom*)&inner->value)->size = 1U << 20U;
      }
    }
  }

  rhost_msg_init(host, &msg, unknown_type, sizeof(unknown_type));
  lv2_atom_forge_set_buffer(&msg.forge, unknown_type, sizeof(unknown_type));
  lv2_atom_forge_object(
    &msg.forge, &msg.frame, 0, rhost_map(host, LV2_PATCH__Move));
  lv2_atom_forge_pop(&msg.forge, &msg.frame);
  rhost_free(host);
  return set_size;
}

static void
test_lying_sizes_and_unknown_messages(void** state)
{
  (void)state;
  const uint32_t set_size = forge_lies();
  const BytesArg event    = { lie_event, 16 };
  const BytesArg subject  = { lie_subject, set_size };
  const BytesArg small    = { lie_small, 12 };
  const BytesArg body     = { lie_body,
                              lv2_atom_total_size((const LV2_Atom*)lie_body) };
  const BytesArg unknown  = {
     unknown_type, lv2_atom_total_size((const LV2_Atom*)unknown_type)
  };
  static const char malformed[] =
    "error: a malformed event on the control port (a size runs past its "
    "container), ignored";
  const BadCase cases[] = {
    { "event larger than the sequence",
      { 0 },
      send_bytes,
      &event,
      malformed,
      1,
      false },
    { "property larger than its object",
      { 0 },
      send_bytes,
      &subject,
      malformed,
      1,
      false },
    { "object smaller than its header",
      { 0 },
      send_bytes,
      &small,
      malformed,
      1,
      false },
    { "nested property larger than its body",
      { 0 },
      send_bytes,
      &body,
      malformed,
      1,
      false },
    { "unknown message type",
      { 0 },
      send_bytes,
      &unknown,
      "error: unknown message type on the control port",
      1,
      false },
  };
  run_table(cases, sizeof(cases) / sizeof(cases[0]));
}

/* Puts of unconnected gains w0 .. w(n-1) in one cycle. */
static void
send_puts(RHost* const host, RHostMsg* const msg, const void* const arg)
{
  const uint32_t n = *(const uint32_t*)arg;
  for (uint32_t i = 0; i < n; ++i) {
    char name[16];
    snprintf(name, sizeof(name), "w%u", i);
    rhost_msg_put_begin(msg, name, "Gain");
    assert_true(rhost_post(host, i, rhost_msg_put_end(msg)));
  }
}

static void
test_edits_faster_than_the_worker_drains(void** state)
{
  (void)state;
  /* A queue of 4: 4 edits are carried out, 6 refused at once. Off the
     output's path, the accepted ones do not change the output either. */
  static const uint32_t ten   = 10;
  const RHostOptions    small = { .uri = REL_FX, .worker_jobs = 4 };
  const BadCase         k     = { "worker queue full",
                                  small,
                                  send_puts,
                                  &ten,
                                  "error: edit dropped, the host's worker queue is full",
                                  6,
                                  true };
  check(&k);

  /* 70 edits before the audio thread takes any: none is refused (the
     engine holds 64 schedules; a newer one replaces one waiting). */
  static const uint32_t seventy = 70;
  const BadCase busy = { "edits faster than the audio thread takes them",
                         { 0 },
                         send_puts,
                         &seventy,
                         "ok",
                         70,
                         true };
  check(&busy);
}

static void
test_zero_frames_and_null_ports(void** state)
{
  (void)state;
  /* 0-frame cycles between the normal ones change nothing, and messages
     in them are answered. */
  const RHostOptions options = { .uri = REL_FX };
  RHost* const       a       = rhost_new(&options);
  RHost* const       b       = rhost_new(&options);
  RelLog             log     = { 0 };
  RHostMsg           msg;
  rhost_msg_init(b, &msg, msg_buf, MSG_BYTES);
  for (uint32_t c = 0; c * BLOCK < LEN; ++c) {
    const float* const in2[2]  = { input[0] + c * BLOCK, input[1] + c * BLOCK };
    float* const       ref2[2] = { ref[0] + c * BLOCK, ref[1] + c * BLOCK };
    float* const       out2[2] = { out[0] + c * BLOCK, out[1] + c * BLOCK };
    rhost_cycle(a, in2, ref2, BLOCK);
    rhost_post(b, 0, rhost_msg_get(&msg, "urn:aether:status"));
    rhost_cycle(b, in2, out2, 0);
    rhost_cycle(b, in2, out2, BLOCK);
    rhost_cycle(b, NULL, NULL, 0);
  }
  assert_memory_equal(ref, out, sizeof(ref));
  rel_log_drain(b, &log);
  assert_int_equal(log.n_ok, LEN / BLOCK);
  rhost_free(a);
  rhost_free(b);
  rel_log_clear(&log);

  /* Every port left NULL (as after lilv_plugin_instantiate): run() works,
     then the ports are connected and everything answers. */
  for (uint32_t u = 0; u < 2; ++u) {
    const RHostOptions bare = { .uri              = u ? REL_SYNTH : REL_FX,
                                .leave_ports_null = true };
    RHost* const       host = rhost_new(&bare);
    assert_non_null(host);
    for (uint32_t c = 0; c < 64; ++c) {
      rhost_cycle(host, NULL, NULL, c % 4 ? 64U : 0U);
    }
    rhost_leave_ports_null(host, false);
    rhost_msg_init(host, &msg, msg_buf, MSG_BYTES);
    const uint8_t on[3] = { 0x90, 57, 100 };
    rhost_post(host, 0, rhost_msg_midi(&msg, on, 3));
    rhost_post(
      host,
      0,
      rhost_msg_set_param(&msg, u ? "filter" : "tone_l", "cutoff", 800.0f));
    const float* const in2[2]  = { input[0], input[1] };
    float* const       out2[2] = { out[0], out[1] };
    rhost_render(host, in2, out2, 8192, 256);
    rel_log_drain(host, &log);
    assert_int_equal(log.n_acks, 1);
    assert_true(measure_all_finite(out[0], 8192));
    assert_true(measure_rms(out[0], 8192) > 0.01);
    rhost_free(host);
    rel_log_clear(&log);
  }
  rel_log_free(&log);
}

/* A loop that really blows up: the delay's soft limit keeps its own
   feedback finite, but Gain 4 around it grows the signal by 4 every 10 ms
   until the square of the delay's output overflows. */
static const char* const blowup_patch =
  PREFIXES "node:in a ae:AudioIn .\n"
           "node:sum a ae:Mixer ; ae:in1 node:in.left ; ae:in2 node:boost .\n"
           "node:echo a ae:Delay ; ae:time 0.01 ; ae:feedback 0 ; ae:wet 1 ;\n"
           "  ae:in node:sum .\n"
           "node:boost a ae:Gain ; ae:gain 4 ; ae:in node:echo .\n"
           "node:square a ae:Math ; ae:op ae:multiply ; ae:a node:echo ;\n"
           "  ae:b node:echo .\n"
           "node:out a ae:AudioOut ; ae:left node:square .\n";

static void
test_blowup_is_silenced_reset_and_reported(void** state)
{
  (void)state;
  static float   left[4 * LEN];
  static float   right[4 * LEN];
  const uint32_t n_cycles = 4U * LEN / BLOCK;
  RHost* const   host     = rhost_new(&(RHostOptions){ .uri = REL_FX });
  RHostMsg       msg;
  rhost_msg_init(host, &msg, msg_buf, MSG_BYTES);
  rhost_post(host,
             0,
             rhost_msg_set_string(&msg,
                                  "urn:aether:patch",
                                  blowup_patch,
                                  (uint32_t)strlen(blowup_patch),
                                  false));

  /* The input goes on and off (bypass too): every blow-up is reported once,
     and after each the patch plays again from silence. */
  uint32_t warned[64];
  uint32_t n_warned = 0;
  for (uint32_t c = 0; c < n_cycles; ++c) {
    const uint32_t     at      = (c * BLOCK) % LEN;
    const float* const in2[2]  = { input[0] + at, input[1] + at };
    float* const       out2[2] = { left + c * BLOCK, right + c * BLOCK };
    rhost_control(host, "enabled", (c / 100U) % 4U == 3U ? 0.0f : 1.0f);
    rhost_cycle(host, in2, out2, BLOCK);
    RHostReply reply;
    while (rhost_next_reply(host, &reply)) {
      if (reply.kind == RHOST_STATUS &&
          !strcmp(
            reply.text,
            "warning: the patch produced a non-finite or runaway signal; its "
            "nodes were reset") &&
          n_warned < 64) {
        warned[n_warned++] = (uint32_t)reply.cycle;
      }
    }
  }
  assert_true(measure_all_finite(left, 4 * LEN));
  assert_true(measure_all_finite(right, 4 * LEN));
  assert_true(n_warned >= 2);
  for (uint32_t w = 0; w < n_warned; ++w) {
    /* Within 20 cycles (107 ms) after a reset there is sound again. */
    const uint32_t c = warned[w] + 1U;
    if (c + 20U <= n_cycles) {
      assert_true(measure_peak(left + c * BLOCK, 20U * BLOCK) > 1e-3);
    }
  }

  /* Tamed (gain 0.5): no more blow-ups, sound goes on. */
  rhost_post(host, 0, rhost_msg_set_param(&msg, "boost", "gain", 0.5f));
  RelLog             log     = { 0 };
  const float* const in2[2]  = { input[0], input[1] };
  float* const       out2[2] = { left, right };
  rhost_render(host, in2, out2, LEN, BLOCK); /* the ramp and a last reset */
  rel_log_drain(host, &log);
  rel_log_clear(&log);
  rhost_render(host, in2, out2, LEN, BLOCK);
  rel_log_drain(host, &log);
  assert_int_equal(log.n_warnings, 0);
  assert_true(measure_all_finite(left, LEN));
  assert_true(measure_rms(left, LEN) > 1e-3);
  rel_log_free(&log);
  rhost_free(host);
}

int
main(void)
{
  rel_input(input[0], input[1], LEN, 3U);
  msg_buf = (uint8_t*)malloc(MSG_BYTES);
  snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/aether-rel-XXXXXX");
  if (!msg_buf || !mkdtemp(tmp_dir) || chmod(tmp_dir, 0755)) {
    return 1;
  }

  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bad_patch_texts),
    cmocka_unit_test(test_bad_messages),
    cmocka_unit_test(test_non_finite_controls),
    cmocka_unit_test(test_bad_patch_files),
    cmocka_unit_test_setup_teardown(
      test_fifo_patch_file, arm_alarm, disarm_alarm),
    cmocka_unit_test(test_unreadable_patch_file),
    cmocka_unit_test(test_huge_patch_strings),
    cmocka_unit_test(test_bad_saved_states),
    cmocka_unit_test(test_lying_sizes_and_unknown_messages),
    cmocka_unit_test(test_edits_faster_than_the_worker_drains),
    cmocka_unit_test(test_zero_frames_and_null_ports),
    cmocka_unit_test(test_blowup_is_silenced_reset_and_reported),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  rmdir(tmp_dir);
  free(msg_buf);
  rhost_world_free();
  return failed;
}
