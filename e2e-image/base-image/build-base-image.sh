#!/usr/bin/env bash
# Builds the Java 17 runtime base image for the PreviewEnv images from Debian packages only, for
# machines where no base image can be pulled (CI, the build machines):
#   debootstrap --variant=minbase bookworm  +  openjdk-17-jre-headless  +  docker import
# The Debian mirror is the one this machine's apt is configured with (never a hard-coded host).
# Needs root (debootstrap, chroot) and a Docker engine. Takes about 100 s; skipped when the image
# already exists (pass --force to rebuild).
#
# Usage: build-base-image.sh [--force] [image]     (image defaults to previewenv/jre17:local)
# Then:  PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw -B install ...
set -euo pipefail

force=false
if [ "${1:-}" = "--force" ]; then force=true; shift; fi
image=${1:-previewenv/jre17:local}
suite=${PREVIEWENV_DEBIAN_SUITE:-bookworm}
log() { printf '[base-image] %s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[base-image] ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker CLI on PATH; install docker.io and start the engine"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed); start it first"
if ! $force && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image already exists; nothing to do (pass --force to rebuild)"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root; run as root (e.g. with sudo)"
command -v debootstrap >/dev/null || die "no debootstrap; install it: apt-get install -y debootstrap"

# The first Debian mirror of this machine's apt configuration: deb822 (*.sources: "URIs:") or
# one-line format (sources.list, *.list: "deb [opts] URI suite ..."). Security and disabled files are skipped.
mirror=${PREVIEWENV_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    case "$f" in *.sources)
      mirror=$(awk 'tolower($1)=="uris:" {for (i=2;i<=NF;i++) print $i}' "$f") ;;
    *)
      mirror=$(awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) {print $i; break}}' "$f") ;;
    esac
    mirror=$(printf '%s\n' "$mirror" | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1 || true)
    [ -n "$mirror" ] && break
  done
fi
[ -n "$mirror" ] || die "found no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/; set PREVIEWENV_DEBIAN_MIRROR"
log "building $image from $suite at $mirror"

rootfs=$(mktemp -d /var/tmp/previewenv-jre17.XXXXXX)
cleanup() {
  for m in proc sys dev; do umount -l "$rootfs/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$rootfs"
}
trap cleanup EXIT

debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
  || { tail -n 30 "$rootfs.log" >&2; rm -f "$rootfs.log"; die "debootstrap failed (log above)"; }
rm -f "$rootfs.log"
log "debootstrap done"

# Keep the image small and the install non-interactive.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/01-previewenv-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -qq
chroot "$rootfs" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless ca-certificates >/dev/null
chroot "$rootfs" apt-get clean
umount -l "$rootfs/proc"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/log/* "$rootfs"/tmp/*
log "openjdk-17-jre-headless installed"

java_bin=$(readlink -f "$rootfs/usr/bin/java")
java_home=${java_bin#"$rootfs"}
java_home=${java_home%/bin/java}
[ -x "$rootfs$java_home/bin/java" ] || die "no java found in the image root ($rootfs$java_home/bin/java)"

tar -C "$rootfs" -c . | docker import \
  -c "ENV JAVA_HOME=$java_home" \
  -c "ENV PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  -c "ENV LANG=C.UTF-8" \
  -m "previewenv: Debian $suite minbase + openjdk-17-jre-headless" \
  - "$image" >/dev/null
log "built $image ($(docker image inspect -f '{{.Size}}' "$image") bytes); check: docker run --rm $image java -version"
