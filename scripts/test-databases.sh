#!/usr/bin/env bash
# Makes sure the real database servers the tests use are installed, running and prepared:
# PostgreSQL 15 with HypoPG and pg_stat_statements on 127.0.0.1:5432, MariaDB on 127.0.0.1:3306
# with performance_schema and binary logging on.
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

# performance_schema with statement digests (top_queries, the unused_indexes check, propose_index
# workload "top") and binary logging (check_backups' point-in-time recovery checks), as a drop-in.
MARIA_CONF_DIR=/etc/mysql/mariadb.conf.d
MARIA_TEST_CNF=$MARIA_CONF_DIR/99-dba-mcp-test.cnf
MARIA_BINLOG_EXPIRY=604800
maria_test_cnf() {
  cat <<EOF
# Written by dba-mcp scripts/test-databases.sh (the test servers); rewritten when it differs.
[mysqld]
performance_schema = ON
performance-schema-consumer-statements-digest = ON
server_id = 1
log_bin = mariadb-bin
binlog_format = ROW
binlog_expire_logs_seconds = $MARIA_BINLOG_EXPIRY
max_binlog_size = 64M
# Durable binary log (check_backups warns otherwise).
sync_binlog = 1
# With binary logging on, CREATE FUNCTION/TRIGGER would need SUPER (tests and restores create them).
log_bin_trust_function_creators = ON
EOF
}
maria_var() { mariadb -h127.0.0.1 -uroot -N -e "SELECT @@GLOBAL.$1"; }
maria_stopped() { ! start-stop-daemon --status --exec /usr/sbin/mariadbd; }

start_mariadb() {
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for MariaDB maria_ready
}

write_mariadb_config() {
  mkdir -p "$MARIA_CONF_DIR"
  if [ "$(cat "$MARIA_TEST_CNF" 2>/dev/null)" != "$(maria_test_cnf)" ]; then
    log "writing $MARIA_TEST_CNF"; maria_test_cnf >"$MARIA_TEST_CNF"
  fi
  # Debian's my.cnf includes the directory; a trimmed one may not.
  if ! my_print_defaults --mysqld | grep -qx -- '--performance_schema=ON'; then
    log "including $MARIA_CONF_DIR/ from /etc/mysql/my.cnf"
    printf '\n!includedir %s/\n' "$MARIA_CONF_DIR" >>/etc/mysql/my.cnf
  fi
}

# A running server started before the drop-in: restart it for what needs a restart, SET GLOBAL the rest.
apply_mariadb_config() {
  local restart=()
  [ "$(maria_var performance_schema)" = 1 ] || restart+=(performance_schema)
  [ "$(maria_var log_bin)" = 1 ] || restart+=(log_bin)
  if [ ${#restart[@]} -gt 0 ]; then
    log "enabling ${restart[*]} (MariaDB restart)"
    mariadb-admin -h127.0.0.1 -uroot shutdown
    wait_for "MariaDB shutdown" maria_stopped
    start_mariadb
  fi
  local setting name value
  for setting in binlog_format=ROW binlog_expire_logs_seconds=$MARIA_BINLOG_EXPIRY sync_binlog=1 log_bin_trust_function_creators=1; do
    name=${setting%%=*} value=${setting#*=}
    [ "$(maria_var "$name")" = "$value" ] || { log "SET GLOBAL $name = $value"; mariadb -h127.0.0.1 -uroot -e "SET GLOBAL $name = $value"; }
  done
  mariadb -h127.0.0.1 -uroot -e "UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME = 'statements_digest' AND ENABLED <> 'YES'"
  # The statements above were digested: the table the tests read is filling.
  [ "$(mariadb -h127.0.0.1 -uroot -N -e 'SELECT COUNT(*) > 0 FROM performance_schema.events_statements_summary_by_digest')" = 1 ] \
    || { log "performance_schema collects no statement digests"; return 1; }
}

ensure_mariadb() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || apt_install mariadb-server
  write_mariadb_config
  if ! maria_ready; then
    log "starting MariaDB"
    start_mariadb
  fi
  apply_mariadb_config
  mariadb -h127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test'
}

ensure_postgres
ensure_mariadb
log "PostgreSQL $(psql -h 127.0.0.1 -U postgres -tAc 'SHOW server_version') and MariaDB $(mariadb -h127.0.0.1 -uroot -N -e 'SELECT VERSION()') are ready"
