# MariaDB and PostgreSQL for the SQL store tests (sourced by start.sh after its helpers). Both come
# from Debian's packages (install.sh) and run from symlinks in .services/bin, so that the pid checks
# of start.sh/stop.sh ("is this still the binary we started?") work as for the Go servers. Their data
# directories are kept between starts (a restart takes well under a second); tests create their own
# databases, so nothing needs wiping.

# Debian's PostgreSQL binaries live under a versioned directory that is not on PATH.
postgres_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/postgres" ] && echo "$dir"; done | sort -V | tail -n 1
}

wait_cmd() { # wait_cmd NAME SECONDS CMD...: until CMD succeeds, or NAME exited, or time is up
  local name=$1 deadline=$(( SECONDS + $2 )); shift 2
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      log "$name exited during startup; last lines of $SVC/logs/$name.log:"
      tail -n 20 "$SVC/logs/$name.log" >&2 || true
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name is not ready after ${2} s; see $SVC/logs/$name.log"
      return 1
    fi
    sleep 0.2
  done
}

start_db() { # start_db NAME PORT HEALTH_CMD_STRING CMD...
  local name=$1 port=$2 health=$3; shift 3
  if alive "$name" && eval "$health" >/dev/null 2>&1; then
    log "$name already running (pid $(cat "$SVC/pids/$name"))."
    return 0
  fi
  launch "$name" "$@"
  echo "$port" >"$SVC/ports/$name"
  wait_cmd "$name" 60 bash -c "$health"
  log "$name ready (pid $(cat "$SVC/pids/$name"))."
}

# ── MariaDB ─────────────────────────────────────────────────────────────────
MARIADB_PORT=$(choose_port mariadbd "$MARIADB_PORT" ZEN_MARIADB_PORT)
ln -sfn "$(command -v mariadbd || echo /usr/sbin/mariadbd)" "$SVC/bin/mariadbd"
MARIADB_DATA="$SVC/data/mariadb"
mariadb_sql() { mariadb --no-defaults --protocol=socket --socket="$MARIADB_DATA/mariadb.sock" -uroot -e "$1"; }
if ! alive mariadbd && [ ! -f "$MARIADB_DATA/.zen-initialized" ]; then
  rm -rf "$MARIADB_DATA"
  mkdir -p "$MARIADB_DATA"
  mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$MARIADB_DATA" \
    --auth-root-authentication-method=socket --skip-test-db >"$SVC/logs/mariadb-install-db.log" 2>&1 \
    || { log "mariadb-install-db failed; see $SVC/logs/mariadb-install-db.log"; exit 1; }
  MARIADB_FRESH=1
fi
start_db mariadbd "$MARIADB_PORT" "mariadb-admin --no-defaults --protocol=socket --socket='$MARIADB_DATA/mariadb.sock' -uroot ping" \
  "$SVC/bin/mariadbd" --no-defaults --user="$(id -un)" --datadir="$MARIADB_DATA" --socket="$MARIADB_DATA/mariadb.sock" \
  --port="$MARIADB_PORT" --bind-address=127.0.0.1 --innodb-buffer-pool-size=64M --skip-name-resolve \
  --max-connections=500 --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --log-error="$SVC/logs/mariadbd.err"
if [ "${MARIADB_FRESH:-}" = 1 ]; then
  mariadb_sql "CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
               GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
               CREATE DATABASE IF NOT EXISTS zen;" \
    || { log "could not create the MariaDB test user"; exit 1; }
  touch "$MARIADB_DATA/.zen-initialized"
fi

# ── PostgreSQL ──────────────────────────────────────────────────────────────
POSTGRES_PORT=$(choose_port postgres "$POSTGRES_PORT" ZEN_POSTGRES_PORT)
PG_BIN=$(postgres_bin_dir)
[ -n "$PG_BIN" ] || { log "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); run install.sh."; exit 1; }
ln -sfn "$PG_BIN/postgres" "$SVC/bin/postgres"
POSTGRES_DATA="$SVC/data/postgres"
# PostgreSQL refuses to run as root: as root, it runs as Debian's `postgres` user (setpriv keeps the pid).
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env --)
fi
if ! alive postgres && [ ! -f "$POSTGRES_DATA/.zen-initialized" ]; then
  rm -rf "$POSTGRES_DATA"
  mkdir -p "$POSTGRES_DATA"
  printf '%s\n' "$DB_PASSWORD" >"$SVC/data/postgres.pw"
  if [ ${#as_pg[@]} -gt 0 ]; then chown postgres:postgres "$POSTGRES_DATA" "$SVC/data/postgres.pw"; fi
  chmod 700 "$POSTGRES_DATA"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$POSTGRES_DATA" -U "$DB_USER" --pwfile="$SVC/data/postgres.pw" \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    >"$SVC/logs/initdb.log" 2>&1 || { log "initdb failed; see $SVC/logs/initdb.log"; exit 1; }
  rm -f "$SVC/data/postgres.pw"
  touch "$POSTGRES_DATA/.zen-initialized"
fi
start_db postgres "$POSTGRES_PORT" "'$PG_BIN/pg_isready' -q -h 127.0.0.1 -p '$POSTGRES_PORT'" \
  "${as_pg[@]}" "$SVC/bin/postgres" -D "$POSTGRES_DATA" -c listen_addresses=127.0.0.1 -p "$POSTGRES_PORT" \
  -c unix_socket_directories= -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off
