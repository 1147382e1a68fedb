#!/usr/bin/env python3
"""The parts of the aether.lv2 bundle made from ttl/presets/ (the rest is
written by hand in aether.lv2/, see aether.lv2/meson.build).

Every patch file in ttl/presets/ is a preset: fx-NAME.ttl for the effect,
synth-NAME.ttl for the instrument, <urn:aether:preset:FILE> with FILE the file
name without .ttl, labelled with its first comment line up to ':'.

Usage:
  bundle.py presets OUT PRESET.ttl...   write presets.ttl (the presets' patches)
  bundle.py manifest PRESET.ttl...      print the presets' manifest entries
  bundle.py link BUNDLE LINK            make LINK a symbolic link to BUNDLE"""

import os
import re
import sys

PLUGINS = {"fx": "urn:aether:fx", "synth": "urn:aether:synth"}


def preset_uri(path):
    return "urn:aether:preset:" + os.path.splitext(os.path.basename(path))[0]


def preset_plugin(path):
    stem = os.path.basename(path)
    return PLUGINS["synth" if stem.startswith("synth-") else "fx"]


def preset_label(path, text):
    """The first comment line of a patch file up to ':', or its file name."""
    for line in text.splitlines():
        m = re.match(r"#\s*(.+)", line)
        if m:
            return m.group(1).split(":")[0].strip()
    return os.path.splitext(os.path.basename(path))[0]


def turtle_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def turtle_long_string(text):
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def manifest(paths):
    """One entry per preset: enough for hosts to list it for its plugin."""
    return "\n".join(
        "<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n\trdfs:seeAlso <presets.ttl> .\n"
        % (preset_uri(path), preset_plugin(path))
        for path in sorted(paths)
    )


def presets(paths):
    out = [
        "# The presets of aether.lv2, made by scripts/bundle.py from the patch\n"
        "# files in ttl/presets/: each preset's state is its patch as text.\n\n"
        "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
        "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"
        "@prefix ae: <urn:aether:> .\n"
    ]
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out.append(
            "\n<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n\trdfs:label %s ;\n"
            "\tstate:state [\n\t\tae:patch %s\n\t] .\n"
            % (
                preset_uri(path),
                preset_plugin(path),
                turtle_string(preset_label(path, text)),
                turtle_long_string(text),
            )
        )
    return "".join(out)


def link(bundle, path):
    """LINK becomes a symbolic link to BUNDLE (replacing an older link)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.islink(path):
        os.remove(path)
    elif os.path.exists(path):
        sys.exit("bundle.py: %s exists and is not a link: remove it" % path)
    os.symlink(os.path.relpath(bundle, os.path.dirname(path)), path)


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "presets":
        with open(args[0], "w", encoding="utf-8") as f:
            f.write(presets(args[1:]))
    elif command == "manifest":
        sys.stdout.write(manifest(args))
    elif command == "link":
        link(args[0], args[1])
    else:
        sys.exit("bundle.py: unknown command " + command)


if __name__ == "__main__":
    main()
