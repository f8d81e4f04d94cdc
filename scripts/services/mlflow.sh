# MLflow for the mlflow integration's tests (sourced by install.sh and start.sh after their helpers):
#   .services/venv-mlflow  mlflow[auth] pinned (its server, Python client and model serving; brings
#                          scikit-learn for the served test model) (Apache-2.0)
# Two servers, each with a SQLite backend and the artifact proxy (--serve-artifacts):
#   mlflow       no authentication
#   mlflow-auth  --app-name basic-auth, for real 401/403 answers (admin user from basic_auth.ini)
# Start-up takes 15-25 s, so start.sh starts both early in the background (mlflow_start_bg) and waits
# for them at its end (mlflow_wait), overlapping the other servers' start.
MLFLOW_VERSION="${MLFLOW_VERSION:-3.17.2}"
MLFLOW_VENV="$SVC/venv-mlflow"
MLFLOW_PORT="${ZEN_MLFLOW_PORT:-5050}"
MLFLOW_AUTH_PORT="${ZEN_MLFLOW_AUTH_PORT:-5051}"
MLFLOW_ADMIN_USER="zen-admin"
MLFLOW_ADMIN_PASSWORD="zen-test-password-1"

install_mlflow_venv() {
  local want="mlflow[auth]==$MLFLOW_VERSION scikit-learn" stamp="$MLFLOW_VENV/.zen-version"
  if [ -x "$MLFLOW_VENV/bin/mlflow" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  command -v python3 >/dev/null || { echo "install.sh: python3 (>= 3.10, with venv) is required for MLflow." >&2; return 1; }
  echo "Installing $want into $MLFLOW_VENV (a few minutes on a fresh machine) ..." >&2
  local started=$SECONDS
  rm -rf "$MLFLOW_VENV"
  python3 -m venv "$MLFLOW_VENV"
  # shellcheck disable=SC2086
  "$MLFLOW_VENV/bin/pip" install -q --disable-pip-version-check $want >&2
  echo "$want" >"$stamp"
  echo "Installed MLflow in $((SECONDS - started)) s." >&2
}

# ── start.sh only (needs its helpers: alive, http_ok, choose_port, wait_http, log) ──
mlflow_launch() { # mlflow_launch NAME PORT HEALTH_URL [EXTRA ARGS...]: starts NAME unless it runs; does not wait
  local name=$1 port=$2 health=$3 data="$SVC/data/$1"; shift 3
  if alive "$name" && http_ok "$health"; then
    log "$name already running (pid $(cat "$SVC/pids/$name"))."
    return 0
  fi
  rm -f "$SVC/pids/$name"
  mkdir -p "$data/artifacts"
  # A symlink per server, so that start.sh's and stop.sh's "is it still ours" check names it.
  ln -sfn "$MLFLOW_VENV/bin/mlflow" "$SVC/bin/$name"
  # basic-auth reads its config file and needs a fixed CSRF secret (a test value: loopback only).
  # The plain server must not see that file's path: it reads the auth config too (runs/search).
  local auth_env=()
  [ -f "$data/basic_auth.ini" ] && auth_env=(MLFLOW_AUTH_CONFIG_PATH="$data/basic_auth.ini" MLFLOW_FLASK_SERVER_SECRET_KEY=zen-test-csrf-key)
  launch "$name" env "${auth_env[@]}" PATH="$MLFLOW_VENV/bin:$PATH" MLFLOW_DISABLE_TELEMETRY=true \
    DO_NOT_TRACK=true MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false \
    "$SVC/bin/$name" server --backend-store-uri "sqlite:///$data/mlflow.db" --artifacts-destination "file://$data/artifacts" \
    --serve-artifacts --host 127.0.0.1 --port "$port" --workers 1 "$@"
  echo "$port" >"$SVC/ports/$name"
}

# Starts both servers in the background (their data directories persist between starts).
mlflow_start_bg() {
  MLFLOW_PORT=$(choose_port mlflow "$MLFLOW_PORT" ZEN_MLFLOW_PORT)
  MLFLOW_AUTH_PORT=$(choose_port mlflow-auth "$MLFLOW_AUTH_PORT" ZEN_MLFLOW_AUTH_PORT)
  mkdir -p "$SVC/data/mlflow-auth"
  cat >"$SVC/data/mlflow-auth/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$SVC/data/mlflow-auth/basic_auth.db
admin_username = $MLFLOW_ADMIN_USER
admin_password = $MLFLOW_ADMIN_PASSWORD
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
INI
  mlflow_launch mlflow "$MLFLOW_PORT" "http://127.0.0.1:$MLFLOW_PORT/health"
  mlflow_launch mlflow-auth "$MLFLOW_AUTH_PORT" "http://$MLFLOW_ADMIN_USER:$MLFLOW_ADMIN_PASSWORD@127.0.0.1:$MLFLOW_AUTH_PORT/health" --app-name basic-auth
}

# Waits for both (start-up takes 15-25 s on a loaded 2-core machine; a cold SQLite migration longer).
mlflow_wait() {
  wait_http mlflow "http://127.0.0.1:$MLFLOW_PORT/health" 180
  log "mlflow ready (pid $(cat "$SVC/pids/mlflow"))."
  wait_http mlflow-auth "http://$MLFLOW_ADMIN_USER:$MLFLOW_ADMIN_PASSWORD@127.0.0.1:$MLFLOW_AUTH_PORT/health" 180
  log "mlflow-auth ready (pid $(cat "$SVC/pids/mlflow-auth"))."
}
