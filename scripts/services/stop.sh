#!/usr/bin/env bash
# Stops the servers start.sh started, each by the pid in its pid file (and only if that process is
# still the binary we started), then removes `.services/env`. The databases' data directories stay. Safe to run when nothing runs.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for pidfile in "$SVC"/pids/*; do
  [ -f "$pidfile" ] || continue
  name=$(basename "$pidfile")
  pid=$(cat "$pidfile")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$SVC/bin/$name"; then
    # PostgreSQL's SIGTERM waits for every client to disconnect; SIGINT is its fast, clean shutdown.
    # mlflow server runs uvicorn as a child: stop its whole process group (setsid made it the leader).
    if [ "$name" = postgres ]; then kill -INT "$pid" 2>/dev/null
    elif [ "$name" = mlflow ] || [ "$name" = mlflow-auth ]; then kill -- -"$pid" 2>/dev/null
    else kill "$pid" 2>/dev/null; fi
    for _ in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && kill -9 "$pid" 2>/dev/null
    echo "services: stopped $name (pid $pid)." >&2
  fi
  rm -f "$pidfile" "$SVC/ports/$name"
done
rm -f "$SVC/env"
