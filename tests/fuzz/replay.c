/* Aether fuzzing: run a fuzz target over files without libFuzzer, so the
   seeds and every crash the fuzzers ever found (tests/fuzz/regressions/)
   are regression tests of the ordinary suite, in every build.

   Usage: fuzz_TARGET_replay [-p HEX] PATH...  Each PATH is a file or a
   directory of files; -p HEX puts those bytes before every following file
   (e.g. the header that makes a patch file a seed of the target), -p ""
   stops. Exits non-zero if a path cannot be read or names no file. */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

static uint8_t prefix[64];
static size_t  prefix_len;

static int
run_file(const char* const path)
{
  FILE* const f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t* const data = (uint8_t*)malloc(prefix_len + (size_t)size + 1U);
  if (!data || size < 0 ||
      fread(data + prefix_len, 1, (size_t)size, f) != (size_t)size) {
    fprintf(stderr, "replay: cannot read %s\n", path);
    free(data);
    fclose(f);
    return 1;
  }
  fclose(f);
  memcpy(data, prefix, prefix_len);
  LLVMFuzzerTestOneInput(data, prefix_len + (size_t)size);
  free(data);
  return 0;
}

static int
compare(const void* const a, const void* const b)
{
  return strcmp(*(char* const*)a, *(char* const*)b);
}

/* Every regular file of a directory, in name order (hidden ones too: the
   README of a corpus is not). */
static int
run_dir(const char* const dir, uint32_t* const n_files)
{
  DIR* const d = opendir(dir);
  if (!d) {
    fprintf(stderr, "replay: cannot open %s\n", dir);
    return 1;
  }
  char**               names = NULL;
  size_t               n     = 0;
  const struct dirent* e     = NULL;
  while ((e = readdir(d))) {
    if (e->d_name[0] != '.' && strcmp(e->d_name, "README")) {
      names      = (char**)realloc(names, (n + 1U) * sizeof(char*));
      names[n++] = strdup(e->d_name);
    }
  }
  closedir(d);
  if (n) { /* qsort(NULL, 0) is undefined */
    qsort(names, n, sizeof(char*), compare);
  }
  int st = 0;
  for (size_t i = 0; i < n; ++i) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
    st |= run_file(path);
    free(names[i]);
    ++*n_files;
  }
  free(names);
  return st;
}

static int
set_prefix(const char* const hex)
{
  prefix_len = 0;
  for (const char* c = hex; c[0] && c[1] && prefix_len < sizeof(prefix);
       c += 2) {
    unsigned byte = 0;
    if (sscanf(c, "%2x", &byte) != 1) {
      return 1;
    }
    prefix[prefix_len++] = (uint8_t)byte;
  }
  return 0;
}

int
main(int argc, char** argv)
{
  int      st      = 0;
  uint32_t n_files = 0;
  for (int i = 1; i < argc; ++i) {
    struct stat info;
    if (!strcmp(argv[i], "-p") && i + 1 < argc) {
      st |= set_prefix(argv[++i]);
    } else if (stat(argv[i], &info)) {
      fprintf(stderr, "replay: no such path %s\n", argv[i]);
      st = 1;
    } else if (S_ISDIR(info.st_mode)) {
      st |= run_dir(argv[i], &n_files);
    } else {
      st |= run_file(argv[i]);
      ++n_files;
    }
  }
  printf("replayed %u inputs\n", n_files);
  return st || !n_files;
}
