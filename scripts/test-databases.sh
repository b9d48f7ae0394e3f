#!/usr/bin/env bash
# Makes sure the real database servers the tests use are installed, running and prepared:
# PostgreSQL 15 with HypoPG and pg_stat_statements on 127.0.0.1:5432, MariaDB on 127.0.0.1:3306.
# Idempotent: safe to run again. Needs root for apt-get and for starting the servers.
set -euo pipefail

log() { printf '[test-databases] %s\n' "$*" >&2; }

# Run by `npm test` (pretest) as well as by CI. Without root or the database tools (a laptop),
# say so and leave it to the tests: they skip an unreachable server outside CI, and fail in CI.
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "not root or no apt-get: not installing or starting database servers"
  exit 0
fi

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
maria_ready() { mariadb -h127.0.0.1 -uroot -e 'SELECT 1' >/dev/null 2>&1; }

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 60); do
    if $check; then return 0; fi
    sleep 0.5
  done
  log "$what did not become ready"; return 1
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

ensure_postgres() {
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  local v; v=$(pg_cluster_version)
  if [ ! -f "/usr/share/postgresql/$v/extension/hypopg.control" ]; then
    log "installing HypoPG for PostgreSQL $v"; apt_install "postgresql-$v-hypopg"
  fi
  if ! pg_ready; then
    log "starting PostgreSQL $v"; pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
    wait_for PostgreSQL pg_ready
  fi
  # WAL archiving on (check_backups tests the archiver), with a harmless command that keeps nothing.
  local archive_command
  archive_command=$(psql -h 127.0.0.1 -U postgres -tAc "SELECT setting FROM pg_file_settings WHERE name = 'archive_command' AND applied")
  if [ -z "$archive_command" ] || [ "$archive_command" = false ]; then
    psql -h 127.0.0.1 -U postgres -qc "ALTER SYSTEM SET archive_command = '/bin/true'" -c 'SELECT pg_reload_conf()' >/dev/null
  fi
  local restart=()
  psql -h 127.0.0.1 -U postgres -tAc 'SHOW shared_preload_libraries' | grep -q pg_stat_statements || restart+=(pg_stat_statements)
  [ "$(psql -h 127.0.0.1 -U postgres -tAc 'SHOW archive_mode')" = on ] || restart+=(archive_mode)
  if [ ${#restart[@]} -gt 0 ]; then
    log "enabling ${restart[*]} (restart)"
    psql -h 127.0.0.1 -U postgres -qc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" -c "ALTER SYSTEM SET archive_mode = on"
    pg_ctlcluster --skip-systemctl-redirect "$v" main restart
    wait_for PostgreSQL pg_ready
  fi
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE test'
}

ensure_mariadb() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
  if ! maria_ready; then
    log "starting MariaDB"
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    wait_for MariaDB maria_ready
  fi
  mariadb -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'
}

ensure_postgres
ensure_mariadb
log "PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'SHOW server_version') and MariaDB $(mariadb -h127.0.0.1 -uroot -N -e 'SELECT VERSION()') are ready"
