#!/bin/sh
# The UI module and the DSP module as built: the UI exports lv2ui_descriptor
# and nothing else, and the DSP module links no GUI library (a host may load
# it where there is no display, and without the UI).
# Usage: check_ui_module.sh BUNDLE_DIR
set -eu
bundle="$1"
ui="$bundle/aether_ui.so"
dsp="$bundle/aether.so"
command -v nm > /dev/null && command -v readelf > /dev/null || {
  echo "nm or readelf missing (binutils): skipped"
  exit 77
}

# Their own symbols (not the linker's __bss_start, _edata, _end).
own() {
  nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVWi]$/ { print $3 }' |
    grep -Ev '^(__bss_start|_edata|_end|_init|_fini)$' | sort
}
exports=$(own "$ui")
if [ "$exports" != "lv2ui_descriptor" ]; then
  echo "aether_ui.so exports:"
  echo "$exports"
  exit 1
fi
exports=$(own "$dsp")
if [ "$exports" != "lv2_descriptor" ]; then
  echo "aether.so exports:"
  echo "$exports"
  exit 1
fi

needed() {
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
gui='^lib(X11|xcb|cairo|gtk|gdk|Qt|pango|GL|glib|gobject)'
if needed "$dsp" | grep -Eq "$gui"; then
  echo "aether.so links a GUI library:"
  needed "$dsp"
  exit 1
fi
for lib in libX11 libcairo; do
  needed "$ui" | grep -q "^$lib\." || { echo "aether_ui.so does not link $lib"; exit 1; }
done
echo "aether_ui.so exports only lv2ui_descriptor; aether.so links no GUI library"
