#!/usr/bin/env bash
# Installs the real servers the tests use into .services/bin (idempotent: a version stamp per
# binary; an installed binary of the pinned version is left alone).
#   versitygw        S3-compatible gateway over a directory (Apache-2.0)
#   fake-gcs-server  GCS JSON API emulator (BSD-2)
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

install_go_binary versitygw github.com/versity/versitygw/cmd/versitygw "$VERSITYGW_VERSION" &
vgw=$!
install_go_binary fake-gcs-server github.com/fsouza/fake-gcs-server "$FAKE_GCS_VERSION" &
gcs=$!
rc=0
wait $vgw || rc=1
wait $gcs || rc=1
exit $rc
