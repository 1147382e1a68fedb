#!/bin/sh
# Aether tests: docs/nodes.md is exactly what `aether nodes --markdown`
# prints from the registry (rewrite it with: ninja -C build nodes-doc).
# Usage: check_nodes_doc.sh AETHER DOCS/NODES.MD
set -eu
if ! "$1" nodes --markdown | diff -u "$2" -; then
  echo "$2 is out of date: run ninja -C build nodes-doc"
  exit 1
fi
