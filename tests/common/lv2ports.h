/* Aether tests: the ports of a plugin as a test host sees them: up to two
   audio inputs and outputs, the atom control input and notify output, and
   control inputs held at their values (their defaults at first); connected
   to buffers the host gives. */

#ifndef AETHER_TEST_LV2PORTS_H
#define AETHER_TEST_LV2PORTS_H

#include <lilv/lilv.h>

#include <stdbool.h>
#include <stdint.h>

/** Most ports a plugin may have (more are left unconnected). */
#define LV2PORTS_MAX 32U

/** The ports, by index. */
typedef struct {
  uint32_t n_ports;                  /**< at most LV2PORTS_MAX */
  int      audio_in[2];              /**< index or -1 */
  int      audio_out[2];             /**< index or -1 */
  int      control_port;             /**< atom input, index or -1 */
  int      notify_port;              /**< atom output, index or -1 */
  bool     is_control[LV2PORTS_MAX]; /**< neither audio nor atom */
  float    controls[LV2PORTS_MAX];   /**< their values */
  char*    symbols[LV2PORTS_MAX];    /**< every port's symbol */
} Lv2Ports;

/** Find the ports of `plugin` in `world` (controls at their defaults). */
void
lv2ports_find(Lv2Ports* ports, LilvWorld* world, const LilvPlugin* plugin);

/** Free the symbols. */
void
lv2ports_free(Lv2Ports* ports);

/** The index of control port `symbol`, or -1. */
int
lv2ports_control(const Lv2Ports* ports, const char* symbol);

/** Connect the audio ports to `in` and `out` from frame `offset`: a NULL
    `in` or channel reads `silence`, a NULL `out` or channel writes
    `scratch` of its channel. Does not allocate. */
void
lv2ports_connect_audio(const Lv2Ports*    ports,
                       LilvInstance*      instance,
                       const float* const in[2],
                       float* const       out[2],
                       uint32_t           offset,
                       const float*       silence,
                       float* const       scratch[2]);

/** Connect the atom ports to `control` and `notify`, and the control ports
    to their values. Does not allocate. */
void
lv2ports_connect_others(Lv2Ports*     ports,
                        LilvInstance* instance,
                        void*         control,
                        void*         notify);

#endif /* AETHER_TEST_LV2PORTS_H */
