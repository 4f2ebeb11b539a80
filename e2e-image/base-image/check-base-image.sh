#!/usr/bin/env bash
# Run by the docker-images profiles before Jib: when PREVIEWENV_BASE_IMAGE names an image of the
# local Docker engine (docker://...), that image must exist, else Jib fails with a bare
# "no such image". Says how to make it instead.
# Usage: check-base-image.sh <PREVIEWENV_BASE_IMAGE value>
set -uo pipefail
ref=${1:-}
case "$ref" in
  docker://*) image=${ref#docker://} ;;
  *) exit 0 ;; # a registry image: Jib pulls it and says what went wrong
esac
if ! command -v docker >/dev/null; then
  echo "[previewenv] PREVIEWENV_BASE_IMAGE=$ref names a local Docker image, but there is no docker CLI on PATH: install and start Docker, or unset PREVIEWENV_BASE_IMAGE to build without images." >&2
  exit 1
fi
if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
echo "[previewenv] PREVIEWENV_BASE_IMAGE=$ref: the image $image is not in the local Docker engine. Make it first with: sudo bash $root/e2e-image/base-image/build-base-image.sh $image (needs root and debootstrap: apt-get install -y debootstrap; about 100 s), or unset PREVIEWENV_BASE_IMAGE to build without images." >&2
exit 1
