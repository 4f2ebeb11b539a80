#!/usr/bin/env bash
# A real image registry for the tests: Debian's docker-registry (the CNCF distribution registry 2.8)
# on 127.0.0.1 with htpasswd (bcrypt) authentication, plain HTTP on loopback only.
#
#   .ci/registry.sh start [--watch PID]   install if missing, start, wait until it answers;
#                                         --watch: stop it when process PID ends (CI: .ci/run's $$)
#   .ci/registry.sh env                   the settings for the build, as shell assignments:
#                                         PREVIEWENV_REGISTRY, PREVIEWENV_REGISTRY_USERNAME,
#                                         PREVIEWENV_REGISTRY_PASSWORD (use: eval "$(... env)"),
#                                         and MAVEN_OPTS letting Jib push to this loopback registry
#   .ci/registry.sh stop                  stop it (by its recorded PID)
#
# Not the Debian package's service: the binary runs with our own configuration in a state directory
# (PREVIEWENV_REGISTRY_DIR, default /tmp/previewenv-registry; port PREVIEWENV_REGISTRY_PORT, default
# 5000). A fresh random password on every start; it is written only to the state directory (mode
# 600) and printed only by `env`. The Docker engine treats 127.0.0.0/8 registries as insecure (it
# falls back to HTTP), so the kubelet (dockershim) pulls 127.0.0.1:<port>/... with a pull secret and
# reports the registry's own words ("no basic auth credentials", "manifest unknown"). Jib needs
# jib.allowInsecureRegistries and sendCredentialsOverHttp for it: `env` sets both in MAVEN_OPTS,
# for this loopback registry only (the poms never allow insecure registries themselves). Plain HTTP
# and not self-signed TLS: with TLS the engine's HTTP fallback hides every registry error behind
# "connection reset by peer".
set -euo pipefail
umask 077
dir=${PREVIEWENV_REGISTRY_DIR:-/tmp/previewenv-registry}
port=${PREVIEWENV_REGISTRY_PORT:-5000}
user=previewenv
log() { printf '[registry] %s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

running() { [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; }

answers() { # 401 from /v2/ without credentials: up, and asking for them
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/v2/" || true)
  [ "$code" = 401 ]
}

install_packages() {
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v htpasswd >/dev/null || missing+=(apache2-utils)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    # the package's own service is never used (and needs no systemd here)
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

start() {
  local watch=""
  if [ "${1:-}" = --watch ]; then watch=${2:?--watch needs a PID}; fi
  if running && answers; then
    log "already running on 127.0.0.1:$port"
    return 0
  fi
  install_packages
  mkdir -p "$dir/data"
  local password
  password=$(openssl rand -hex 24)
  htpasswd -Bbn "$user" "$password" >"$dir/htpasswd" 2>/dev/null
  {
    printf 'PREVIEWENV_REGISTRY=127.0.0.1:%s\n' "$port"
    printf 'PREVIEWENV_REGISTRY_USERNAME=%s\n' "$user"
    printf 'PREVIEWENV_REGISTRY_PASSWORD=%s\n' "$password"
    printf 'MAVEN_OPTS="%s"\n' "${MAVEN_OPTS:+$MAVEN_OPTS }-Djib.allowInsecureRegistries=true -DsendCredentialsOverHttp=true -Djib.sendCredentialsOverHttp=true"
  } >"$dir/env"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
auth:
  htpasswd:
    realm: previewenv-registry
    path: $dir/htpasswd
EOF
  if running; then kill "$(cat "$dir/pid")" 2>/dev/null || true; fi
  setsid docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  for _ in $(seq 1 50); do
    if answers; then
      log "up on 127.0.0.1:$port (htpasswd user $user; state $dir)"
      if [ -n "$watch" ]; then
        local pid
        pid=$(cat "$dir/pid")
        # stops the registry when the watched process (the CI run) ends, however it ends
        setsid bash -c "while kill -0 $watch 2>/dev/null; do sleep 2; done; kill $pid 2>/dev/null" \
          >/dev/null 2>&1 </dev/null &
      fi
      return 0
    fi
    if ! running; then break; fi
    sleep 0.2
  done
  log "did not start; its log:"
  tail -n 20 "$dir/registry.log" >&2 || true
  return 1
}

stop() {
  if running; then
    kill "$(cat "$dir/pid")"
    log "stopped"
  fi
  rm -f "$dir/pid"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  env)
    running || { log "not running: .ci/registry.sh start"; exit 1; }
    sed 's/^/export /' "$dir/env" ;;
  *) echo "usage: $0 start [--watch PID] | env | stop" >&2; exit 2 ;;
esac
