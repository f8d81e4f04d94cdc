#!/usr/bin/env bash
# The one test command (README, .ci/run): builds, runs every package's tests through turbo, then
# prints a single "N passed, N failed" line summed over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
turbo run test --concurrency=1 "$@"
rc=$?
node scripts/test-summary.mjs || rc=1
exit $rc
