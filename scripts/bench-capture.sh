#!/usr/bin/env bash
# Capture throughput of NerfEngine against tcpdump and tshark, on the same file and the same link.
# Not run by CI: it needs root (the live part), a few minutes and ~1 GB of scratch space.
#
#   scripts/bench-capture.sh [--packets N] [--flows N] [--pcap FILE] [--runs N] [--fanout N]
#                            [--skip-offline] [--skip-live]
#
# Offline: packets/s of `Sensor.Node replay --pcap FILE --speed max` (whole pipeline: parse, flows,
#   edges, batches, in-process transport) vs `tcpdump -r FILE -w /dev/null` (read and write only) and
#   `tshark -r FILE -q -z conv,ip` (dissect and tabulate), best of --runs interleaved rounds, wall time
#   incl. start-up.
#   Targets: >= 1.0x tcpdump, >= 20x tshark.
# Live: `tcpreplay --topspeed` over a veth pair while `Sensor.Node capture` and `tcpdump` capture the
#   same interface at once (same buffer: 64 MiB), comparing packets received and dropped.
# Prints a markdown table for docs/benchmarks.md on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

packets=1000000
flows=20000
pcap=""
runs=3
fanout=1
offline=1
live=1
while (($#)); do
  case "$1" in
    --packets) packets="$2"; shift 2 ;;
    --flows) flows="$2"; shift 2 ;;
    --pcap) pcap="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --fanout) fanout="$2"; shift 2 ;;
    --skip-offline) offline=0; shift ;;
    --skip-live) live=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] error: $*" >&2; exit 1; }

for tool in dotnet tcpdump tshark tcpreplay ip python3; do
  command -v "$tool" >/dev/null || die "$tool not found; install with: apt-get install -y tcpdump tshark tcpreplay iproute2 python3"
done
if ((live)) && [[ $EUID -ne 0 ]]; then die "the live part needs root (or pass --skip-live)"; fi

work="${BENCH_DIR:-/tmp/nerf-bench}"
mkdir -p "$work"
sensor="Sensor.Node/bin/Release/net10.0/Sensor.Node.dll"

log "building Release"
dotnet build Sensor.Node/Sensor.Node.csproj -c Release -nologo -v q >&2
dotnet "$sensor" replay --help >/dev/null 2>&1 || die "Sensor.Node has no replay verb yet"

# --- the capture file -------------------------------------------------------------------------
if [[ -z "$pcap" ]]; then
  pcap="$work/bench-${packets}p-${flows}f.pcap"
  if [[ -s "$pcap" && -s "$pcap.count" ]]; then
    log "reusing $pcap"
  else
    log "generating $pcap: $packets packets over $flows flows"
    python3 - "$pcap" "$packets" "$flows" <<'PY'
# Realistic mix: ~1000 flows active at once, each TCP flow a handshake, data both ways and FIN;
# 25% UDP, 5% IPv6. Timestamps 10 us apart. Deterministic (fixed seed).
import random, struct, sys
path, total, flows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
per_flow = max(4, total // flows)
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF
def eth(t, payload): return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01" + struct.pack("!H", t) + payload
def ip4(src, dst, proto, payload, ident):
    h = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0x4000, 64, proto, 0, src, dst))
    h[10:12] = struct.pack("!H", csum(bytes(h)))
    return bytes(h) + payload
def ip6(src, dst, proto, payload): return struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64, src, dst) + payload
def tcp(sp, dp, flags, n): return struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 0x50, flags, 65535, 0, 0) + bytes(n)
def udp(sp, dp, n): return struct.pack("!HHHH", sp, dp, 8 + n, 0) + bytes(n)
def flow(i):
    kind = "udp6" if i % 20 == 0 else ("udp" if i % 4 == 0 else "tcp")
    if kind == "udp6":
        c = b"\xfd\x00" + bytes(10) + struct.pack("!I", i); s = b"\xfd\x01" + bytes(13) + bytes([i % 50 + 1])
    else:
        c = bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 0xFF, i & 0xFF or 1]); s = bytes([10, 200, 0, i % 250 + 1])
    return kind, c, s, 20000 + i % 40000, rng.choice([53, 80, 443, 8080, 9999] if kind != "tcp" else [22, 80, 443, 8443])
def frame(f, k, n):
    kind, c, s, cp, sp = f
    up = k % 3 != 1
    a, b, pa, pb = (c, s, cp, sp) if up else (s, c, sp, cp)
    size = rng.choice([0, 0, 64, 200, 512, 1200])
    if kind == "tcp":
        flags = 0x02 if k == 0 else 0x12 if k == 1 else 0x11 if k >= n - 2 else 0x18
        return eth(0x0800, ip4(a, b, 6, tcp(pa, pb, flags, size), k))
    if kind == "udp":
        return eth(0x0800, ip4(a, b, 17, udp(pa, pb, size), k))
    return eth(0x86DD, ip6(a, b, 17, udp(pa, pb, size)))
out = open(path, "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
ts = 1_700_000_000 * 1_000_000
written, nxt, active = 0, 0, []
while written < total:
    while len(active) < 1000 and nxt < flows:
        active.append([flow(nxt), 0]); nxt += 1
    if not active:
        nxt = 0; continue
    slot = rng.randrange(len(active))
    f, k = active[slot]
    data = frame(f, k, per_flow)
    out.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000, len(data), len(data)) + data)
    written += 1; ts += 10
    active[slot][1] += 1
    if active[slot][1] >= per_flow:
        active[slot] = active[-1]; active.pop()
out.close()
open(path + ".count", "w").write(str(written))
PY
  fi
  count="$(cat "$pcap.count")"
else
  [[ -s "$pcap" ]] || die "no such capture file: $pcap"
  log "counting packets in $pcap"
  count="$(tcpdump -r "$pcap" -n -q 2>/dev/null | wc -l)"
fi
log "$count packets, $(du -h "$pcap" | cut -f1)"

# time_once CMD...: the wall-clock seconds of one run.
time_once() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || die "failed: $*"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# fastest BEST T: the smaller of the best so far (empty at first) and T.
fastest() { if [[ -z "$1" ]] || (($(echo "$2 < $1" | bc -l))); then echo "$2"; else echo "$1"; fi; }
pps() { echo "$count / $1" | bc -l | xargs printf '%.0f'; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
command -v bc >/dev/null || die "bc not found; apt-get install -y bc"

rows=()
if ((offline)); then
  dotnet "$sensor" replay --pcap "$pcap" --speed max --json >"$work/replay.json" 2>/dev/null
  read -r replayed inner_s < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["packets_read"], d["elapsed_seconds"])' "$work/replay.json")
  [[ "$replayed" == "$count" ]] || die "replay read $replayed packets, expected $count"
  # Rounds interleave the three tools, so load from elsewhere on the machine slows them alike; each
  # tool's best round counts.
  ours_s=""; tcpdump_s=""; tshark_s=""
  for ((round = 1; round <= runs; round++)); do
    log "offline round $round of $runs: Sensor.Node replay, tcpdump -r, tshark -z conv,ip"
    ours_s=$(fastest "$ours_s" "$(time_once dotnet "$sensor" replay --pcap "$pcap" --speed max --json)")
    tcpdump_s=$(fastest "$tcpdump_s" "$(time_once tcpdump -r "$pcap" -w /dev/null)")
    tshark_s=$(fastest "$tshark_s" "$(time_once tshark -r "$pcap" -q -z conv,ip)")
  done
  ours_pps=$(pps "$ours_s"); tcpdump_pps=$(pps "$tcpdump_s"); tshark_pps=$(pps "$tshark_s")
  inner_pps=$(pps "$inner_s")
  rows+=("| offline read, packets/s (wall, incl. start-up) | $ours_pps | $tcpdump_pps | $tshark_pps | $(ratio "$ours_pps" "$tcpdump_pps")× tcpdump (target ≥ 1.0), $(ratio "$ours_pps" "$tshark_pps")× tshark (target ≥ 20) |")
  rows+=("| offline pipeline only, packets/s (replay's own elapsed) | $inner_pps | — | — | $(ratio "$inner_pps" "$tcpdump_pps")× tcpdump, $(ratio "$inner_pps" "$tshark_pps")× tshark |")
fi

if ((live)); then
  suffix="$$"
  ns="nerfbench$suffix"; send="nbs$suffix"; recv="nbr$suffix"
  pids=()
  cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
    ip link del "$recv" 2>/dev/null || true
  }
  trap cleanup EXIT
  log "live: veth $send ($ns) -> $recv (root namespace)"
  ip netns add "$ns"
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip link add "$send" netns "$ns" type veth peer name "$recv"
  sysctl -qw "net.ipv6.conf.$recv.disable_ipv6=1"
  ip link set "$recv" up
  ip netns exec "$ns" ip link set "$send" up

  dotnet "$sensor" capture --interface "$recv" --fanout "$fanout" --edge-table 0 --json >"$work/live.json" 2>"$work/live.err" &
  pids+=($!); ours_pid=$!
  tcpdump -i "$recv" -n -B 65536 -w /dev/null 2>"$work/tcpdump.err" &
  pids+=($!); tcpdump_pid=$!
  for _ in $(seq 100); do
    (($(wc -l </proc/net/packet) >= 2 + fanout)) && break
    sleep 0.1
  done
  sleep 1
  log "live: tcpreplay --topspeed ($count packets)"
  ip netns exec "$ns" tcpreplay --topspeed -i "$send" "$pcap" >"$work/tcpreplay.out" 2>&1
  sent=$(awk '/Successful packets:/ {print $3}' "$work/tcpreplay.out")
  rate=$(awk '/Rated:/ {for (i = 1; i <= NF; i++) if ($i ~ /pps/) print $(i-1)}' "$work/tcpreplay.out" | head -1)
  sleep 2
  # SIGTERM: background jobs of a script ignore SIGINT; both tools print their totals on SIGTERM.
  kill -TERM "$ours_pid" "$tcpdump_pid"
  wait "$ours_pid" || die "Sensor.Node capture failed: $(cat "$work/live.err")"
  wait "$tcpdump_pid" || true
  read -r ours_rx ours_drop < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["capture"]["packets_captured"], d["capture"]["kernel_drops"])' "$work/live.json")
  tcpdump_rx=$(awk '/packets captured/ {print $1}' "$work/tcpdump.err")
  tcpdump_drop=$(awk '/dropped by kernel/ {print $1}' "$work/tcpdump.err")
  rows+=("| live topspeed over veth ($sent sent at ${rate:-?} pps), packets received | $ours_rx | $tcpdump_rx | — | $(ratio "$ours_rx" "$sent") vs $(ratio "$tcpdump_rx" "$sent") of sent |")
  rows+=("| live, packets dropped by the kernel | $ours_drop | $tcpdump_drop | — | ring 64 × 1 MiB vs tcpdump -B 64 MiB; fanout $fanout |")
fi

echo
echo "Capture benchmark — $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs, $count packets / $flows flows ($(du -h "$pcap" | cut -f1))"
echo
echo "| measurement | NerfEngine | tcpdump | tshark | ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
log "the generated capture stays in $work for the next run; delete it to free space"
