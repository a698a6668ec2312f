#!/usr/bin/env bash
# Kernel tuning for a NerfEngine sensor (SPEC §2). Idempotent: a setting already at its target is left
# alone, and a second run changes nothing. The first run that changes a setting records its original
# value, so --revert puts everything back.
#
#   scripts/tune_kernel.sh [--nic IFACE] [--dry-run]      apply (root); --dry-run prints every change only
#   scripts/tune_kernel.sh --revert [--dry-run]           restore what an earlier run changed
#
# Settings: net.core.rmem_max=134217728 (socket receive buffers up to 128 MiB), net.core.netdev_max_backlog=300000
# (per-CPU input queue), net.core.busy_read=50 and net.core.busy_poll=50 (µs of busy polling), net.core.bpf_jit_enable=1
# (JIT the XDP program), vm.nr_hugepages=512 (2 MiB pages for rings). --nic IFACE also pins the NIC's queue IRQs one
# queue per CPU (queue q on CPU q mod ncpus) and stops irqbalance, which would move them again.
#
# Environment: NERF_TUNE_STATE (default /var/lib/nerf/tune_kernel.state) holds the originals; NERF_TUNE_ROOT
# (default empty) prefixes every /proc and /sys path, so tests can run the script against a fake tree.
set -euo pipefail

root="${NERF_TUNE_ROOT:-}"
state="${NERF_TUNE_STATE:-/var/lib/nerf/tune_kernel.state}"
dry_run=0
revert=0
nic=""

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "tune_kernel: error: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --revert) revert=1; shift ;;
    --nic) [[ $# -ge 2 && -n "$2" ]] || die "--nic needs an interface name"; nic="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if ((revert)) && [[ -n "$nic" ]]; then die "--revert restores everything recorded; it takes no --nic"; fi
if ((!dry_run)) && [[ -z "$root" && $EUID -ne 0 ]]; then die "changing kernel settings needs root (or use --dry-run)"; fi
if [[ -n "$nic" && ! -e "$root/sys/class/net/$nic" ]]; then die "interface '$nic' not found"; fi

# The targets, in the order they are applied.
settings=(
  "net.core.rmem_max=134217728"
  "net.core.netdev_max_backlog=300000"
  "net.core.busy_read=50"
  "net.core.busy_poll=50"
  "net.core.bpf_jit_enable=1"
  "vm.nr_hugepages=512"
)

# change WHAT: announces one change ("set sysctl x: a -> b"); under --dry-run as what would be done.
change() { if ((dry_run)); then echo "[dry-run] would $*"; else echo "$*"; fi; }

# sysctl key → its file under /proc/sys (net.core.rmem_max → /proc/sys/net/core/rmem_max).
sysctl_path() { echo "$root/proc/sys/${1//.//}"; }

# recorded KEY: the original value an earlier run saved, or nothing.
recorded() {
  [[ -f "$state" ]] || return 0
  awk -F= -v key="$1" '$1 == key { value = substr($0, length(key) + 2) } END { if (value != "") print value }' "$state"
}

# record KEY VALUE: saves the original once; later runs keep the first original.
record() {
  ((dry_run)) && return 0
  [[ -n "$(recorded "$1")" ]] && return 0
  mkdir -p "$(dirname "$state")"
  printf '%s=%s\n' "$1" "$2" >>"$state"
}

# write FILE VALUE: the one place anything is changed.
write() {
  ((dry_run)) && return 0
  printf '%s\n' "$2" >"$1" || die "could not write $2 to $1"
}

apply_sysctl() {
  local key="${1%%=*}" target="${1#*=}" file current
  file="$(sysctl_path "$key")"
  if [[ ! -e "$file" ]]; then
    echo "sysctl $key: not available on this kernel, skipped"
    return 0
  fi
  current="$(tr -s '[:space:]' ' ' <"$file" | sed 's/ $//')"
  if [[ "$current" == "$target" ]]; then
    echo "sysctl $key: already $target"
    return 0
  fi
  change "set sysctl $key: $current -> $target"
  record "sysctl:$key" "$current"
  write "$file" "$target"
}

# The NIC's queue IRQs as "irq name" lines: its MSI vectors (virtio NICs: the parent PCI function's), or the
# /proc/interrupts lines naming it; configuration and event vectors are not queues.
nic_queue_irqs() {
  local device candidates=() irq name dir
  device="$(readlink -f "$root/sys/class/net/$nic/device" 2>/dev/null || true)"
  if [[ -n "$device" ]]; then
    for dir in "$device" "$(dirname "$device")"; do
      if [[ -d "$dir/msi_irqs" ]]; then
        mapfile -t candidates < <(ls "$dir/msi_irqs")
        break
      fi
    done
  fi
  if ((${#candidates[@]} == 0)); then
    mapfile -t candidates < <(awk -v nic="$nic" 'index($NF, nic) { sub(":", "", $1); print $1 }' "$root/proc/interrupts")
  fi
  for irq in "${candidates[@]}"; do
    name="$(awk -v irq="$irq:" '$1 == irq { print $NF }' "$root/proc/interrupts")"
    [[ -n "$name" ]] || continue
    [[ "$name" =~ (config|async|event|misc|ctrl|lsc|fdir) ]] && continue
    echo "$irq $name"
  done | sort -n
}

apply_nic() {
  local cpus=0 lines=() index=0 irq name queue cpu file current
  cpus="$(grep -c '^processor' "$root/proc/cpuinfo" 2>/dev/null || true)"
  ((cpus > 0)) || cpus="$(nproc)"
  mapfile -t lines < <(nic_queue_irqs)
  if ((${#lines[@]} == 0)); then
    echo "nic $nic: no queue IRQs found (a virtual device?), affinity unchanged"
  fi
  for line in "${lines[@]}"; do
    irq="${line%% *}"
    name="${line#* }"
    # The queue number is the name's last number (eth0-TxRx-3, virtio2-input.0, mlx5_comp5); else its position.
    if [[ "$name" =~ ([0-9]+)[^0-9]*$ ]]; then queue="${BASH_REMATCH[1]}"; else queue="$index"; fi
    cpu=$((queue % cpus))
    index=$((index + 1))
    file="$root/proc/irq/$irq/smp_affinity_list"
    if [[ ! -e "$file" ]]; then
      echo "irq $irq ($name): no smp_affinity_list, skipped"
      continue
    fi
    current="$(cat "$file")"
    if [[ "$current" == "$cpu" ]]; then
      echo "irq $irq ($name) smp_affinity_list: already $cpu"
      continue
    fi
    change "set irq $irq ($name) smp_affinity_list: $current -> $cpu"
    record "irq:$irq" "$current"
    write "$file" "$cpu"
  done
  irqbalance_off
}

irqbalance_running() { pgrep -x irqbalance >/dev/null 2>&1; }

irqbalance_off() {
  if ! irqbalance_running; then
    echo "irqbalance: not running"
    return 0
  fi
  change "stop irqbalance: running -> stopped (it would move the pinned IRQs)"
  record "service:irqbalance" "running"
  ((dry_run)) && return 0
  if command -v systemctl >/dev/null 2>&1 && systemctl stop irqbalance 2>/dev/null; then
    systemctl disable irqbalance >/dev/null 2>&1 || true
  else
    pkill -x irqbalance || die "could not stop irqbalance"
  fi
}

revert_all() {
  local entry kind key original file current what
  if [[ ! -s "$state" ]]; then
    echo "nothing to revert: no recorded originals in $state"
    return 0
  fi
  while IFS= read -r entry; do
    [[ -n "$entry" ]] || continue
    kind="${entry%%:*}"
    key="${entry#*:}"
    original="${key#*=}"
    key="${key%%=*}"
    case "$kind" in
      sysctl) file="$(sysctl_path "$key")"; what="sysctl $key" ;;
      irq) file="$root/proc/irq/$key/smp_affinity_list"; what="irq $key smp_affinity_list" ;;
      service)
        if irqbalance_running; then echo "irqbalance: already running"; continue; fi
        change "start irqbalance: stopped -> running"
        if ((!dry_run)); then
          if command -v systemctl >/dev/null 2>&1 && systemctl enable --now irqbalance 2>/dev/null; then :; else irqbalance || true; fi
        fi
        continue ;;
      *) echo "unknown entry '$entry' in $state, skipped"; continue ;;
    esac
    if [[ ! -e "$file" ]]; then
      echo "$what: gone, skipped"
      continue
    fi
    current="$(tr -s '[:space:]' ' ' <"$file" | sed 's/ $//')"
    if [[ "$current" == "$original" ]]; then
      echo "$what: already $original"
      continue
    fi
    change "restore $what: $current -> $original"
    write "$file" "$original"
  done <"$state"
  if ((!dry_run)); then rm -f "$state"; fi
}

if ((revert)); then
  revert_all
  exit 0
fi
for setting in "${settings[@]}"; do
  apply_sysctl "$setting"
done
if [[ -n "$nic" ]]; then
  apply_nic
fi
