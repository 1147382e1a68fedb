/* Aether tests: the ports of a plugin as a test host sees them (see
   lv2ports.h). */

#include "lv2ports.h"

#include <lv2/atom/atom.h>
#include <lv2/core/lv2.h>

#include <stdlib.h>
#include <string.h>

void
lv2ports_find(Lv2Ports* const         ports,
              LilvWorld* const        world,
              const LilvPlugin* const plugin)
{
  LilvNode* const audio    = lilv_new_uri(world, LV2_CORE__AudioPort);
  LilvNode* const atom     = lilv_new_uri(world, LV2_ATOM__AtomPort);
  LilvNode* const input    = lilv_new_uri(world, LV2_CORE__InputPort);
  const uint32_t  total    = lilv_plugin_get_num_ports(plugin);
  float* const    defaults = (float*)calloc(total ? total : 1U, sizeof(float));

  memset(ports, 0, sizeof(*ports));
  ports->n_ports     = total < LV2PORTS_MAX ? total : LV2PORTS_MAX;
  ports->audio_in[0] = ports->audio_in[1] = -1;
  ports->audio_out[0] = ports->audio_out[1] = -1;
  ports->control_port = ports->notify_port = -1;
  if (defaults) {
    lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defaults);
  }

  int n_in  = 0;
  int n_out = 0;
  for (uint32_t i = 0; i < ports->n_ports; ++i) {
    const LilvPort* const port     = lilv_plugin_get_port_by_index(plugin, i);
    const bool            is_input = lilv_port_is_a(plugin, port, input);
    ports->symbols[i] =
      strdup(lilv_node_as_string(lilv_port_get_symbol(plugin, port)));
    if (lilv_port_is_a(plugin, port, audio)) {
      if (is_input && n_in < 2) {
        ports->audio_in[n_in++] = (int)i;
      } else if (!is_input && n_out < 2) {
        ports->audio_out[n_out++] = (int)i;
      }
    } else if (lilv_port_is_a(plugin, port, atom)) {
      if (is_input) {
        ports->control_port = (int)i;
      } else {
        ports->notify_port = (int)i;
      }
    } else {
      ports->is_control[i] = true;
      ports->controls[i]   = defaults ? defaults[i] : 0.0f;
    }
  }
  free(defaults);
  lilv_node_free(audio);
  lilv_node_free(atom);
  lilv_node_free(input);
}

void
lv2ports_free(Lv2Ports* const ports)
{
  for (uint32_t i = 0; i < LV2PORTS_MAX; ++i) {
    free(ports->symbols[i]);
    ports->symbols[i] = NULL;
  }
}

int
lv2ports_control(const Lv2Ports* const ports, const char* const symbol)
{
  for (uint32_t i = 0; i < ports->n_ports; ++i) {
    if (ports->is_control[i] && ports->symbols[i] &&
        !strcmp(ports->symbols[i], symbol)) {
      return (int)i;
    }
  }
  return -1;
}

void
lv2ports_connect_audio(const Lv2Ports* const ports,
                       LilvInstance* const   instance,
                       const float* const    in[2],
                       float* const          out[2],
                       const uint32_t        offset,
                       const float* const    silence,
                       float* const          scratch[2])
{
  for (int c = 0; c < 2; ++c) {
    if (ports->audio_in[c] >= 0) {
      const float* const src = (in && in[c]) ? in[c] + offset : silence;
      lilv_instance_connect_port(
        instance, (uint32_t)ports->audio_in[c], (void*)src);
    }
    if (ports->audio_out[c] >= 0) {
      float* const dst = (out && out[c]) ? out[c] + offset : scratch[c];
      lilv_instance_connect_port(instance, (uint32_t)ports->audio_out[c], dst);
    }
  }
}

void
lv2ports_connect_others(Lv2Ports* const     ports,
                        LilvInstance* const instance,
                        void* const         control,
                        void* const         notify)
{
  if (ports->control_port >= 0) {
    lilv_instance_connect_port(
      instance, (uint32_t)ports->control_port, control);
  }
  if (ports->notify_port >= 0) {
    lilv_instance_connect_port(instance, (uint32_t)ports->notify_port, notify);
  }
  for (uint32_t i = 0; i < ports->n_ports; ++i) {
    if (ports->is_control[i]) {
      lilv_instance_connect_port(instance, i, &ports->controls[i]);
    }
  }
}
