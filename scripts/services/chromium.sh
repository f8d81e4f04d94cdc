# Debian's Chromium for the dashboard's browser tests (driven by playwright-core: no browser download).
# Sourced by install.sh. apt does not start anything; the tests launch it headless themselves.
install_chromium() {
  if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then return 0; fi
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  echo "Installing chromium from Debian's packages ..." >&2
  local started=$SECONDS
  "${sudo[@]}" apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >&2 \
    || { echo "install.sh: could not install chromium (apt-get as root or through sudo)." >&2; return 1; }
  echo "Installed chromium in $((SECONDS - started)) s." >&2
}
