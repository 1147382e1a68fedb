#!/usr/bin/env python3
"""Write the TTL of the aether.lv2 bundle: manifest.ttl, aether.ttl (the two
plugins) and presets.ttl (one LV2 preset per patch file in ttl/presets/).

Usage: bundle.py OUTDIR BINARY VERSION PRESET.ttl...

Port indices and symbols are a public contract: append only."""

import os
import re
import sys

PREFIXES = """\
@prefix atom: <http://lv2plug.in/ns/ext/atom#> .
@prefix doap: <http://usefulinc.com/ns/doap#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix lv2: <http://lv2plug.in/ns/lv2core#> .
@prefix midi: <http://lv2plug.in/ns/ext/midi#> .
@prefix opts: <http://lv2plug.in/ns/ext/options#> .
@prefix patch: <http://lv2plug.in/ns/ext/patch#> .
@prefix pset: <http://lv2plug.in/ns/ext/presets#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rsz: <http://lv2plug.in/ns/ext/resize-port#> .
@prefix state: <http://lv2plug.in/ns/ext/state#> .
@prefix urid: <http://lv2plug.in/ns/ext/urid#> .
@prefix work: <http://lv2plug.in/ns/ext/worker#> .
@prefix ae: <urn:aether:> .
"""

PLUGINS = {
    "fx": {
        "uri": "urn:aether:fx",
        "name": "Aether FX",
        "class": "lv2:DelayPlugin",
        "comment": "A modular effect: a patch of built-in DSP nodes (filters, "
        "delays, reverbs, modulation) edited live without clicks, "
        "automated through eight macros and saved with the session.",
        "audio_in": True,
        "macro_default": 0.0,
        "writable": "ae:patch , ae:patchFile",
    },
    "synth": {
        "uri": "urn:aether:synth",
        "name": "Aether Synth",
        "class": "lv2:InstrumentPlugin",
        "comment": "A modular instrument: a patch of built-in DSP nodes "
        "(oscillators, envelopes, filters, effects) played from MIDI, "
        "edited live without clicks, automated through eight macros and "
        "saved with the session.",
        "audio_in": False,
        "macro_default": 0.5,
        "writable": "ae:patch , ae:patchFile , ae:voices",
    },
}

MACRO_COMMENT = (
    "Host macro {n} (0 to 1): drives whatever the patch maps it to "
    "(ae:macro with ae:index {n})."
)


def port_list(spec):
    ports = []

    def add(text):
        ports.append(text.format(index=len(ports)))

    add(
        """[
		a lv2:InputPort , atom:AtomPort ;
		atom:bufferType atom:Sequence ;
		atom:supports patch:Message , midi:MidiEvent ;
		lv2:designation lv2:control ;
		lv2:index {index} ;
		lv2:symbol "control" ;
		lv2:name "Control" ;
		rdfs:comment "Patch edits (patch:Set, Put, Delete, Get) and MIDI." ;
		rsz:minimumSize 65536 ;
		lv2:portProperty lv2:connectionOptional
	]"""
    )
    add(
        """[
		a lv2:OutputPort , atom:AtomPort ;
		atom:bufferType atom:Sequence ;
		atom:supports patch:Message ;
		lv2:designation lv2:control ;
		lv2:index {index} ;
		lv2:symbol "notify" ;
		lv2:name "Notify" ;
		rdfs:comment "Answers to edits: status, patch text, state changes." ;
		rsz:minimumSize 65536 ;
		lv2:portProperty lv2:connectionOptional
	]"""
    )
    audio = []
    if spec["audio_in"]:
        audio += [("Input", "in_l", "In left"), ("Input", "in_r", "In right")]
    audio += [("Output", "out_l", "Out left"), ("Output", "out_r", "Out right")]
    for direction, symbol, name in audio:
        add(
            """[
		a lv2:%sPort , lv2:AudioPort ;
		lv2:index {index} ;
		lv2:symbol "%s" ;
		lv2:name "%s"
	]"""
            % (direction, symbol, name)
        )
    add(
        """[
		a lv2:InputPort , lv2:ControlPort ;
		lv2:index {index} ;
		lv2:symbol "enabled" ;
		lv2:name "Enabled" ;
		rdfs:comment "Off: the input passes through (effect) or silence (instrument), declicked." ;
		lv2:designation lv2:enabled ;
		lv2:default 1 ;
		lv2:minimum 0 ;
		lv2:maximum 1 ;
		lv2:portProperty lv2:toggled , lv2:integer
	]"""
    )
    for n in range(1, 9):
        add(
            """[
		a lv2:InputPort , lv2:ControlPort ;
		lv2:index {index} ;
		lv2:symbol "macro%d" ;
		lv2:name "Macro %d" ;
		rdfs:comment "%s" ;
		lv2:default %s ;
		lv2:minimum 0 ;
		lv2:maximum 1
	]"""
            % (n, n, MACRO_COMMENT.format(n=n), repr(spec["macro_default"]))
        )
    return ports


def plugin_ttl(version):
    major, minor, micro = (int(x) for x in version.split("."))
    out = [PREFIXES]
    out.append(
        """
<urn:aether:developers>
	a foaf:Person ;
	foaf:name "The Aether developers" .

ae:patch
	a lv2:Parameter ;
	rdfs:label "Patch" ;
	rdfs:comment "The whole patch as Turtle text (see docs/patch-format.md)." ;
	rdfs:range atom:String .

ae:patchFile
	a lv2:Parameter ;
	rdfs:label "Patch file" ;
	rdfs:comment "Load a patch from a Turtle file." ;
	rdfs:range atom:Path .

ae:voices
	a lv2:Parameter ;
	rdfs:label "Voices" ;
	rdfs:comment "How many notes the per-voice part of the patch plays at once (1 to 32)." ;
	rdfs:range atom:Int ;
	lv2:minimum 1 ;
	lv2:maximum 32 ;
	lv2:default 8 .

ae:status
	a lv2:Parameter ;
	rdfs:label "Status" ;
	rdfs:comment "ok, or the last error." ;
	rdfs:range atom:String .
"""
    )
    for spec in PLUGINS.values():
        out.append(
            """
<%s>
	a lv2:Plugin , doap:Project , %s ;
	doap:name "%s" ;
	doap:license <http://opensource.org/licenses/isc> ;
	doap:maintainer <urn:aether:developers> ;
	lv2:minorVersion %d ;
	lv2:microVersion %d ;
	rdfs:comment "%s" ;
	lv2:optionalFeature lv2:hardRTCapable , urid:map , urid:unmap ,
		work:schedule , opts:options , state:threadSafeRestore ;
	lv2:extensionData work:interface , state:interface ;
	patch:writable %s ;
	patch:readable ae:status ;
	lv2:port %s .
"""
            % (
                spec["uri"],
                spec["class"],
                spec["name"],
                major * 100 + minor * 2,
                micro,
                spec["comment"],
                spec["writable"],
                " , ".join(port_list(spec)),
            )
        )
    return "".join(out)


def turtle_long_string(text):
    return '"""' + text.replace("\\", "\\\\").replace('"', '\\"') + '"""'


def preset_label(path, text):
    """The first comment line of a patch file, or its file name."""
    for line in text.splitlines():
        m = re.match(r"#\s*(.+)", line)
        if m:
            return m.group(1).split(":")[0].strip()
    return os.path.splitext(os.path.basename(path))[0]


def presets(paths):
    entries = []
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        stem = os.path.splitext(os.path.basename(path))[0]
        kind = "synth" if stem.startswith("synth-") else "fx"
        entries.append((stem, kind, preset_label(path, text), text))
    return entries


def manifest_ttl(binary, preset_entries):
    out = [PREFIXES]
    for spec in PLUGINS.values():
        out.append(
            "\n<%s>\n\ta lv2:Plugin ;\n\tlv2:binary <%s> ;\n\trdfs:seeAlso <aether.ttl> .\n"
            % (spec["uri"], binary)
        )
    for stem, kind, label, _ in preset_entries:
        out.append(
            "\n<urn:aether:preset:%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n\trdfs:label \"%s\" ;\n\trdfs:seeAlso <presets.ttl> .\n"
            % (stem, PLUGINS[kind]["uri"], label)
        )
    return "".join(out)


def presets_ttl(preset_entries):
    out = [PREFIXES]
    for stem, kind, label, text in preset_entries:
        out.append(
            "\n<urn:aether:preset:%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <%s> ;\n\trdfs:label \"%s\" ;\n\tstate:state [\n\t\tae:patch %s\n\t] .\n"
            % (stem, PLUGINS[kind]["uri"], label, turtle_long_string(text))
        )
    return "".join(out)


def main():
    outdir, binary, version = sys.argv[1:4]
    entries = presets(sys.argv[4:])
    files = {
        "manifest.ttl": manifest_ttl(binary, entries),
        "aether.ttl": plugin_ttl(version),
        "presets.ttl": presets_ttl(entries),
    }
    for name, text in files.items():
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
