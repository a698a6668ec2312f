#!/usr/bin/env bash
# tools/call round trips per second over HTTP (Kestrel on loopback) for a read-only tool with input and
# output schema validation and an audit record per call (query_hot_entities, SQLite audit journal), with
# p50/p99 latency, against two baselines measured in the same run on the same server: a bare Kestrel POST
# that parses the same body (what HTTP + JSON cost here) and an MCP ping through the same per-request
# stateless MCP server (what the SDK costs). Bounded in time (about a minute); the load generator is
# McpToolCallBenchmark (tests/NerfEngine.Benchmarks/Registry) with N concurrent keep-alive connections.
#
#   scripts/bench-mcp.sh [--connections N]      (default 32)
#
# Prints a markdown table for docs/benchmarks.md on stdout; progress goes to stderr. Target: >= 5,000/s.
set -euo pipefail
cd "$(dirname "$0")/.."

connections=32
while (($#)); do
  case "$1" in
    --connections) connections="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { echo "[bench-mcp] $*" >&2; }
for tool in dotnet python3; do
  command -v "$tool" >/dev/null || { echo "[bench-mcp] error: $tool not found" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/nerf-bench-mcp.XXXXXX")"
trap 'rm -rf "$work"' EXIT

log "building Release"
dotnet build tests/NerfEngine.Benchmarks/NerfEngine.Benchmarks.csproj -c Release -nologo -v q >&2

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "running McpToolCallBenchmark with $connections connections (load average before: $load_before)"
NERF_BENCH_CONNECTIONS="$connections" NERF_BENCH_LATENCY_OUT="$work/latency.jsonl" \
  dotnet run -c Release --no-build --project tests/NerfEngine.Benchmarks -- \
  --filter '*McpToolCallBenchmark*' --artifacts "$work/bdn" >&2

python3 - "$work" "$connections" "$load_before" <<'PY'
import csv, glob, json, os, sys
work, connections, load = sys.argv[1], sys.argv[2], sys.argv[3]
report = glob.glob(os.path.join(work, "bdn", "results", "*McpToolCallBenchmark-report.csv"))[0]
rows = {r["Method"]: r for r in csv.DictReader(open(report, encoding="utf-8"))}
latency = {}
for line in open(os.path.join(work, "latency.jsonl"), encoding="utf-8"):
    entry = json.loads(line)
    latency[entry["benchmark"]] = entry
def ops(method):
    return float(rows[method]["Op/s"].replace(",", ""))
raw = ops("RawKestrelPost")
labels = [
    ("RawKestrelPost", "bare Kestrel POST (parse body, canned SSE answer)"),
    ("PingOverMcp", "MCP ping (per-request stateless server)"),
    ("ToolsCallWithValidationAndAudit", "tools/call query_hot_entities (validate in+out, audit)"),
]
print(f"| request | round trips/s | vs bare POST | p50 ms | p99 ms |")
print(f"|---|---:|---:|---:|---:|")
for method, label in labels:
    lat = latency.get(method)
    p50 = f"{lat['p50_ms']:.2f}" if lat else "–"
    p99 = f"{lat['p99_ms']:.2f}" if lat else "–"
    print(f"| {label} | {ops(method):,.0f} | {ops(method) / raw:.2f}× | {p50} | {p99} |")
tools = ops("ToolsCallWithValidationAndAudit")
print()
print(f"{connections} concurrent connections on loopback, {os.cpu_count()} cores, load average before the run {load}; "
      f"latency percentiles are per call. "
      f"Target >= 5,000 tools/call per second: {'met' if tools >= 5000 else 'NOT met'} ({tools:,.0f}/s).")
PY
