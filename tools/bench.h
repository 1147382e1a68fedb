/* Aether tools: `aether bench`, the performance benchmark. */

#ifndef AETHER_TOOLS_BENCH_H
#define AETHER_TOOLS_BENCH_H

/** Run `aether bench` with its command line: `argv[0]` is the command's
    name ("bench"), the options follow (`--help` lists them). Prints tables,
    or JSON with `--json`, on stdout; progress and errors on stderr. Returns
    the process exit status: 0, 1 if a measurement could not be set up, 2 on
    a usage error. */
int
aether_bench_main(int argc, char** argv);

#endif /* AETHER_TOOLS_BENCH_H */
