/* bench_machine.h: the machine `aether bench` runs on, for its report:
   CPU, cores, caches, kernel and load. */

#ifndef AETHER_TOOLS_BENCH_MACHINE_H
#define AETHER_TOOLS_BENCH_MACHINE_H

#include "bench_report.h"

#include <stddef.h>

/** Fill the CPU model, the number of cores online, cpu0's data and unified
    cache sizes and the kernel release of `b`. */
void
read_machine(Bench* b);

/** The 1, 5 and 15 minute load averages, as text in `buf` ("unknown" if
    unreadable): how busy the machine was. Returns the 1-minute one, or NAN. */
double
read_load(char* buf, size_t size);

#endif /* AETHER_TOOLS_BENCH_MACHINE_H */
