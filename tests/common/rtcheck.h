/* Aether tests: talk to the LD_PRELOAD real-time trap (tests/rtshim.c). */

#ifndef AETHER_TEST_RTCHECK_H
#define AETHER_TEST_RTCHECK_H

/** The trap's functions, or all NULL when it is not preloaded. */
typedef struct {
  void (*set_audio)(int on);
  int (*hits)(void);
  const char* (*first_hit)(void);
  void (*reset)(void);
} RtCheck;

/** Look the trap up; returns 0 if it is not loaded. */
int
rtcheck_load(RtCheck* check);

#endif /* AETHER_TEST_RTCHECK_H */
