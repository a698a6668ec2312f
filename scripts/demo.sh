#!/usr/bin/env bash
# Runs NerfEngine's main job on the embedded default: one process, no servers
# (in-process transport, SQLite journal under .nerf/). Extra arguments go to `Control.Node run`.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Control.Node -c Release -nologo -v q >/dev/null
exec dotnet Control.Node/bin/Release/net10.0/Control.Node.dll run "$@"
