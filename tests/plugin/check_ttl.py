#!/usr/bin/env python3
"""Checks on the bundle's TTL that lv2_validate does not make. Reads the
N-Triples of manifest.ttl, aether.ttl and presets.ttl on standard input.

Usage: check_ttl.py BUNDLE_DIR PRESETS_DIR < triples.nt"""

import glob
import os
import re
import sys

LV2 = "http://lv2plug.in/ns/lv2core#"
ATOM = "http://lv2plug.in/ns/ext/atom#"
PATCH = "http://lv2plug.in/ns/ext/patch#"
PG = "http://lv2plug.in/ns/ext/port-groups#"
PSET = "http://lv2plug.in/ns/ext/presets#"
DOAP = "http://usefulinc.com/ns/doap#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
UI = "http://lv2plug.in/ns/extensions/ui#"
URID = "http://lv2plug.in/ns/ext/urid#"
FX = "urn:aether:fx"
SYNTH = "urn:aether:synth"
EDITOR = "urn:aether:ui"

# The editor (ui:X11UI): what it may ask of a host. Never instance-access
# or data-access: it may run in another process than the plugin.
UI_REQUIRED = {URID + "map"}
UI_OPTIONAL = {
    UI + "parent",
    UI + "resize",
    UI + "touch",
    UI + "requestValue",
    UI + "idleInterface",
    URID + "unmap",
}
UI_EXTENSIONS = {UI + "idleInterface", UI + "showInterface"}

# The public contract: port index, symbol and type of each plugin
# (src/lv2/plugin.c fx_ports, synth_ports), and the parameters.
MACROS = ["macro%d" % n for n in range(1, 9)]
PORTS = {
    FX: ["control", "notify", "in_l", "in_r", "out_l", "out_r", "enabled"]
    + MACROS,
    SYNTH: ["control", "notify", "out_l", "out_r", "enabled"] + MACROS,
}
WRITABLE = {
    FX: {"urn:aether:patch", "urn:aether:patchFile"},
    SYNTH: {"urn:aether:patch", "urn:aether:patchFile", "urn:aether:voices"},
}
READABLE = {
    FX: {"urn:aether:status", "urn:aether:voices"},
    SYNTH: {"urn:aether:status"},
}
MACRO_DEFAULT = {FX: 0.0, SYNTH: 0.5}
NUMERIC_RANGES = {ATOM + t for t in ("Int", "Long", "Float", "Double")}

TERM = re.compile(r'<([^>]*)>|(_:\S+)|"((?:[^"\\]|\\.)*)"(?:\^\^<([^>]*)>|@\S+)?')

errors = []


def fail(message):
    errors.append(message)


def parse(lines):
    """Triples of (kind, value, datatype) terms."""
    triples = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = []
        at = 0
        while len(terms) < 3:
            m = TERM.match(line, at)
            if not m:
                sys.exit("check_ttl.py: cannot read: " + line[:80])
            if m.group(1) is not None:
                terms.append(("uri", m.group(1), None))
            elif m.group(2) is not None:
                terms.append(("blank", m.group(2), None))
            else:
                terms.append(("literal", m.group(3), m.group(4)))
            at = m.end()
            while at < len(line) and line[at] == " ":
                at += 1
        triples.append(tuple(terms))
    return triples


class Graph:
    def __init__(self, triples):
        self.triples = triples

    def objects(self, subject, predicate):
        return [
            o
            for s, p, o in self.triples
            if s[1] == subject and p[1] == predicate
        ]

    def object(self, subject, predicate):
        found = self.objects(subject, predicate)
        return found[0] if len(found) == 1 else None

    def subjects(self, predicate, obj):
        return [
            s[1] for s, p, o in self.triples if p[1] == predicate and o[1] == obj
        ]

    def types(self, subject):
        return {o[1] for o in self.objects(subject, RDF_TYPE)}


def check_ports(g, plugin):
    ports = {}
    for port in g.objects(plugin, LV2 + "port"):
        index = g.object(port[1], LV2 + "index")
        symbol = g.object(port[1], LV2 + "symbol")
        if not index or not symbol:
            fail("%s: a port without one index and one symbol" % plugin)
            continue
        ports[int(index[1])] = (port[1], symbol[1])
    symbols = [ports[i][1] for i in sorted(ports)]
    if sorted(ports) != list(range(len(ports))) or symbols != PORTS[plugin]:
        fail("%s: ports %s, the contract says %s" % (plugin, symbols, PORTS[plugin]))
        return

    groups = {}
    for node, symbol in ports.values():
        types = g.types(node)
        if LV2 + "AudioPort" in types:
            check_audio_port(g, plugin, node, symbol, types, groups)
        if LV2 + "ControlPort" in types:
            check_control_port(g, plugin, node, symbol)
        if not g.object(node, RDFS + "comment"):
            fail("%s %s: no rdfs:comment" % (plugin, symbol))

    for group, members in groups.items():
        if PG + "StereoGroup" not in g.types(group):
            fail("%s: group %s is not a pg:StereoGroup" % (plugin, group))
        if not g.object(group, LV2 + "symbol") or not g.object(group, RDFS + "label"):
            fail("%s: group %s needs a symbol and a label" % (plugin, group))
        if sorted(members) != [PG + "left", PG + "right"]:
            fail("%s: group %s has channels %s" % (plugin, group, members))
    # Each plugin has one stereo input group at most and one output group:
    # its main ones.
    for predicate, kind in (("mainInput", "InputGroup"), ("mainOutput", "OutputGroup")):
        wanted = {gr for gr in groups if PG + kind in g.types(gr)}
        got = {o[1] for o in g.objects(plugin, PG + predicate)}
        if got != wanted:
            fail("%s: pg:%s is %s, not %s" % (plugin, predicate, sorted(got), sorted(wanted)))


def check_audio_port(g, plugin, node, symbol, types, groups):
    group = g.object(node, PG + "group")
    designation = g.object(node, LV2 + "designation")
    if not group or group[0] != "uri":
        fail("%s %s: an audio port without a pg:group" % (plugin, symbol))
        return
    want = PG + ("left" if symbol.endswith("_l") else "right")
    if not designation or designation[1] != want:
        fail("%s %s: lv2:designation should be %s" % (plugin, symbol, want))
    direction = PG + ("InputGroup" if LV2 + "InputPort" in types else "OutputGroup")
    if direction not in g.types(group[1]):
        fail("%s %s: its group is not a %s" % (plugin, symbol, direction))
    groups.setdefault(group[1], []).append(designation[1] if designation else None)


def check_control_port(g, plugin, node, symbol):
    props = {o[1] for o in g.objects(node, LV2 + "portProperty")}
    values = {}
    for name in ("default", "minimum", "maximum"):
        value = g.object(node, LV2 + name)
        if not value or value[0] != "literal":
            fail("%s %s: no lv2:%s" % (plugin, symbol, name))
            return
        # An integer port has whole numbers; any other, decimals (lv2lint).
        want = XSD + ("integer" if LV2 + "integer" in props else "decimal")
        if value[2] != want:
            fail("%s %s: lv2:%s %s is not an %s" % (plugin, symbol, name, value[1], want))
        values[name] = float(value[1])
    if not values["minimum"] <= values["default"] <= values["maximum"]:
        fail("%s %s: the default is outside its range" % (plugin, symbol))
    if symbol.startswith("macro") and (
        values["minimum"], values["default"], values["maximum"]
    ) != (0.0, MACRO_DEFAULT[plugin], 1.0):
        fail("%s %s: a macro runs from 0 to 1, default %s" % (plugin, symbol, MACRO_DEFAULT[plugin]))


def check_parameters(g, plugin):
    writable = {o[1] for o in g.objects(plugin, PATCH + "writable")}
    readable = {o[1] for o in g.objects(plugin, PATCH + "readable")}
    if writable != WRITABLE[plugin]:
        fail("%s: patch:writable %s, not %s" % (plugin, sorted(writable), sorted(WRITABLE[plugin])))
    if readable != READABLE[plugin]:
        fail("%s: patch:readable %s, not %s" % (plugin, sorted(readable), sorted(READABLE[plugin])))
    for param in writable | readable:
        if LV2 + "Parameter" not in g.types(param):
            fail("%s is not an lv2:Parameter" % param)
        label = g.object(param, RDFS + "label")
        if not label or not label[1]:
            fail("%s: no rdfs:label" % param)
        kind = g.object(param, RDFS + "range")
        if not kind:
            fail("%s: no rdfs:range" % param)
        elif kind[1] in NUMERIC_RANGES:
            for name in ("minimum", "maximum", "default"):
                if not g.object(param, LV2 + name):
                    fail("%s: a number without lv2:%s" % (param, name))


def check_project(g, plugin):
    for predicate in ("name", "shortdesc", "license"):
        if not g.object(plugin, DOAP + predicate):
            fail("%s: no doap:%s" % (plugin, predicate))
    maintainer = g.object(plugin, DOAP + "maintainer")
    if not maintainer:
        fail("%s: no doap:maintainer" % plugin)
        return
    name = g.object(maintainer[1], FOAF + "name")
    if not name or name[0] != "literal":
        fail("%s: the maintainer has no foaf:name" % plugin)
    for predicate in ("mbox", "homepage"):
        value = g.object(maintainer[1], FOAF + predicate)
        if not value or value[0] != "uri":  # what lv2lint checks
            fail("%s: the maintainer's foaf:%s is not a URI" % (plugin, predicate))


def check_presets(g, presets_dir):
    files = sorted(glob.glob(os.path.join(presets_dir, "*.ttl")))
    if not files:
        fail("no preset files in " + presets_dir)
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        uri = "urn:aether:preset:" + stem
        plugin = SYNTH if stem.startswith("synth-") else FX
        if PSET + "Preset" not in g.types(uri):
            fail("%s: not listed" % uri)
        if {o[1] for o in g.objects(uri, LV2 + "appliesTo")} != {plugin}:
            fail("%s: should apply to %s only" % (uri, plugin))
        if len({o[1] for o in g.objects(uri, RDFS + "label")}) != 1:
            fail("%s: needs one rdfs:label" % uri)


def check_ui(g, bundle):
    """The editor: in the manifest exactly when its module is built."""
    built = any(
        os.path.exists(os.path.join(bundle, "aether_ui" + ext))
        for ext in (".so", ".dylib", ".dll")
    )
    for plugin in (FX, SYNTH):
        uis = {o[1] for o in g.objects(plugin, UI + "ui")}
        if uis != ({EDITOR} if built else set()):
            fail("%s: ui:ui %s (module built: %s)" % (plugin, sorted(uis), built))
    if not built:
        return
    if g.types(EDITOR) != {UI + "X11UI"}:
        fail("%s: a %s, not one ui:X11UI" % (EDITOR, sorted(g.types(EDITOR))))
    binary = g.object(EDITOR, UI + "binary")
    if not binary or not re.search(r"/aether_ui\.(so|dylib|dll)$", binary[1]):
        fail("%s: ui:binary is %s" % (EDITOR, binary and binary[1]))
    required = {o[1] for o in g.objects(EDITOR, LV2 + "requiredFeature")}
    optional = {o[1] for o in g.objects(EDITOR, LV2 + "optionalFeature")}
    if required != UI_REQUIRED:
        fail("%s: requires %s, not only urid:map" % (EDITOR, sorted(required)))
    if not optional <= UI_OPTIONAL:
        fail("%s: optional features %s" % (EDITOR, sorted(optional - UI_OPTIONAL)))
    extensions = {o[1] for o in g.objects(EDITOR, LV2 + "extensionData")}
    if extensions != UI_EXTENSIONS:
        fail("%s: extension data %s" % (EDITOR, sorted(extensions)))
    if UI + "idleInterface" not in optional | required:
        fail("%s: ui:idleInterface must be a feature too (the spec)" % EDITOR)

    # The notify port, for each plugin: its index and symbol as the plugin
    # has them, atom:eventTransfer of objects.
    notified = set()
    for note in g.objects(EDITOR, UI + "portNotification"):
        plugin = g.object(note[1], UI + "plugin")
        index = g.object(note[1], UI + "portIndex")
        symbol = g.object(note[1], LV2 + "symbol")
        protocol = g.object(note[1], UI + "protocol")
        kind = g.object(note[1], UI + "notifyType")
        if not plugin or plugin[1] not in PORTS:
            fail("%s: a port notification for %s" % (EDITOR, plugin and plugin[1]))
            continue
        want = PORTS[plugin[1]].index("notify")
        if not index or int(index[1]) != want or not symbol or symbol[1] != "notify":
            fail("%s: %s's notification is not for port %d notify" % (EDITOR, plugin[1], want))
        if not protocol or protocol[1] != ATOM + "eventTransfer":
            fail("%s: %s's notification is not atom:eventTransfer" % (EDITOR, plugin[1]))
        if not kind or kind[1] != ATOM + "Object":
            fail("%s: %s's notification is not of atom:Object" % (EDITOR, plugin[1]))
        notified.add(plugin[1])
    if notified != {FX, SYNTH}:
        fail("%s: notifications for %s" % (EDITOR, sorted(notified)))


def main():
    bundle, presets_dir = sys.argv[1], sys.argv[2]
    with open(os.path.join(bundle, "manifest.ttl"), encoding="utf-8") as f:
        manifest = f.read()
    for token in re.findall(r"@[A-Z_]+@", manifest):
        fail("manifest.ttl: %s was not substituted" % token)

    g = Graph(parse(sys.stdin))
    for plugin in (FX, SYNTH):
        binary = g.object(plugin, LV2 + "binary")
        if not binary or not re.search(r"/aether\.(so|dylib|dll)$", binary[1]):
            fail("%s: lv2:binary is %s" % (plugin, binary and binary[1]))
        check_ports(g, plugin)
        check_parameters(g, plugin)
        check_project(g, plugin)
    check_presets(g, presets_dir)
    check_ui(g, bundle)

    for message in errors:
        print("check_ttl:", message)
    if errors:
        sys.exit(1)
    print("check_ttl: ports, groups, parameters, maintainer, presets and UI ok")


if __name__ == "__main__":
    main()
