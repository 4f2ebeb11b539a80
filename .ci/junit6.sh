#!/usr/bin/env bash
# The JUnit extension is built and its fast tests run against JUnit 6 as well as JUnit 5 (the
# default build). Only junit-extension's tests run here (core is compiled, not tested again): ~1 min.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -Pjunit6 -pl junit-extension -am verify -DskipITs \
  -Dtest='dev/previewenv/junit/**/*Test' -Dsurefire.failIfNoSpecifiedTests=false
echo "[ci] junit-extension tests passed against JUnit 6 (profile junit6)"
