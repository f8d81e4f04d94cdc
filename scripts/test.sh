#!/usr/bin/env bash
# The one test command (README, .ci/run): builds, runs every package's tests through turbo, then
# prints a single "N passed, N failed" line summed over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
# Real servers on 127.0.0.1 for the S3 and GCS tests (installed on first use); stopped on exit.
bash scripts/services/start.sh || exit 1
trap 'bash scripts/services/stop.sh' EXIT
turbo run test --concurrency=1 --continue "$@"
rc=$?
node scripts/test-summary.mjs || rc=1
exit $rc
