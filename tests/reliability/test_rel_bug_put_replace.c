/* Aether reliability: a regression test of a bug test_rel_threads found
   (fixed in src/lv2/control.c).

   A patch:Put that would replace a node by one of another type, and is
   refused (here: its input names a node that does not exist), must leave
   everything as it was. It did not: put_node() deleted the node, failed to
   put the new one, and put the old description back with
   aether_patch_apply(), which made a new instance of the old node. The
   graph then held an instance the audio thread had never seen: a parameter
   set afterwards was applied to the running instance and acknowledged, but
   never reached the graph (its generation did not match), so it was
   missing from the saved state, and the next commit swapped the running
   node for the fresh instance (its sound state lost). */

#include "relutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(void)
{
  const RHostOptions options = { .uri = REL_FX };
  RHost* const       host    = rhost_new(&options);
  if (!host) {
    fprintf(stderr, "cannot instantiate %s (LV2_PATH?)\n", REL_FX);
    return 2;
  }
  RHostMsg msg;
  uint8_t  buf[4096];
  RelLog   log = { 0 };
  rhost_msg_init(host, &msg, buf, sizeof(buf));
  rhost_render(host, NULL, NULL, 1024, 256);

  /* Refused: tone_l (a Filter) as a Gain reading a node that is not there. */
  rhost_msg_put_begin(&msg, "tone_l", "Gain");
  lv2_atom_forge_key(&msg.forge, rhost_map(host, "urn:aether:in"));
  lv2_atom_forge_urid(&msg.forge, rhost_map(host, "urn:aether:node:nosuch"));
  rhost_post(host, 0, rhost_msg_put_end(&msg));
  rhost_render(host, NULL, NULL, 1024, 256);

  /* Then a parameter set, acknowledged. */
  rhost_post(host, 0, rhost_msg_set_param(&msg, "tone_l", "cutoff", 500.0f));
  rhost_render(host, NULL, NULL, 1024, 256);
  rel_log_drain(host, &log);

  char* const text = rhost_save(host, NULL);
  const char* node = text ? strstr(text, "node:tone_l a ae:Filter") : NULL;
  const char* end  = node ? strstr(node, " .\n") : NULL;
  const char* kept = node ? strstr(node, "ae:cutoff 500 ;") : NULL;
  const bool  ok   = rel_log_count(&log, "which does not exist") == 1 &&
                  log.n_acks == 1 && kept && kept < end;
  if (!ok) {
    fprintf(stderr,
            "the acknowledged tone_l.cutoff 500 is not in the saved state:\n"
            "%.200s\n",
            node ? node : "(no tone_l)");
  }
  free(text);
  rel_log_free(&log);
  rhost_free(host);
  rhost_world_free();
  return ok ? 0 : 1;
}
