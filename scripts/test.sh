#!/usr/bin/env bash
# The one test command (README, .ci/run): type-checks sources and tests, builds, runs every package's
# tests through turbo, then prints a single "N passed, N failed" line summed over all packages.
set -uo pipefail
cd "$(dirname "$0")/.."
# Jest strips types without checking them: the tests' types are checked here, once for the workspace.
typecheck=$(tsc -p tsconfig.check.json 2>&1)
tc=$?
[ $tc -eq 0 ] || printf '%s\n' "$typecheck"
# Lint and format (Biome, biome.json): errors fail the run; warnings are listed only.
lint=$(biome ci --colors=off . 2>&1 && node scripts/check-line-length.mjs 2>&1)
lc=$?
[ $lc -eq 0 ] || printf '%s\n' "$lint"
# The real servers the tests use, on 127.0.0.1 (installed on first use, cached in .services/); stopped on exit.
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
if [ $lc -ne 0 ]; then
  printf '\nLint or format check failed (npx pnpm@10.34.9 exec biome check --write . fixes formatting):\n%s\n' "$(printf '%s\n' "$lint" | grep -E '^\S+\.(ts|mjs|js|json|css)[ :]' | head -n 20)"
  rc=1
fi
exit $rc
