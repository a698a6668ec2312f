#!/usr/bin/env bash
# Runs every NerfEngine test on real parts. Installs what it needs (Debian packages) and starts
# the servers it needs (PostgreSQL, RabbitMQ), idempotently, so it works on a fresh machine as root.
#   scripts/test.sh                 build + all tests (+ the published-sensor check, scripts/check-published-sensor.sh)
#   scripts/test.sh --filter EXPR   pass a dotnet test filter (e.g. "FullyQualifiedName~Persistence")
set -euo pipefail
cd "$(dirname "$0")/.."

filter=()
if [[ "${1:-}" == "--filter" && -n "${2:-}" ]]; then filter=(--filter "$2"); fi

# Packages the tests exercise: journal (postgresql), C layout checks and BPF (clang, llvm,
# libbpf-dev, bpftool), capture (libpcap0.8, tcpdump, tshark, tcpreplay, iproute2), edge-batch
# transport (rabbitmq-server).
packages=(postgresql rabbitmq-server clang llvm libbpf-dev bpftool libpcap0.8 libpcap-dev tcpdump tshark tcpreplay iproute2 iputils-ping shellcheck gcc make)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[test] installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/setup-postgres.sh
export NERF_TEST_POSTGRES="${NERF_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=nerf;Password=nerf;Database=nerf_test}"
bash scripts/setup-rabbitmq.sh
export NERF_TEST_RABBITMQ="${NERF_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672/}"

echo "[test] building"
dotnet build NerfEngine.sln -c Release -warnaserror -nologo -v q

log="$(mktemp)"
echo "[test] running tests"
set +e
dotnet test NerfEngine.sln -c Release --no-build -nologo "${filter[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test projects: "N passed, N failed, N skipped".
read -r passed failed skipped < <(awk '
  /^(Passed|Failed)! +- +Failed:/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
    }
  }
  END { print p + 0, f + 0, s + 0 }' "$log")
rm -f "$log"
if [[ "$status" -ne 0 && "$failed" -eq 0 ]]; then failed=1; fi

# The published sensor (self-contained composite image, as deploy/README.md installs it) replays like the built one.
if ((${#filter[@]} == 0)); then
  if bash scripts/check-published-sensor.sh; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); status=1
  fi
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
