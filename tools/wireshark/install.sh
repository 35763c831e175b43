#!/usr/bin/env bash
# tools/wireshark/install.sh - install the vsys dissector for Wireshark and tshark
# (`make wireshark`): a link to tools/wireshark/vsys.lua in the personal Lua plugins
# folder, ~/.local/lib/wireshark/plugins/, so that it follows this checkout. Wireshark
# and tshark started after this decode UDP port 4377 as vsys (docs/DEBUGGING.md).
#   usage: tools/wireshark/install.sh [--remove]
set -eu
src=$(cd "$(dirname "$0")" && pwd)/vsys.lua
dest=${HOME:?}/.local/lib/wireshark/plugins
case "${1:-}" in
  --remove) rm -f "$dest/vsys.lua"; echo "wireshark: removed $dest/vsys.lua"; exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--remove]" >&2; exit 2 ;;
esac
mkdir -p "$dest"
ln -sfn "$src" "$dest/vsys.lua"
echo "wireshark: $dest/vsys.lua -> $src"
