#!/usr/bin/env bash
# Builds the example stack's data stores from Debian packages only (no image registry is reachable
# on the build machines), like e2e-image/base-image/build-base-image.sh:
#   previewenv/postgres:local  debootstrap --variant=minbase bookworm + postgresql (15)
#   previewenv/redis:local     debootstrap --variant=minbase bookworm + redis-server (7.0)
# One debootstrap, copied for each image; then docker import with user, entrypoint and port.
# Needs root (debootstrap, chroot) and a Docker engine. Skips an image that exists (--force rebuilds).
#
# The PostgreSQL image initialises its data directory on first start from POSTGRES_USER (default
# postgres), POSTGRES_PASSWORD (required) and POSTGRES_DB (default: the user), and listens on 5432
# with scram-sha-256 for TCP clients. The Redis image listens on 6379 and requires REDIS_PASSWORD.
# Neither prints a password. Readiness: pg_isready / redis-cli ping (REDISCLI_AUTH).
#
# Usage: build-data-images.sh [--force]
set -euo pipefail

force=false
if [ "${1:-}" = "--force" ]; then force=true; shift; fi
suite=${PREVIEWENV_DEBIAN_SUITE:-bookworm}
postgres_image=previewenv/postgres:local
redis_image=previewenv/redis:local
log() { printf '[data-images] %s %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[data-images] ERROR: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker CLI on PATH; install docker.io and start the engine"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed); start it first"
todo=()
for image in "$postgres_image" "$redis_image"; do
  if $force || ! docker image inspect "$image" >/dev/null 2>&1; then todo+=("$image"); fi
done
if [ ${#todo[@]} -eq 0 ]; then
  log "$postgres_image and $redis_image already exist; nothing to do (pass --force to rebuild)"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root; run as root (e.g. with sudo)"
command -v debootstrap >/dev/null || die "no debootstrap; install it: apt-get install -y debootstrap"

# The first Debian mirror of this machine's apt configuration (as build-base-image.sh finds it).
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

work=$(mktemp -d /var/tmp/previewenv-data-images.XXXXXX)
cleanup() {
  for root in "$work"/*/; do
    for m in proc sys dev; do umount -l "${root}$m" 2>/dev/null || true; done
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

log "debootstrap $suite from $mirror"
debootstrap --variant=minbase "$suite" "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
cat >"$work/base/etc/dpkg/dpkg.cfg.d/01-previewenv-nodoc" <<'CFG'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
log "debootstrap done"

# install <root> <packages...>: apt-get inside the chroot, then the caches removed
install_into() {
  local root=$1; shift
  mount -t proc proc "$root/proc"
  # the packages' maintainer scripts talk a lot (no init system, no /dev/pts): shown only on failure
  { chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" \
      && chroot "$root" apt-get clean; } >"$work/apt.log" 2>&1 \
    || { tail -n 30 "$work/apt.log" >&2; die "apt-get install $* failed (log above)"; }
  umount -l "$root/proc"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/log/* "$root"/tmp/*
  chmod 1777 "$root/tmp"
}

for image in "${todo[@]}"; do
  case "$image" in
  "$postgres_image")
    root="$work/postgres"
    cp -a "$work/base" "$root"
    # the package's postinst would create a cluster; policy-rc.d and no cluster creation keep it empty
    mkdir -p "$root/etc/postgresql-common/createcluster.d"
    echo "create_main_cluster = false" >"$root/etc/postgresql-common/createcluster.d/00-previewenv.conf"
    install_into "$root" postgresql
    bin=$(ls -d "$root"/usr/lib/postgresql/*/bin | head -n 1)
    bin=${bin#"$root"}
    [ -x "$root$bin/postgres" ] || die "no postgres binary in the image root"
    mkdir -p "$root/var/lib/postgresql/data"
    chroot "$root" chown -R postgres:postgres /var/lib/postgresql
    chmod 700 "$root/var/lib/postgresql/data"
    cat >"$root/usr/local/bin/previewenv-postgres" <<SH
#!/bin/sh
# Initialises PGDATA on first start (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB), then runs postgres.
set -eu
PGDATA=\${PGDATA:-/var/lib/postgresql/data}
user=\${POSTGRES_USER:-postgres}
db=\${POSTGRES_DB:-\$user}
if [ ! -s "\$PGDATA/PG_VERSION" ]; then
  if [ -z "\${POSTGRES_PASSWORD:-}" ]; then
    echo "previewenv-postgres: POSTGRES_PASSWORD is not set; give it from a Secret (env valueFrom.secretKeyRef)" >&2
    exit 2
  fi
  pw=\$(mktemp)
  printf '%s\n' "\$POSTGRES_PASSWORD" >"\$pw"
  $bin/initdb -D "\$PGDATA" -U "\$user" --pwfile="\$pw" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "\$pw"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"\$PGDATA/pg_hba.conf"
  if [ "\$db" != postgres ]; then
    $bin/postgres --single -D "\$PGDATA" -c unix_socket_directories=/tmp postgres >/dev/null <<SQL
CREATE DATABASE "\$db" OWNER "\$user";
SQL
  fi
  echo "previewenv-postgres: initialised \$PGDATA (user \$user, database \$db)"
fi
exec $bin/postgres -D "\$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/tmp "\$@"
SH
    chmod 755 "$root/usr/local/bin/previewenv-postgres"
    changes=(--change "USER postgres" --change "WORKDIR /var/lib/postgresql"
      --change "ENV PATH=$bin:/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data PGHOST=127.0.0.1"
      --change "EXPOSE 5432" --change 'ENTRYPOINT ["/usr/local/bin/previewenv-postgres"]')
    ;;
  "$redis_image")
    root="$work/redis"
    cp -a "$work/base" "$root"
    install_into "$root" redis-server redis-tools
    [ -x "$root/usr/bin/redis-server" ] || die "no redis-server binary in the image root"
    cat >"$root/usr/local/bin/previewenv-redis" <<'SH'
#!/bin/sh
# Runs redis-server on 6379 with REDIS_PASSWORD (written to a config file, never on the command line).
set -eu
if [ -z "${REDIS_PASSWORD:-}" ]; then
  echo "previewenv-redis: REDIS_PASSWORD is not set; give it from a Secret (env valueFrom.secretKeyRef)" >&2
  exit 2
fi
conf=$(mktemp)
chmod 600 "$conf"
printf 'bind 0.0.0.0\nport 6379\nprotected-mode no\nsave ""\nappendonly no\ndir /tmp\nrequirepass %s\n' "$REDIS_PASSWORD" >"$conf"
exec /usr/bin/redis-server "$conf" "$@"
SH
    chmod 755 "$root/usr/local/bin/previewenv-redis"
    changes=(--change "USER redis" --change "WORKDIR /tmp" --change "EXPOSE 6379"
      --change 'ENTRYPOINT ["/usr/local/bin/previewenv-redis"]')
    ;;
  esac
  log "importing $image"
  tar -C "$root" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  log "$image built ($(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1000000}'))"
  rm -rf --one-file-system "$root"
done
