#!/usr/bin/env bash
# Builds, or reuses from the cache, the pinned binaries that `npm run engine` runs: the Pulumi CLI, the Pulumi
# Kubernetes provider, kube-apiserver and etcd, each from the Go module pinned in tools/engine/<tool>/go.mod.
# Nothing is downloaded except Go modules through the Go module proxy.
#
# Prints the bin folder on the last line of stdout. Build times are appended to <cache>/build-times.log.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${FACE_OCR_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/face-ocr-platform/engine}"

fail() {
  echo "engine tools: $*" >&2
  exit 2
}

command -v go >/dev/null 2>&1 ||
  fail "the Go toolchain is not on PATH. npm run engine builds the Pulumi CLI, the Kubernetes provider, kube-apiserver and etcd from Go modules: install Go 1.26 or newer and make the Go module proxy reachable (GOPROXY)."
go_version="$(go env GOVERSION)"
case "$go_version" in
go1.2[6-9]* | go1.[3-9][0-9]*) ;;
*) fail "Go $go_version is too old: the pinned Pulumi CLI needs Go 1.26 or newer (tools/engine/pulumi/go.mod)." ;;
esac
command -v node >/dev/null 2>&1 || fail "node is not on PATH."

mkdir -p "$cache/bin"
export GOFLAGS="${GOFLAGS:-} -mod=readonly -trimpath"

# The cache key of one tool: its go.mod and go.sum, this script and the Go version. A change to any rebuilds it.
tool_key() {
  cat "$here/$1/go.mod" "$here/$1/go.sum" "$here/build.sh" <(echo "$go_version") | sha256sum | cut -c1-16
}

# build_tool TOOL BINARY... : runs build_<TOOL> unless every binary is cached under the tool's current key.
build_tool() {
  local tool="$1"
  shift
  local key stamp
  key="$(tool_key "$tool")"
  stamp="$cache/$tool.key"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
    local missing=0
    for bin in "$@"; do [ -x "$cache/bin/$bin" ] || missing=1; done
    if [ "$missing" = 0 ]; then
      echo "engine tools: $tool is up to date ($*)" >&2
      return
    fi
  fi
  echo "engine tools: building $tool ($*), a first build takes several minutes" >&2
  local start=$SECONDS
  (cd "$here/$tool" && "build_$tool") ||
    fail "building $tool failed (see the go output above). The Go module proxy must be reachable; GOPROXY=$(go env GOPROXY)."
  echo "$key" >"$stamp"
  printf '%s %s %ss go=%s\n' "$(date -u +%FT%TZ)" "$tool" "$((SECONDS - start))" "$go_version" >>"$cache/build-times.log"
  echo "engine tools: built $tool in $((SECONDS - start)) s" >&2
}

module_version() {
  go list -m -f '{{.Version}}' "$1"
}

build_pulumi() {
  local version
  version="$(module_version github.com/pulumi/pulumi/pkg/v3)"
  go build -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$cache/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_kubernetes() {
  # The provider's main package embeds schema-embed.json, which its release process generates with the package's own
  # generate.go; the published module lacks it. Copy the package beside this module, generate, build.
  local dir src version
  # `go list -m` names the module's folder only once the module is in the module cache: on a fresh machine it is not.
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  dir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
  [ -n "$dir" ] && [ -d "$dir/cmd/pulumi-resource-kubernetes" ] ||
    fail "the module github.com/pulumi/pulumi-kubernetes/provider/v4 has no cmd/pulumi-resource-kubernetes folder in the module cache (${dir:-not downloaded})"
  # The version the provider reports is the @pulumi/kubernetes pin, whose release commit go.mod pins.
  version="$(node -p "require('$here/../../package.json').dependencies['@pulumi/kubernetes']")"
  src="$here/kubernetes/cmd/pulumi-resource-kubernetes"
  rm -rf "$src"
  mkdir -p "$src"
  cp "$dir/cmd/pulumi-resource-kubernetes/"{main.go,generate.go,schema.json,terraform-mapping.json} "$src/"
  chmod u+w "$src"/*
  (cd "$src" && VERSION="$version" go run generate.go)
  go build -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$version" \
    -o "$cache/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
}

build_apiserver() {
  go build -ldflags "-s -w" -o "$cache/bin/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
  go build -ldflags "-s -w" -o "$cache/bin/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
  go build -ldflags "-s -w" -o "$cache/bin/etcd" go.etcd.io/etcd/server/v3
}

build_tool pulumi pulumi
build_tool kubernetes pulumi-resource-kubernetes
build_tool apiserver kube-apiserver kube-controller-manager etcd

echo "$cache/bin"
