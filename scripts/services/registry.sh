# The OCI registry for the step-image tests (sourced by start.sh after its helpers): go-containerregistry's
# `crane registry serve`, a real OCI distribution-API registry, in memory (restarting it empties it;
# tests use their own repository names).
REGISTRY_PORT="${ZEN_REGISTRY_PORT:-5005}"
REGISTRY_PORT=$(choose_port crane "$REGISTRY_PORT" ZEN_REGISTRY_PORT)
start_bg crane "$REGISTRY_PORT" "http://127.0.0.1:$REGISTRY_PORT/v2/" \
  "$SVC/bin/crane" registry serve --address "127.0.0.1:$REGISTRY_PORT"
