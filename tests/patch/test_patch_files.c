/* Aether patch tests: reading patch files. Anything but a regular file is
   refused at once with a clear message, without blocking: a FIFO without a
   writer, a device, a socket, a directory. A path may also be given as a
   local file:// URI, percent-decoded. A regression that blocks would hang:
   an alarm turns it into a failure. */

#include "patch.h"
#include "util.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

/* Seconds any one test may take before it counts as hung. */
#define HANG_SECONDS 20U

#define GAIN_PATCH PREFIXES "node:g a ae:Gain ; ae:gain 0.5 .\n"

static char dir[64];

static void
on_alarm(const int sig)
{
  (void)sig;
  static const char msg[] =
    "test_patch_files: hung reading a patch file (it must not block)\n";
  if (write(STDERR_FILENO, msg, sizeof(msg) - 1U) < 0) {
    _exit(2);
  }
  _exit(1);
}

static int
setup(void** state)
{
  (void)state;
  signal(SIGALRM, on_alarm);
  alarm(HANG_SECONDS);
  return 0;
}

static int
teardown(void** state)
{
  (void)state;
  alarm(0);
  return 0;
}

static void
write_file(const char* const path, const char* const text)
{
  FILE* const f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Read `name`, expect `status` and the message "`prefix`: `what`". */
static void
expect_error(const char* const  name,
             const AetherStatus status,
             const char* const  prefix,
             const char* const  what)
{
  AetherError  err   = { AETHER_SUCCESS, "" };
  AetherPatch* patch = NULL;
  char         expected[512];
  snprintf(expected, sizeof(expected), "%s: %s", prefix, what);
  assert_int_equal(aether_patch_read_file(name, &patch, &err), status);
  assert_string_equal(err.message, expected);
  assert_null(patch);
}

/* Read `name`: the gain patch. */
static void
expect_gain_patch(const char* const name)
{
  AetherError  err   = { AETHER_SUCCESS, "" };
  AetherPatch* patch = NULL;
  if (aether_patch_read_file(name, &patch, &err)) {
    fail_msg("%s: %s", name, err.message);
  }
  assert_int_equal(aether_patch_n_nodes(patch), 1);
  assert_string_equal(aether_patch_node(patch, 0)->name, "g");
  aether_patch_free(patch);
}

static void
test_fifo_without_writer(void** state)
{
  (void)state;
  char path[128];
  char uri[160];
  snprintf(path, sizeof(path), "%s/pipe.ttl", dir);
  snprintf(uri, sizeof(uri), "file://%s", path);
  assert_int_equal(mkfifo(path, 0600), 0);

  /* Opening a FIFO for reading blocks until a writer comes: it must not. */
  expect_error(path, AETHER_ERR_IO, path, "not a regular file");
  expect_error(uri, AETHER_ERR_IO, path, "not a regular file");
  unlink(path);
}

static void
test_devices_and_sockets(void** state)
{
  (void)state;
  expect_error("/dev/null", AETHER_ERR_IO, "/dev/null", "not a regular file");
  expect_error("/dev/zero", AETHER_ERR_IO, "/dev/zero", "not a regular file");

  /* A Unix socket: open() says ENXIO. */
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/socket.ttl", dir);
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  assert_int_equal(bind(fd, (const struct sockaddr*)&addr, sizeof(addr)), 0);
  expect_error(
    addr.sun_path, AETHER_ERR_IO, addr.sun_path, "not a regular file");
  close(fd);
  unlink(addr.sun_path);
}

static void
test_directory_and_missing_file(void** state)
{
  (void)state;
  char path[128];
  expect_error(dir, AETHER_ERR_IO, dir, "is a directory, not a patch file");

  snprintf(path, sizeof(path), "%s/no-such.ttl", dir);
  expect_error(path, AETHER_ERR_NOT_FOUND, path, "no such file");

  snprintf(path, sizeof(path), "%s/file.ttl", dir);
  write_file(path, GAIN_PATCH);
  char below[160];
  snprintf(below, sizeof(below), "%s/p.ttl", path);
  expect_error(
    below, AETHER_ERR_NOT_FOUND, below, "a parent is not a directory");
  unlink(path);
}

static void
test_file_uris(void** state)
{
  (void)state;
  char path[128];
  char uri[256];
  snprintf(path, sizeof(path), "%s/my patch.ttl", dir);
  write_file(path, GAIN_PATCH);

  snprintf(uri, sizeof(uri), "file://%s/my%%20patch.ttl", dir);
  expect_gain_patch(uri);
  snprintf(uri, sizeof(uri), "file://localhost%s/my%%20patch.ttl", dir);
  expect_gain_patch(uri);
  snprintf(uri, sizeof(uri), "FILE://LocalHost%s/my%%20p%%61tch%%2Ettl", dir);
  expect_gain_patch(uri);

  /* Errors name the decoded path. */
  write_file(path, PREFIXES "node:g a ae:Gain ; ae:gain 5 .\n");
  char expected[256];
  snprintf(expected,
           sizeof(expected),
           "%s:3:28: node \"g\" (Gain): ae:gain 5 is out of range (0 to 4)",
           path);
  snprintf(uri, sizeof(uri), "file://%s/my%%20patch.ttl", dir);
  AetherError  err   = { AETHER_SUCCESS, "" };
  AetherPatch* patch = NULL;
  assert_int_equal(aether_patch_read_file(uri, &patch, &err),
                   AETHER_ERR_BAD_VALUE);
  assert_string_equal(err.message, expected);
  unlink(path);

  snprintf(uri, sizeof(uri), "file://%s/gone%%20away.ttl", dir);
  snprintf(path, sizeof(path), "%s/gone away.ttl", dir);
  expect_error(uri, AETHER_ERR_NOT_FOUND, path, "no such file");

  /* A plain path is taken as it is: "%20" is not decoded. */
  snprintf(path, sizeof(path), "%s/a%%20b.ttl", dir);
  write_file(path, GAIN_PATCH);
  expect_gain_patch(path);
  unlink(path);
}

static void
test_bad_file_uris(void** state)
{
  (void)state;
  static const char* const cases[][2] = {
    { "file:///tmp/a%2", "bad percent escape \"%2\" in a file URI" },
    { "file:///tmp/a%", "bad percent escape \"%\" in a file URI" },
    { "file:///tmp/a%zz.ttl", "bad percent escape \"%zz\" in a file URI" },
    { "file:///tmp/a%4g.ttl", "bad percent escape \"%4g\" in a file URI" },
    { "file:///tmp/a%00.ttl", "a file URI with %00 (a NUL byte) in its path" },
    { "file://example.org/tmp/p.ttl",
      "not a local file (a file URI with a host other than localhost)" },
    { "file://localhost.example.org/p.ttl",
      "not a local file (a file URI with a host other than localhost)" },
    { "file://", "a file URI without a path" },
    { "file://localhost", "a file URI without a path" },
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); ++i) {
    expect_error(cases[i][0], AETHER_ERR_BAD_ARG, cases[i][0], cases[i][1]);
  }
}

int
main(void)
{
  snprintf(dir, sizeof(dir), "/tmp/aether-files-XXXXXX");
  if (!mkdtemp(dir)) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_fifo_without_writer, setup, teardown),
    cmocka_unit_test_setup_teardown(test_devices_and_sockets, setup, teardown),
    cmocka_unit_test_setup_teardown(
      test_directory_and_missing_file, setup, teardown),
    cmocka_unit_test_setup_teardown(test_file_uris, setup, teardown),
    cmocka_unit_test_setup_teardown(test_bad_file_uris, setup, teardown),
  };
  const int failed = cmocka_run_group_tests(tests, NULL, NULL);
  rmdir(dir);
  return failed;
}
