#!/usr/bin/env bash
# Installs the real servers the tests use into .services/bin (idempotent: a version stamp per
# binary; an installed binary of the pinned version is left alone).
#   versitygw        S3-compatible gateway over a directory (Apache-2.0)
#   fake-gcs-server  GCS JSON API emulator (BSD-2)
#   mariadb-server, postgresql  from Debian's packages (apt-get; as root, or through sudo)
#   crane            go-containerregistry's OCI registry and image reader (kubeflow-tools.sh)
#   .services/venv-kfp  Kubeflow's Python packages, pinned (kubeflow-tools.sh)
#   .services/venv-mlflow  mlflow[auth] and scikit-learn, pinned (mlflow.sh)
#   chromium         Debian's package, for the dashboard's browser tests (chromium.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v go >/dev/null || { echo "install.sh: Go is required (go install builds the servers); install Go >= 1.25." >&2; exit 1; }

install_go_binary() { # install_go_binary NAME MODULE_PATH VERSION
  local name=$1 module=$2 version=$3 stamp="$SVC/bin/.$1.version"
  if [ -x "$SVC/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    return 0
  fi
  echo "Installing $name ($module@$version) into $SVC/bin ..." >&2
  local started=$SECONDS
  go install "$module@$version"
  echo "$module@$version" >"$stamp"
  echo "Installed $name in $((SECONDS - started)) s." >&2
}

# The database servers: Debian packages. apt does not start them (no init system here); start.sh does.
install_debian_servers() {
  local missing=()
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  echo "Installing ${missing[*]} from Debian's packages ..." >&2
  local started=$SECONDS
  "${sudo[@]}" apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || { echo "install.sh: could not install ${missing[*]} (apt-get as root or through sudo)." >&2; return 1; }
  echo "Installed ${missing[*]} in $((SECONDS - started)) s." >&2
}

source "$(dirname "${BASH_SOURCE[0]}")/kubeflow-tools.sh"
source "$(dirname "${BASH_SOURCE[0]}")/mlflow.sh"
source "$(dirname "${BASH_SOURCE[0]}")/chromium.sh"

{ install_debian_servers && install_chromium; } &
apt=$!
install_go_binary crane github.com/google/go-containerregistry/cmd/crane "$CRANE_VERSION" &
crane=$!
install_kfp_venv &
kfp=$!
install_mlflow_venv &
mlflow=$!
install_go_binary versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" &
vgw=$!
install_go_binary fake-gcs-server github.com/fsouza/fake-gcs-server "$FAKE_GCS_VERSION" &
gcs=$!
rc=0
wait $apt || rc=1
wait $vgw || rc=1
wait $gcs || rc=1
wait $crane || rc=1
wait $kfp || rc=1
wait $mlflow || rc=1
exit $rc
