#!/usr/bin/env bash
# Builds OpenTofu from its Go module into the given path (the acceptance test
# matrix runs it; see `make tofu`). Usage: build-tofu.sh VERSION OUTPUT
#
# Why not `go install github.com/opentofu/opentofu/cmd/tofu@vX`: OpenTofu's
# go.mod replaces github.com/hashicorp/hcl/v2 with its own fork, a module
# version fetched like any other dependency. Replace directives only apply
# when the module is the main module, so `go install pkg@version` refuses such
# a module, and building it as a dependency would compile against upstream hcl,
# which is not the tofu that users run. Building in a writable copy of the
# module makes it the main module: the fork is fetched through the Go module
# proxy and go.sum checks it, so nothing but Go modules is downloaded.
set -euo pipefail

version=${1:?usage: build-tofu.sh VERSION OUTPUT}
out=${2:?usage: build-tofu.sh VERSION OUTPUT}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
mkdir -p "$(dirname "$out")"

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# Outside any module, so the download touches neither our go.mod nor go.sum.
dir=$(cd "$work" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ] || [ ! -f "$dir/go.mod" ]; then
  echo "build-tofu: could not download github.com/opentofu/opentofu@v$version" >&2
  exit 1
fi

# The module cache is read-only.
cp -R "$dir" "$work/src"
chmod -R u+w "$work/src"

# The flags of OpenTofu's own release build: version.dev=no makes
# `tofu version` say exactly $version instead of "$version-dev", which matters
# to the tests' tfversion checks.
echo "build-tofu: building tofu $version (a few minutes on 2 cores)" >&2
(cd "$work/src" && GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 \
  go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$out.tmp" ./cmd/tofu)
mv "$out.tmp" "$out"
"$out" version
