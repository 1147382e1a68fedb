/* aether-bench: `aether bench` as its own program, for builds without the
   `aether` command (see tools/bench.h). */

#include "bench.h"

int
main(int argc, char** argv)
{
  return aether_bench_main(argc, argv);
}
