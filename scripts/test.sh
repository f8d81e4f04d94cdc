#!/usr/bin/env bash
# The one test command (README, .ci/run): type-checks sources and tests, builds, runs every package's
# tests through turbo, then prints a single "N passed, N failed" line summed over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
# Jest strips types without checking them: the tests' types are checked here, once for the workspace.
typecheck=$(tsc -p tsconfig.check.json 2>&1)
tc=$?
[ $tc -eq 0 ] || printf '%s\n' "$typecheck"
# Real servers on 127.0.0.1 for the S3 and GCS tests (installed on first use); stopped on exit.
bash scripts/services/start.sh || exit 1
trap 'bash scripts/services/stop.sh' EXIT
# Every package's Jest writes a JSON report (test-results.json) for the summary below.
turbo run test --concurrency=1 --continue "$@" -- --json --outputFile=test-results.json
rc=$?
node scripts/test-summary.mjs || rc=1
if [ $tc -ne 0 ]; then
  # Repeated at the end, where CI logs are read.
  printf '\nType check failed (npx pnpm@10.34.9 typecheck):\n%s\n' "$(printf '%s\n' "$typecheck" | grep 'error TS' | head -n 20)"
  rc=1
fi
exit $rc
