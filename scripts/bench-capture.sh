#!/usr/bin/env bash
# Capture throughput of NerfEngine against tcpdump and tshark, on the same files and the same link.
# Not run by CI: it needs root (the live part), several minutes and ~3 GB of scratch space.
#
#   scripts/bench-capture.sh [--packets N] [--flows N] [--large-packets N] [--pcap FILE] [--runs N]
#                            [--priority NICE] [--fanout N] [--skip-offline] [--skip-live]
#
# The sensor is published the way deploy/README.md installs it (`dotnet publish -c Release`: self-contained, one
# composite ReadyToRun image, tiered compilation off), and run as that executable.
# Offline: packets/s of `Sensor.Node replay --pcap FILE --speed max --json` (whole pipeline: parse, flows,
#   edges, batches, in-process transport, decoding consumer, the JSON summary with every conversation) vs
#   `tcpdump -r FILE -w /dev/null` (read and write only) and `tshark -r FILE -q -z conv,ip` (dissect and
#   tabulate), on a capture of --packets (default 1M, the issue's size) and one of --large-packets (default
#   5M, a 2 GB capture such as `tcpdump -C 2000` rotates into; 0 skips it), both with 50 packets per flow.
#   Before every round the capture is evicted from the page cache and read back in one pass (what a capture read
#   from disk looks like: large folios), so every tool and every round starts from the same cache state. (On the
#   benchmark VM something in the background splits those folios within minutes; mapping a 2 GB capture then costs
#   up to ~0.15 s more kernel time, reading it with read(2) hardly more.)
#   Rounds interleave the three tools so load from elsewhere slows them alike; the median round counts
#   (the best is shown too). Wall time includes start-up. Per core: packets / CPU seconds (perf's task-clock when
#   perf is installed, else user + sys from /usr/bin/time, which counts whole clock ticks).
#   As root, every timed command runs at nice --priority (default -10), the same for all three tools, so
#   builds running beside the benchmark disturb it less; the load average is reported with each row.
#   Our replay runs twice per round: by default (a read-ahead thread parses beside the flow tracker: the best wall
#   time) and with --threads 1 (everything on one thread: the least CPU per packet).
#   Each round also times both tools on a one-packet capture cut from the same file: their fixed start-up. Subtracted
#   from a whole run's CPU, it gives the per-core rate of the packets themselves (the .NET runtime's start-up is
#   ~0.05-0.08 s of CPU, tcpdump's ~2 ms: a third of tcpdump's whole run on 1M packets).
#   Targets: >= 1.0x tcpdump, >= 20x tshark.
# Live: `tcpreplay --topspeed` over a veth pair while `Sensor.Node capture` and `tcpdump` capture the
#   same interface at once (same buffer: 64 MiB), comparing packets received and dropped.
# Prints a markdown table for docs/benchmarks.md on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

packets=1000000
flows=20000
large_packets=5000000
pcap=""
runs=5
priority=-10
fanout=1
offline=1
live=1
while (($#)); do
  case "$1" in
    --packets) packets="$2"; shift 2 ;;
    --flows) flows="$2"; shift 2 ;;
    --large-packets) large_packets="$2"; shift 2 ;;
    --pcap) pcap="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --priority) priority="$2"; shift 2 ;;
    --fanout) fanout="$2"; shift 2 ;;
    --skip-offline) offline=0; shift ;;
    --skip-live) live=0; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] error: $*" >&2; exit 1; }

for tool in dotnet tcpdump tshark tcpreplay ip python3 bc; do
  command -v "$tool" >/dev/null || die "$tool not found; install with: apt-get install -y tcpdump tshark tcpreplay iproute2 python3 bc time"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (CPU seconds per run); install with: apt-get install -y time"
if ((live)) && [[ $EUID -ne 0 ]]; then die "the live part needs root (or pass --skip-live)"; fi

work="${BENCH_DIR:-/tmp/nerf-bench}"
mkdir -p "$work"
sensor_dir="$work/sensor"
sensor="$sensor_dir/Sensor.Node"

log "publishing Sensor.Node (Release, ReadyToRun) to $sensor_dir"
dotnet publish Sensor.Node/Sensor.Node.csproj -c Release -o "$sensor_dir" -nologo -v q >&2
"$sensor" replay --help >/dev/null 2>&1 || die "Sensor.Node has no replay verb yet"

# --- the capture files ------------------------------------------------------------------------
# generate FILE PACKETS FLOWS: writes the bench capture (and FILE.count) unless it is there already.
generate() {
  local file="$1" total="$2" nflows="$3"
  if [[ -s "$file" && -s "$file.count" ]]; then
    log "reusing $file"
    return
  fi
  log "generating $file: $total packets over $nflows flows"
  python3 - "$file" "$total" "$nflows" <<'PY'
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
}

large=""
if [[ -z "$pcap" ]]; then
  pcap="$work/bench-${packets}p-${flows}f.pcap"
  generate "$pcap" "$packets" "$flows"
  count="$(cat "$pcap.count")"
  if ((offline && large_packets > 0)); then
    large="$work/bench-${large_packets}p-$((large_packets / 50))f.pcap"
    generate "$large" "$large_packets" "$((large_packets / 50))"
  fi
else
  [[ -s "$pcap" ]] || die "no such capture file: $pcap"
  log "counting packets in $pcap"
  count="$(tcpdump -r "$pcap" -n -q 2>/dev/null | wc -l)"
  echo "$count" >"$pcap.count"
fi
log "$count packets, $(du -h "$pcap" | cut -f1)"

nice_cmd=()
if [[ $EUID -eq 0 ]]; then nice_cmd=(nice -n "$priority"); fi
# run_once CMD...: "wall cpu" seconds of one run (cpu = user + sys); stdout goes to /dev/null, as tcpdump's -w does.
# CPU time is perf's task-clock (the scheduler's own account, to the nanosecond) where perf is installed: user and
# sys times from rusage come in whole clock ticks, too coarse for a 0.2 s run. Otherwise /usr/bin/time's.
run_once() {
  if command -v perf >/dev/null; then
    "${nice_cmd[@]}" perf stat -e task-clock -o "$work/time.out" "$@" >/dev/null 2>"$work/run.err" || die "failed: $* ($(tail -3 "$work/run.err"))"
    awk '/task-clock/ { gsub(",", "", $1); cpu = $1 / 1000 } /seconds time elapsed/ { wall = $1 } END { printf "%.3f %.3f\n", wall, cpu }' "$work/time.out"
  else
    "${nice_cmd[@]}" /usr/bin/time -o "$work/time.out" -f "%e %U %S" "$@" >/dev/null 2>"$work/run.err" || die "failed: $* ($(tail -3 "$work/run.err"))"
    awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$work/time.out"
  fi
}
# elapsed_of JSON: the pipeline's own elapsed seconds in a replay summary.
elapsed_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["elapsed_seconds"])' "$1"; }
# median and best of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
best() { sort -g | head -1; }
rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# settle_cache FILE: drops FILE from the page cache and reads it back in one sequential pass, so every tool meets
# the cache state of a capture read from disk (readahead fills it with large folios). Just after the generator wrote
# it, the file sits in 4 KiB pages, and mapping or reading those costs every tool several times more kernel time.
settle_cache() {
  python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
  dd if="$1" of=/dev/null bs=4M status=none
}

rows=()
# bench_offline FILE: interleaved rounds of the three tools on FILE; appends table rows.
bench_offline() {
  local file="$1" n label
  n="$(cat "$file.count")"
  label="$(echo "$n" | awk '{ printf "%.0fM", $1 / 1e6 }') packets ($(du -h "$file" | cut -f1))"
  log "settling $file in the page cache (evict, one sequential read)"
  settle_cache "$file"
  tcpdump -r "$file" -w /dev/null 2>/dev/null
  "$sensor" replay --pcap "$file" --speed max --json >"$work/replay.json" 2>/dev/null
  replayed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["packets_read"])' "$work/replay.json")
  [[ "$replayed" == "$n" ]] || die "replay read $replayed packets of $file, expected $n"
  local -a ours_wall=() ours_cpu=() ours_inner=() one_wall=() one_cpu=() tcpdump_wall=() tcpdump_cpu=() tshark_wall=() tshark_cpu=()
  local -a ours_start=() one_start=() tcpdump_start=()
  local first="$work/first-packet.pcap"
  tcpdump -r "$file" -c 1 -w "$first" 2>/dev/null
  local load_before round w c
  load_before="$(load)"
  for ((round = 1; round <= runs; round++)); do
    log "offline $label, round $round of $runs (load $(load))"
    settle_cache "$file"
    read -r w c < <(run_once "$sensor" replay --pcap "$file" --speed max --json); ours_wall+=("$w"); ours_cpu+=("$c")
    read -r w c < <(run_once "$sensor" replay --pcap "$file" --speed max --threads 1 --json); one_wall+=("$w"); one_cpu+=("$c")
    read -r w c < <(run_once tcpdump -r "$file" -w /dev/null); tcpdump_wall+=("$w"); tcpdump_cpu+=("$c")
    read -r w c < <(run_once tshark -r "$file" -q -z conv,ip); tshark_wall+=("$w"); tshark_cpu+=("$c")
    read -r w c < <(run_once "$sensor" replay --pcap "$first" --speed max --json); ours_start+=("$c")
    read -r w c < <(run_once "$sensor" replay --pcap "$first" --speed max --threads 1 --json); one_start+=("$c")
    read -r w c < <(run_once tcpdump -r "$first" -w /dev/null); tcpdump_start+=("$c")
  done
  # The pipeline's own elapsed time, from untimed runs (the timed ones send the summary to /dev/null).
  for ((round = 1; round <= 3; round++)); do
    "${nice_cmd[@]}" "$sensor" replay --pcap "$file" --speed max --json >"$work/replay.json" 2>/dev/null
    ours_inner+=("$(elapsed_of "$work/replay.json")")
  done
  local ow tw sw oc tc sc obest tbest oi o1w o1c
  ow=$(printf '%s\n' "${ours_wall[@]}" | median); tw=$(printf '%s\n' "${tcpdump_wall[@]}" | median); sw=$(printf '%s\n' "${tshark_wall[@]}" | median)
  oc=$(printf '%s\n' "${ours_cpu[@]}" | median); tc=$(printf '%s\n' "${tcpdump_cpu[@]}" | median); sc=$(printf '%s\n' "${tshark_cpu[@]}" | median)
  obest=$(printf '%s\n' "${ours_wall[@]}" | best); tbest=$(printf '%s\n' "${tcpdump_wall[@]}" | best)
  oi=$(printf '%s\n' "${ours_inner[@]}" | median)
  o1w=$(printf '%s\n' "${one_wall[@]}" | median); o1c=$(printf '%s\n' "${one_cpu[@]}" | median)
  local os o1s ts
  os=$(printf '%s\n' "${ours_start[@]}" | median); o1s=$(printf '%s\n' "${one_start[@]}" | median); ts=$(printf '%s\n' "${tcpdump_start[@]}" | median)
  rows+=("| offline $label, packets/s wall incl. start-up (median of $runs; load $load_before → $(load)) | $(rate "$n" "$ow") | $(rate "$n" "$tw") | $(rate "$n" "$sw") | **$(ratio "$tw" "$ow")× tcpdump** (target ≥ 1.0), **$(ratio "$sw" "$ow")× tshark** (target ≥ 20); best rounds $(ratio "$tbest" "$obest")× |")
  rows+=("| offline $label, packets per CPU second (task-clock, median) | $(rate "$n" "$oc") | $(rate "$n" "$tc") | $(rate "$n" "$sc") | **$(ratio "$tc" "$oc")× tcpdump per core** (target ≥ 1.0), $(ratio "$sc" "$oc")× tshark per core |")
  rows+=("| offline $label, \`--threads 1\`: packets/s wall; per CPU second | $(rate "$n" "$o1w"); $(rate "$n" "$o1c") | $(rate "$n" "$tw"); $(rate "$n" "$tc") | — | $(ratio "$tw" "$o1w")× tcpdump wall; **$(ratio "$tc" "$o1c")× tcpdump per core** |")
  rows+=("| offline $label, packets per CPU second after start-up (a one-packet run's CPU subtracted: ours $(printf '%.3f' "$os") s, \`--threads 1\` $(printf '%.3f' "$o1s") s, tcpdump $(printf '%.3f' "$ts") s) | $(rate "$((n - 1))" "$(echo "$oc - $os" | bc -l)"); \`--threads 1\` $(rate "$((n - 1))" "$(echo "$o1c - $o1s" | bc -l)") | $(rate "$((n - 1))" "$(echo "$tc - $ts" | bc -l)") | — | **$(ratio "$(echo "$tc - $ts" | bc -l)" "$(echo "$oc - $os" | bc -l)")× tcpdump per core**; \`--threads 1\` **$(ratio "$(echo "$tc - $ts" | bc -l)" "$(echo "$o1c - $o1s" | bc -l)")×** |")
  rows+=("| offline $label, pipeline only (replay's own elapsed, median of 3) | $(rate "$n" "$oi") | — | — | $(ratio "$tw" "$oi")× tcpdump's whole run; start-up and summary ≈ $(echo "$ow - $oi" | bc -l | xargs printf '%.3f') s |")
}

if ((offline)); then
  bench_offline "$pcap"
  [[ -z "$large" ]] || bench_offline "$large"
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

  "$sensor" capture --interface "$recv" --fanout "$fanout" --edge-table 0 --json >"$work/live.json" 2>"$work/live.err" &
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
echo "Capture benchmark — $(date -u +%Y-%m-%d), kernel $(uname -r), $(nproc) CPUs; files: $pcap${large:+, $large}"
echo
echo "| measurement | NerfEngine | tcpdump | tshark | ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
log "the generated capture stays in $work for the next run; delete it to free space"
