#!/usr/bin/env bash
# `pnpm bench`: builds, starts the local S3/GCS servers the throughput benchmark uses, runs every
# bench/*.bench.mjs (or those whose name contains $1), and stops the servers.
set -uo pipefail
cd "$(dirname "$0")/.."
turbo run build --output-logs=errors-only || exit 1
bash scripts/services/start.sh || exit 1
trap 'bash scripts/services/stop.sh' EXIT
node bench/run.mjs "$@"
