#!/usr/bin/env bash
# The sensor as deploy/README.md installs it: `dotnet publish Sensor.Node -c Release` (self-contained, one composite
# ReadyToRun image, per-packet methods precompiled) must replay a capture exactly as the built Sensor.Node does.
# Run by scripts/test.sh after the test projects (needs the Release build); about two minutes, mostly crossgen2.
#
#   scripts/check-published-sensor.sh        exit 0 when both give the same --json summary, with both --threads
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
built="Sensor.Node/bin/Release/net10.0/Sensor.Node.dll"
[[ -f "$built" ]] || { echo "published sensor: $built not found; build first (dotnet build -c Release)" >&2; exit 1; }

echo "[published] dotnet publish Sensor.Node -c Release"
dotnet publish Sensor.Node/Sensor.Node.csproj -c Release -o "$work/sensor" -nologo -v q

# 30k packets: TCP conversations with handshakes and FINs, UDP, IPv6, 802.1Q-tagged frames; 1 ms apart.
python3 - "$work/check.pcap" <<'PY'
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
def ip4(src, dst, proto, payload):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0, bytes(src), bytes(dst)) + payload
def ip6(src, dst, proto, payload):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64, src, dst) + payload
def tcp(sp, dp, flags, n): return struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 0x50, flags, 65535, 0, 0) + bytes(n)
def udp(sp, dp, n): return struct.pack("!HHHH", sp, dp, 8 + n, 0) + bytes(n)
macs = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01"
ts = 1_700_000_000 * 1_000_000
for i in range(30_000):
    flow, k = i // 30, i % 30
    up = k % 3 != 1
    c, s = [10, 1, flow // 250, flow % 250 + 1], [10, 2, 0, flow % 7 + 1]
    a, b = (c, s) if up else (s, c)
    pa, pb = (40000 + flow % 20000, 443) if up else (443, 40000 + flow % 20000)
    if flow % 5 == 4:
        frame = macs + b"\x86\xdd" + ip6(b"\xfd" + bytes(14) + bytes([a[3]]), b"\xfd" + bytes(14) + bytes([b[3] % 100 + 100]), 17, udp(pa, pb, k * 7 % 300))
    elif flow % 5 == 3:
        frame = macs + struct.pack("!HH", 0x8100, 100 + flow % 3) + b"\x08\x00" + ip4(a, b, 17, udp(pa, pb, k * 11 % 500))
    else:
        flags = 0x02 if k == 0 else 0x12 if k == 1 else 0x11 if k >= 28 else 0x18
        frame = macs + b"\x08\x00" + ip4(a, b, 6, tcp(pa, pb, flags, k * 37 % 1200))
    out.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(frame), len(frame)) + frame)
    ts += 1000
PY

without_elapsed() { grep -v '"elapsed_seconds"' "$1"; }
dotnet "$built" replay --pcap "$work/check.pcap" --json >"$work/built.json"
grep -q '"packets_read": 30000' "$work/built.json" || { echo "published sensor: the built sensor did not replay the check capture" >&2; exit 1; }
for threads in 2 1; do
  "$work/sensor/Sensor.Node" replay --pcap "$work/check.pcap" --threads "$threads" --json >"$work/published.json"
  if ! diff -q <(without_elapsed "$work/built.json") <(without_elapsed "$work/published.json") >/dev/null; then
    echo "published sensor: --threads $threads summary differs from the built sensor's:" >&2
    diff <(without_elapsed "$work/built.json") <(without_elapsed "$work/published.json") | head -20 >&2
    exit 1
  fi
done
echo "published sensor: same --json summary as the built sensor (30,000 packets, --threads 2 and 1)"
