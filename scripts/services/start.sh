#!/usr/bin/env bash
# Starts the servers the tests use, on 127.0.0.1 only, and waits until they answer:
#   versitygw (S3 API, posix backend)   http://127.0.0.1:${ZEN_S3_PORT:-7070, or a free port}
#   fake-gcs-server (GCS JSON API)       http://127.0.0.1:${ZEN_GCS_PORT:-4443, or a free port}
#   MariaDB                              127.0.0.1:${ZEN_MARIADB_PORT:-3306, or a free port}
#   PostgreSQL                           127.0.0.1:${ZEN_POSTGRES_PORT:-5432, or a free port}
#   crane registry serve (OCI registry)  http://127.0.0.1:${ZEN_REGISTRY_PORT:-5005, or a free port}
#   MLflow tracking server              http://127.0.0.1:${ZEN_MLFLOW_PORT:-5050, or a free port}
#   MLflow with basic auth (401s)       http://127.0.0.1:${ZEN_MLFLOW_AUTH_PORT:-5051, or a free port}
# Installs them first if missing (install.sh). Writes `.services/env` (KEY=value lines) with the
# endpoints and credentials tests read, and one pid file per server in `.services/pids/`.
# Idempotent: a server that is already running (our pid file, alive, healthy) is reused.
# Stop them with stop.sh.
set -euo pipefail
HERE="$(dirname "${BASH_SOURCE[0]}")"
source "$HERE/common.sh"

bash "$HERE/install.sh"

log() { echo "services: $*" >&2; }

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null; }

wait_http() { # wait_http NAME URL SECONDS
  local name=$1 url=$2 deadline=$(( SECONDS + $3 ))
  until http_ok "$url"; do
    if ! alive "$name"; then
      log "$name exited during startup; last lines of $SVC/logs/$name.log:"
      tail -n 20 "$SVC/logs/$name.log" >&2 || true
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "$name is not ready at $url after $3 s; see $SVC/logs/$name.log"
      return 1
    fi
    sleep 0.2
  done
}

# Our process only: the pid file's process must still be the binary we started (pids get reused).
alive() {
  local pidfile="$SVC/pids/$1" pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$SVC/bin/$1"
}

# launch NAME CMD...: starts CMD in a session of its own (it outlives this script and is not hit by
# signals sent to the caller's group), output to its log, and records its pid. `setsid` forks when its
# caller leads a process group (a shell with job control), so `$!` is not always the server's pid: the
# new session writes its own pid, then becomes the command.
launch() {
  local name=$1 pidfile="$SVC/pids/$1"; shift
  rm -f "$pidfile"
  setsid bash -c 'echo $$ >"$0.tmp" && mv "$0.tmp" "$0" && exec "$@"' "$pidfile" "$@" >"$SVC/logs/$name.log" 2>&1 </dev/null &
  local tries=0
  until [ -s "$pidfile" ]; do
    tries=$((tries + 1))
    [ $tries -le 200 ] || { log "$name did not start; see $SVC/logs/$name.log"; exit 1; }
    sleep 0.05
  done
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_bg() { # start_bg NAME PORT HEALTH_URL CMD...
  local name=$1 port=$2 health=$3; shift 3
  if alive "$name" && http_ok "$health"; then
    log "$name already running (pid $(cat "$SVC/pids/$name"))."
    return 0
  fi
  launch "$name" "$@"
  echo "$port" >"$SVC/ports/$name"
  wait_http "$name" "$health" 60
  log "$name ready (pid $(cat "$SVC/pids/$name"))."
}

free_port() { node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }

choose_port() { # choose_port NAME PORT VAR: the port NAME runs (or will run) on
  if alive "$1" && [ -f "$SVC/ports/$1" ]; then cat "$SVC/ports/$1"; return; fi
  if ! port_taken "$2"; then echo "$2"; return; fi
  if [ -n "${!3:-}" ]; then
    log "port $2 on 127.0.0.1 is taken by another process; set $3 to a free port."
    exit 1
  fi
  local port
  port=$(free_port)
  log "port $2 on 127.0.0.1 is taken by another process; $1 uses port $port."
  echo "$port"
}

# MLflow takes 15-25 s to start: launch it first, wait for it last.
source "$HERE/mlflow.sh"
mlflow_start_bg

S3_PORT=$(choose_port versitygw "$S3_PORT" ZEN_S3_PORT)
GCS_PORT=$(choose_port fake-gcs-server "$GCS_PORT" ZEN_GCS_PORT)

# versitygw's posix backend keeps object metadata in user xattrs; fall back to sidecar files
# where the filesystem lacks them.
vgw_meta=()
if ! alive versitygw; then
  rm -rf "$SVC/data/s3" "$SVC/sidecar/s3"
  mkdir -p "$SVC/data/s3"
  probe="$SVC/data/s3/.xattr-probe"
  : >"$probe"
  if [ "${ZEN_VGW_SIDECAR:-}" = 1 ] || { ! python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.zen", b"1")' "$probe" 2>/dev/null \
     && ! setfattr -n user.zen -v 1 "$probe" 2>/dev/null; }; then
    log "no user xattrs under $SVC/data; versitygw keeps metadata in sidecar files."
    mkdir -p "$SVC/sidecar/s3"
    vgw_meta=(--sidecar "$SVC/sidecar/s3")
  fi
  rm -f "$probe"
fi

start_bg versitygw "$S3_PORT" "http://127.0.0.1:$S3_PORT/health" \
  "$SVC/bin/versitygw" --port "127.0.0.1:$S3_PORT" --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" \
  --region "$S3_REGION" --health /health --quiet posix "${vgw_meta[@]}" "$SVC/data/s3"

start_bg fake-gcs-server "$GCS_PORT" "http://127.0.0.1:$GCS_PORT/_internal/healthcheck" \
  "$SVC/bin/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$GCS_PORT" -backend memory \
  -external-url "http://127.0.0.1:$GCS_PORT" -log-level warn

source "$HERE/databases.sh"
source "$HERE/registry.sh"
mlflow_wait

cat >"$SVC/env.tmp" <<ENV
# Written by scripts/services/start.sh; read by the tests (scripts/services/service-env.ts).
ZEN_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
ZEN_S3_REGION=$S3_REGION
ZEN_S3_ACCESS_KEY_ID=$S3_ACCESS_KEY
ZEN_S3_SECRET_ACCESS_KEY=$S3_SECRET_KEY
ZEN_GCS_ENDPOINT=http://127.0.0.1:$GCS_PORT
ZEN_GCS_PROJECT=zen-test
ZEN_MARIADB_HOST=127.0.0.1
ZEN_MARIADB_PORT=$MARIADB_PORT
ZEN_MARIADB_USER=$DB_USER
ZEN_MARIADB_PASSWORD=$DB_PASSWORD
ZEN_POSTGRES_HOST=127.0.0.1
ZEN_POSTGRES_PORT=$POSTGRES_PORT
ZEN_POSTGRES_USER=$DB_USER
ZEN_POSTGRES_PASSWORD=$DB_PASSWORD
ZEN_REGISTRY=127.0.0.1:$REGISTRY_PORT
ZEN_KFP_PYTHON=$SVC/venv-kfp/bin/python
ZEN_MLFLOW_TRACKING_URI=http://127.0.0.1:$MLFLOW_PORT
ZEN_MLFLOW_AUTH_TRACKING_URI=http://127.0.0.1:$MLFLOW_AUTH_PORT
ZEN_MLFLOW_ADMIN_USER=$MLFLOW_ADMIN_USER
ZEN_MLFLOW_ADMIN_PASSWORD=$MLFLOW_ADMIN_PASSWORD
ZEN_MLFLOW_VENV=$MLFLOW_VENV
AWS_EC2_METADATA_DISABLED=true
METADATA_SERVER_DETECTION=none
ENV
mv "$SVC/env.tmp" "$SVC/env"
log "endpoints written to $SVC/env"
