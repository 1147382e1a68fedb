/* Aether LV2: the built-in default patches (ttl/defaults/, embedded at build
   time so the plugin runs without any file). */

#ifndef AETHER_LV2_DEFAULTS_H
#define AETHER_LV2_DEFAULTS_H

/** The default effect patch (ttl/defaults/fx.ttl). */
extern const char aether_default_fx_patch[];

/** The default instrument patch (ttl/defaults/synth.ttl). */
extern const char aether_default_synth_patch[];

#endif /* AETHER_LV2_DEFAULTS_H */
