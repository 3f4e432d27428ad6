#!/usr/bin/env bash
# make release-check: prove that .goreleaser.yml produces what the Terraform
# Registry accepts, without a GPG key and without publishing anything.
#
#   1. `goreleaser check` on the real configuration;
#   2. a snapshot release (`--snapshot --clean --skip=sign,publish`) of a copy
#      of it restricted to linux/darwin/windows x amd64/arm64, into a dist
#      folder under the system temp folder;
#   3. checks of the result: archive names, one correctly named binary per
#      zip, a SHA256SUMS that lists every zip and the manifest with the right
#      hashes (and nothing else: the Registry refuses more), and a manifest
#      whose protocol_versions match what main.go serves;
#   4. the emulator's archives: one per platform of the provider, each with a
#      working l2msg-emulator binary, and a build that takes the provider's
#      platform lists by YAML alias, so the full release matches too.
#
# Only the system temp folder is written (plus Go's own build cache); the
# repository is left as it was. Set GORELEASER=/path/to/goreleaser to skip
# building the pinned one from tools/go.mod.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

project=terraform-provider-l2msg
config="$root/.goreleaser.yml"
manifest="$root/terraform-registry-manifest.json"
# The subset built here; the real release builds every target in $config.
oses=(linux darwin windows)
arches=(amd64 arm64)

fail() {
  echo "release-check: FAIL: $*" >&2
  exit 1
}

for cmd in go git unzip tar jq sha256sum awk; do
  command -v "$cmd" >/dev/null || fail "$cmd is not on PATH"
done
[ -f "$config" ] || fail "$config is missing"
[ -f "$manifest" ] || fail "$manifest is missing"
git rev-parse --verify --quiet HEAD >/dev/null ||
  fail "the repository has no commit yet; goreleaser needs one (the snapshot version is derived from it)"

work=$(mktemp -d "${TMPDIR:-/tmp}/l2msg-release-check.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
dist="$work/dist"

# --- the pinned goreleaser ------------------------------------------------
gr=${GORELEASER:-}
if [ -z "$gr" ]; then
  echo "==> building goreleaser from tools/go.mod"
  gr="$work/bin/goreleaser"
  go -C "$root/tools" build -o "$gr" github.com/goreleaser/goreleaser/v2
fi
"$gr" --version 2>/dev/null | grep -E '^GitVersion:' || true

# --- 1. the real configuration is valid -----------------------------------
echo "==> goreleaser check"
"$gr" check --config "$config"
# The snapshot below builds both for the same subset, whatever the
# configuration says; the full release builds the emulator for the provider's
# platforms because its build takes the provider's lists by alias.
emu_build=$(awk '/^[A-Za-z_]/ { in_builds = ($0 ~ /^builds:/) } in_builds && /^  - id:/ { id = $3 } in_builds && id == "emulator"' "$config")
for key in goos goarch ignore; do
  grep -qE "^    $key: &$key\$" <(awk '/^[A-Za-z_]/ { in_builds = ($0 ~ /^builds:/) } in_builds && /^  - id:/ { id = $3 } in_builds && id == "provider"' "$config") ||
    fail "$config: the provider build must define its $key list as the anchor &$key"
  grep -qE "^    $key: \*$key\$" <<<"$emu_build" ||
    fail "$config: the emulator build must take $key from the provider's (\`$key: *$key\`), so it ships for the same platforms"
done
echo "    the emulator build takes goos, goarch and ignore from the provider's"

# --- 2. snapshot build of a restricted copy --------------------------------
# goreleaser's --single-target builds only the host platform, so the copy gets
# an explicit `targets:` list (which takes precedence over goos/goarch/ignore)
# right after each build's `binary:` line (the provider's and the emulator's),
# and its dist folder in $work.
grep -qE '^dist:' "$config" && fail "$config sets dist:; this script needs to choose it"
targets=()
for os in "${oses[@]}"; do
  for arch in "${arches[@]}"; do
    targets+=("${os}_${arch}")
  done
done
target_list=$(IFS=,; echo "${targets[*]}")
override="$work/goreleaser.yml"
awk -v targets="$target_list" '
  /^[A-Za-z_]/ { in_builds = ($0 ~ /^builds:/) }
  { print }
  in_builds && /^[ ]+binary:/ {
    match($0, /^[ ]+/)
    indent = substr($0, 1, RLENGTH)
    n = split(targets, t, ",")
    print indent "targets:"
    for (i = 1; i <= n; i++) print indent "  - " t[i]
    inserted++
  }
  END { if (inserted != 2) exit 3 }
' "$config" >"$override" || fail "could not restrict the targets: expected two builds (provider, emulator) with a binary: line each in $config"
printf '\ndist: %s\n' "$dist" >>"$override"
"$gr" check --config "$override" >/dev/null 2>&1 || {
  "$gr" check --config "$override" || true
  fail "the restricted copy of the configuration is not valid"
}

echo "==> goreleaser release --snapshot --clean --skip=sign,publish (${targets[*]})"
"$gr" release --snapshot --clean --skip=sign,publish --config "$override"

# --- 3. inspect the artifacts ------------------------------------------------
[ -f "$dist/metadata.json" ] || fail "goreleaser wrote no $dist/metadata.json"
version=$(jq -er '.version' "$dist/metadata.json") || fail "no version in metadata.json"
[[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || fail "unexpected version string: $version"
echo "==> version $version"

echo "==> artifacts in dist/"
(cd "$dist" && find . -maxdepth 1 -type f ! -name '*.json' ! -name '*.yaml' ! -name '*.yml' -printf '    %f\n' | sort)

name_re='^terraform-provider-l2msg_[0-9A-Za-z.+-]+_(linux|darwin|windows)_(amd64|arm64)\.zip$'
mapfile -t zips < <(cd "$dist" && find . -maxdepth 1 -type f -name "${project}_*.zip" -printf '%f\n' | sort)
[ "${#zips[@]}" -gt 0 ] || fail "no zip archives were produced"
for z in "${zips[@]}"; do
  [[ "$z" =~ $name_re ]] || fail "archive name does not match $name_re: $z"
done

# Exactly the expected set: one zip per target, nothing else.
expected=()
for t in "${targets[@]}"; do
  expected+=("${project}_${version}_${t}.zip")
done
got_sorted=$(printf '%s\n' "${zips[@]}" | sort)
want_sorted=$(printf '%s\n' "${expected[@]}" | sort)
[ "$got_sorted" = "$want_sorted" ] || {
  diff <(echo "$want_sorted") <(echo "$got_sorted") >&2 || true
  fail "the archives are not exactly one per target (diff: expected vs produced above)"
}

for z in "${zips[@]}"; do
  bin="${project}_v${version}"
  [[ "$z" == *_windows_* ]] && bin="$bin.exe"
  mapfile -t entries < <(unzip -Z1 "$dist/$z")
  [ "${#entries[@]}" -eq 1 ] || fail "$z holds ${#entries[@]} files (${entries[*]}); the Registry wants exactly the binary"
  [ "${entries[0]}" = "$bin" ] || fail "$z holds ${entries[0]}, want $bin"
done
echo "    every zip holds exactly one binary named ${project}_v${version}[.exe]"

sums="$dist/${project}_${version}_SHA256SUMS"
[ -f "$sums" ] || fail "no ${project}_${version}_SHA256SUMS"
manifest_name="${project}_${version}_manifest.json"
sum_of() { awk -v f="$1" '$2 == f || $2 == "*" f { print $1 }' "$sums"; }
for z in "${zips[@]}"; do
  want=$(sum_of "$z")
  [ -n "$want" ] || fail "$(basename "$sums") does not list $z"
  have=$(sha256sum "$dist/$z" | awk '{print $1}')
  [ "$want" = "$have" ] || fail "$(basename "$sums") has the wrong hash for $z"
done
want=$(sum_of "$manifest_name")
[ -n "$want" ] || fail "$(basename "$sums") does not list $manifest_name"
have=$(sha256sum "$manifest" | awk '{print $1}')
[ "$want" = "$have" ] || fail "$(basename "$sums") has the wrong hash for $manifest_name"
listed=$(awk 'END { print NR }' "$sums")
[ "$listed" -eq $((${#zips[@]} + 1)) ] || fail "$(basename "$sums") lists $listed files, want ${#zips[@]} zips + the manifest"
echo "    $(basename "$sums") lists every zip and $manifest_name, hashes match"

# The manifest as released: goreleaser uploads terraform-registry-manifest.json
# under $manifest_name; if this version also copies it into dist, check that copy.
released_manifest="$manifest"
[ -f "$dist/$manifest_name" ] && released_manifest="$dist/$manifest_name"
jq -e '.version == 1' "$released_manifest" >/dev/null || fail "$manifest_name: version must be 1"
manifest_protocols=$(jq -c '.metadata.protocol_versions' "$released_manifest")

# What main.go serves: providerserver.ServeOpts.ProtocolVersion (6 when unset),
# or an explicit tf5/tf6 server.
served=""
serve_src=$(cat main.go internal/provider/*.go 2>/dev/null || true)
if pv=$(grep -oE 'ProtocolVersion:[[:space:]]*[0-9]+' main.go | grep -oE '[0-9]+$' | head -n 1) && [ -n "$pv" ]; then
  served=$pv
elif grep -qE 'providerserver\.NewProtocol6|tf6server\.Serve' <<<"$serve_src"; then
  served=6
elif grep -qE 'providerserver\.NewProtocol5|tf5server\.Serve' <<<"$serve_src"; then
  served=5
elif grep -qE 'providerserver\.Serve\(' main.go; then
  served=6 # ServeOpts.ProtocolVersion defaults to 6
fi
[ -n "$served" ] || fail "cannot tell from main.go which plugin protocol it serves"
[ "$manifest_protocols" = "[\"$served.0\"]" ] ||
  fail "$manifest_name says protocol_versions $manifest_protocols but main.go serves protocol $served"
echo "    $manifest_name: protocol_versions $manifest_protocols, main.go serves protocol $served"

# The build flags reached the binary. -trimpath keeps -ldflags out of the
# recorded build info, so look for the -X version string in the binary itself.
host_zip="${project}_${version}_linux_amd64.zip"
if [ -f "$dist/$host_zip" ]; then
  mkdir -p "$work/unzipped"
  unzip -q -o "$dist/$host_zip" -d "$work/unzipped"
  host_bin="$work/unzipped/${project}_v${version}"
  info=$(go version -m "$host_bin")
  grep -qE 'build[[:space:]]+CGO_ENABLED=0' <<<"$info" || fail "$host_zip: binary not built with CGO_ENABLED=0"
  grep -qE 'build[[:space:]]+-trimpath=true' <<<"$info" || fail "$host_zip: binary not built with -trimpath"
  grep -qaF "$version" "$host_bin" || fail "$host_zip: the version $version is not in the binary (-X main.version)"
  echo "    $host_zip: CGO_ENABLED=0, -trimpath, version $version linked in"
fi

# --- 4. the emulator's archives ----------------------------------------------
# Module authors run the emulator outside a checkout: one archive per target,
# .zip on windows and .tar.gz elsewhere, holding the binary and LICENSE.
echo "==> the emulator's archives"
emulator=l2msg-emulator
mapfile -t emus < <(cd "$dist" && find . -maxdepth 1 -type f -name "${emulator}_*" -printf '%f\n' | sort)
expected=()
for t in "${targets[@]}"; do
  ext=tar.gz
  [[ "$t" == windows_* ]] && ext=zip
  expected+=("${emulator}_${version}_${t}.${ext}")
done
got_sorted=$(printf '%s\n' "${emus[@]}" | sort)
want_sorted=$(printf '%s\n' "${expected[@]}" | sort)
[ "$got_sorted" = "$want_sorted" ] || {
  diff <(echo "$want_sorted") <(echo "$got_sorted") >&2 || true
  fail "the emulator's archives are not exactly one per target of the provider (diff: expected vs produced above)"
}
for a in "${emus[@]}"; do
  bin=$emulator
  [[ "$a" == *_windows_* ]] && bin="$bin.exe"
  if [[ "$a" == *.zip ]]; then
    entries=$(unzip -Z1 "$dist/$a" | sort)
  else
    entries=$(tar -tzf "$dist/$a" | sort)
  fi
  [ "$entries" = "$(printf '%s\n' LICENSE "$bin" | sort)" ] ||
    fail "$a holds $(echo "$entries" | tr '\n' ' '), want $bin and LICENSE"
done
echo "    ${#emus[@]} archives, one per target, each holding $emulator[.exe] and LICENSE"
host_emu="${emulator}_${version}_linux_amd64.tar.gz"
if [ -f "$dist/$host_emu" ] && [ "$(go env GOOS)_$(go env GOARCH)" = linux_amd64 ]; then
  mkdir -p "$work/emulator"
  tar -xzf "$dist/$host_emu" -C "$work/emulator"
  # Captured first: grep -q would close the pipe early and, under pipefail,
  # fail on the emulator's SIGPIPE rather than on its output.
  help=$("$work/emulator/$emulator" -h 2>&1) || fail "$host_emu: $emulator -h failed: $help"
  grep -q -- '-api-key' <<<"$help" || fail "$host_emu: $emulator -h does not print the emulator's flags"
  echo "    $host_emu: $emulator -h prints its flags"
fi

echo "==> release-check passed: ${#zips[@]} archives, SHA256SUMS and manifest for $version; ${#emus[@]} emulator archives"
for z in "${zips[@]}" "$(basename "$sums")" "$manifest_name" "${emus[@]}"; do
  echo "    $z"
done
