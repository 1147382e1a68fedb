/* aether-vocab: write the patch vocabulary, generated from the node
   registry, as Turtle to standard output or to the file given. */

#include "patch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char** argv)
{
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    fprintf(stderr, "usage: aether-vocab [OUTPUT.ttl]\n");
    return 2;
  }

  AetherError err;
  char*       text = NULL;
  aether_error_clear(&err);
  if (aether_patch_vocabulary(&text, &err)) {
    fprintf(stderr, "aether-vocab: %s\n", err.message);
    return 1;
  }

  FILE* const out = argc == 2 ? fopen(argv[1], "wb") : stdout;
  if (!out) {
    fprintf(stderr, "aether-vocab: cannot write %s\n", argv[1]);
    free(text);
    return 1;
  }
  const size_t len = strlen(text);
  const int    bad = fwrite(text, 1, len, out) != len;
  free(text);
  if ((out != stdout && fclose(out)) || bad || fflush(stdout)) {
    fprintf(stderr, "aether-vocab: write error\n");
    return 1;
  }
  return 0;
}
