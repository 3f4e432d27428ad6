#!/usr/bin/env bash
# Builds a pinned tool once per machine, not once per clone.
#
#   cached-tool.sh NAME VERSION OUT -- BUILD...
#
# The tool is kept in $L2MSG_TOOLS_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/l2msg-tools) under NAME/KEY, where KEY is
# VERSION (the pin) and the Go toolchain that builds it (a newer Go may be
# needed to lint or build code written for it), and OUT is made a symbolic
# link to it. VERSION is a version (OpenTofu's TOFU_VERSION), or
# gomod:FILE:MODULE for the version FILE requires of MODULE (the tools pinned
# in tools/go.mod). A clean clone on a machine that has built the tool before builds
# nothing; a changed pin or Go builds the new one next to the old.
#
# BUILD is run only on a miss, with every argument "{}" replaced by the file
# to write. Concurrent runs (two CI jobs) each build to a file of their own
# and rename it into place, so neither sees half a binary.
#
# L2MSG_TOOLS_CACHE=off (or no HOME) builds into OUT itself, as before.
set -euo pipefail

name=${1:?usage: cached-tool.sh NAME VERSION OUT -- BUILD...}
version=${2:?usage: cached-tool.sh NAME VERSION OUT -- BUILD...}
out=${3:?usage: cached-tool.sh NAME VERSION OUT -- BUILD...}
[ "${4:-}" = -- ] || { echo "usage: cached-tool.sh NAME VERSION OUT -- BUILD..." >&2; exit 2; }
shift 4
[ $# -gt 0 ] || { echo "cached-tool: no build command for $name" >&2; exit 2; }
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
if [[ $version == gomod:* ]]; then
  IFS=: read -r _ modfile module <<<"$version"
  version=$(awk -v m="$module" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$modfile")
  [ -n "$version" ] || { echo "cached-tool: $modfile does not require $module" >&2; exit 1; }
fi
mkdir -p "$(dirname "$out")"

# build TARGET: runs the build command with {} replaced by TARGET.
build() {
  local target=$1 args=() a
  for a in "${@:2}"; do
    if [ "$a" = "{}" ]; then args+=("$target"); else args+=("$a"); fi
  done
  "${args[@]}"
}

default_cache=
if [ -n "${XDG_CACHE_HOME:-}" ]; then
  default_cache=$XDG_CACHE_HOME/l2msg-tools
elif [ -n "${HOME:-}" ]; then
  default_cache=$HOME/.cache/l2msg-tools
fi
cache=${L2MSG_TOOLS_CACHE:-$default_cache}
case "$cache" in "" | off | /*) ;; *) cache="$PWD/$cache" ;; esac
if [ -z "$cache" ] || [ "$cache" = off ]; then
  rm -f "$out"
  build "$out" "$@"
  exit 0
fi

key="$version-$(go env GOVERSION)-$(go env GOOS)-$(go env GOARCH)"
dir="$cache/$name/$key"
bin="$dir/$name"
if [ -x "$bin" ]; then
  echo "cached-tool: $name $version from $dir" >&2
  # Keeps the entry young for the clean-up below.
  touch "$dir"
else
  if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
    echo "cached-tool: cannot write $dir; building $name $version into $out" >&2
    rm -f "$out"
    build "$out" "$@"
    exit 0
  fi
  echo "cached-tool: building $name $version into $dir" >&2
  tmp="$bin.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  build "$tmp" "$@"
  mv -f "$tmp" "$bin"
  trap - EXIT
  # Builds of other pins not used for 30 days go; a recent one may still
  # serve another clone's older checkout.
  find "$cache/$name" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -mtime +30 -exec rm -rf {} + 2>/dev/null || true
fi
# A link, not a copy: OpenTofu and golangci-lint weigh 100 MB each.
ln -sfn "$bin" "$out"
