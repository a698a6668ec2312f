#!/usr/bin/env bash
# Installs (if missing) and starts a local PostgreSQL, then ensures the NerfEngine role and
# databases exist. Idempotent: safe to run on every test run.
#   role nerf / password nerf; databases nerf_test (tests) and nerf (cluster journal)
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "[postgres] installing postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf "%f\n" | sort -V | tail -1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main"' | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  echo "[postgres] starting cluster $version/main"
  pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
  if su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

su postgres -c "psql -qtAc \"select 1 from pg_roles where rolname='nerf'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"create role nerf login superuser password 'nerf'\""
for db in nerf_test nerf; do
  su postgres -c "psql -qtAc \"select 1 from pg_database where datname='$db'\"" | grep -q 1 ||
    su postgres -c "createdb -O nerf $db"
done
echo "[postgres] ready: Host=127.0.0.1;Port=5432;Username=nerf;Password=nerf;Database=nerf_test"
