/* Aether tests: the audio hook of the test hosts. A host calls
   lv2hook_enter() before and lv2hook_leave() after each call it makes into
   the plugin on its audio thread (connect_port, run, work_response); a test
   installs a hook there, e.g. the real-time trap's. One per process. */

#ifndef AETHER_TEST_LV2HOOK_H
#define AETHER_TEST_LV2HOOK_H

/** Install `hook` (NULL: none), called with 1 on enter and 0 on leave. */
void
lv2hook_set(void (*hook)(int on));

/** The host enters the plugin on its audio thread. */
void
lv2hook_enter(void);

/** The host is back from the plugin. */
void
lv2hook_leave(void);

#endif /* AETHER_TEST_LV2HOOK_H */
