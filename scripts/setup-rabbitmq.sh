#!/usr/bin/env bash
# Installs (if missing) and starts a local RabbitMQ, then waits until it accepts connections.
# Idempotent: safe to run on every test run. Like setup-postgres.sh, it starts the server itself
# when systemd is not PID 1 (containers, CI), and through systemd when it is.
#   guest/guest on 127.0.0.1:5672 (RabbitMQ lets guest in from loopback only)
set -euo pipefail

if ! command -v rabbitmq-server >/dev/null 2>&1 || ! command -v rabbitmqctl >/dev/null 2>&1; then
  echo "[rabbitmq] installing rabbitmq-server"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
  echo "[rabbitmq] starting rabbitmq-server"
  if [[ "$(cat /proc/1/comm 2>/dev/null)" == "systemd" ]]; then
    systemctl start rabbitmq-server
  else
    # The Debian wrapper drops to the rabbitmq user; -detached returns once the VM is spawned.
    rabbitmq-server -detached
  fi
fi

# await_startup waits for the node to boot; the retry loop covers the moment before its VM answers.
for _ in $(seq 1 60); do
  if rabbitmqctl -q await_startup --timeout 60 >/dev/null 2>&1; then
    echo "[rabbitmq] ready: amqp://guest:guest@127.0.0.1:5672/"
    exit 0
  fi
  sleep 1
done
echo "[rabbitmq] error: the server did not start; see /var/log/rabbitmq/" >&2
exit 1
