#!/usr/bin/env bash
# Runs NerfEngine's main job on the embedded default: one process, no servers (in-process
# transport, SQLite journal under .nerf/). On first run it generates the bundled demo capture
# (.nerf/demo/demo.pcap: 30 s of background traffic with a port scan, a synchronised botnet
# fan-in, lateral movement, a rotating botnet and a benign flash crowd), then replays it through
# sensor → detectors → autopilot and prints the event cards as they fire.
#   scripts/demo.sh                      the demo
#   scripts/demo.sh --pcap FILE          any pcap/pcapng file instead
#   scripts/demo.sh --serve              keep serving management HTTP afterwards
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Control.Node -c Release -nologo -v q >/dev/null
node=(dotnet Control.Node/bin/Release/net10.0/Control.Node.dll)

if [[ " $* " != *" --pcap "* ]]; then
  demo=.nerf/demo/demo.pcap
  if [[ ! -f "$demo" ]]; then
    "${node[@]}" synth --scenario demo --seed 1 --out "$demo"
  fi
  set -- --pcap "$demo" "$@"
fi
exec "${node[@]}" run "$@"
