#!/usr/bin/env bash
# Counts the integration tests that actually ran (executed = tests - skipped, per failsafe report)
# and prints one line:
#   [ci] ITS real-cluster=<ran>/<total> docker=<ran>/<total> other=<ran>/<total> classes=<n>
# A class is a real-cluster IT when its source carries @RealCluster, a Docker IT when its source
# runs the docker CLI or Testcontainers; the rest is "other". With CI=true (or --strict) it fails
# when no real-cluster IT or no Docker IT ran: a green CI must carry both.
# Usage: .ci/count-its.sh [--strict] [repository root]
set -euo pipefail
strict=${CI:-false}
if [ "${1:-}" = "--strict" ]; then strict=true; shift; fi
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

declare -A ran=([real-cluster]=0 [docker]=0 [other]=0) total=([real-cluster]=0 [docker]=0 [other]=0)
classes=0
shopt -s nullglob
for report in */target/failsafe-reports/TEST-*.xml; do
  head=$(grep -m1 -o '<testsuite [^>]*>' "$report" || true)
  [ -n "$head" ] || continue
  attr() { printf '%s' "$head" | grep -o " $1=\"[^\"]*\"" | head -n1 | sed 's/.*="\(.*\)"/\1/'; }
  name=$(attr name); tests=$(attr tests); skipped=$(attr skipped)
  tests=${tests:-0}; skipped=${skipped:-0}
  module=${report%%/target/*}
  src=$(find "$module/src/test/java" -path "*/${name//.//}.java" 2>/dev/null | head -n1)
  kind=other
  if [ -n "$src" ] && grep -q '@RealCluster' "$src"; then
    kind=real-cluster
  elif [ -n "$src" ] && grep -qiE '"docker"|testcontainers' "$src"; then
    kind=docker
  fi
  classes=$((classes + 1))
  total[$kind]=$((total[$kind] + tests))
  ran[$kind]=$((ran[$kind] + tests - skipped))
done

line="ITS real-cluster=${ran[real-cluster]}/${total[real-cluster]} docker=${ran[docker]}/${total[docker]} other=${ran[other]}/${total[other]} classes=$classes"
printf '[ci] %s %s\n' "$(date +%H:%M:%S)" "$line"
if [ "$strict" = true ]; then
  fail=""
  [ "${ran[real-cluster]}" -gt 0 ] || fail="no real-cluster IT ran"
  [ "${ran[docker]}" -gt 0 ] || fail="${fail:+$fail; }no Docker IT ran"
  if [ -n "$fail" ]; then
    printf '[ci] FAILED: %s (executed, not skipped, from */target/failsafe-reports): a green CI must carry them\n' "$fail" >&2
    exit 1
  fi
fi
