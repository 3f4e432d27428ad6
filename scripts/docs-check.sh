#!/usr/bin/env bash
# make docs-check: regenerate docs/ from the provider schema, templates/ and
# examples/, validate them, check that examples/ is terraform fmt-clean, and
# fail if that left docs/ or examples/ different from what git has: the
# committed docs must be the generated ones.
#
# scripts/docs-env.sh sets up tfplugindocs' environment: the Terraform it
# reads the schema with, and a scratch folder removed on exit; the only
# repository paths written are docs/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

fail() {
  echo "docs-check: FAIL: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "go is not on PATH"
command -v git >/dev/null || fail "git is not on PATH"
command -v jq >/dev/null || fail "jq is not on PATH"
# shellcheck source=scripts/docs-env.sh
. scripts/docs-env.sh
terraform version | sed -n 1p

echo "==> tfplugindocs generate"
go tool tfplugindocs generate -provider-name l2msg

echo "==> tfplugindocs validate"
go tool tfplugindocs validate -provider-name l2msg

# Nothing hidden: every resource, data source, ephemeral resource, function,
# list resource and action the provider serves must be linked from README's
# "Documentation" index and from docs/index.md (templates/index.md.tmpl), and
# so must every guide. The list is the provider's own: the schema Terraform
# reads from the provider built into a local mirror (internal/tfrun/mirror),
# not a list kept by hand. README links the files (docs/resources/x.md, for
# GitHub); docs/index.md links the pages as the Registry serves them, relative
# to the index (docs/resources/x).
echo "==> every resource, data source, ephemeral resource, function, list resource, action and guide is in README.md and docs/index.md"
schema_dir="$work/schema"
mkdir -p "$schema_dir/config"
schema_cli=$(go run ./internal/tfrun/mirror -dir "$schema_dir")
printf 'terraform {\n  required_providers {\n    l2msg = { source = "l2msg/l2msg" }\n  }\n}\n' >"$schema_dir/config/main.tf"
TF_CLI_CONFIG_FILE="$schema_cli" terraform -chdir="$schema_dir/config" init -input=false -no-color >/dev/null ||
  fail "terraform init against the provider built into $schema_dir failed"
TF_CLI_CONFIG_FILE="$schema_cli" terraform -chdir="$schema_dir/config" providers schema -json >"$schema_dir/schema.json" ||
  fail "terraform providers schema -json failed"
# "<docs folder> <name>" per line; names lose the l2msg_ prefix, as the pages do.
pages=$(jq -er '
  .provider_schemas | to_entries | map(select(.key | endswith("/l2msg/l2msg"))) | .[0].value
  | ([(.resource_schemas // {}) | keys[] | "resources " + .],
     [(.data_source_schemas // {}) | keys[] | "data-sources " + .],
     [(.ephemeral_resource_schemas // {}) | keys[] | "ephemeral-resources " + .],
     [(.functions // {}) | keys[] | "functions " + .],
     [(.list_resource_schemas // {}) | keys[] | "list-resources " + .],
     [(.action_schemas // {}) | keys[] | "actions " + .])
  | .[] | sub(" l2msg_"; " ")' "$schema_dir/schema.json") || fail "no l2msg provider in the schema Terraform printed"
for kind in resources data-sources ephemeral-resources functions list-resources actions; do
  grep -q "^$kind " <<<"$pages" || fail "the schema lists no $kind; read with $(terraform version | sed -n 1p), which must be 1.14 or later"
done
for g in templates/guides/*.md.tmpl; do
  [ -e "$g" ] && pages+=$'\n'"guides $(basename "$g" .md.tmpl)"
done
missing=()
while read -r kind name; do
  [ -f "docs/$kind/$name.md" ] || missing+=("docs/$kind/$name.md: no such page")
  grep -qF "](docs/$kind/$name.md)" README.md || missing+=("README.md: no link to docs/$kind/$name.md")
  grep -qF "](docs/$kind/$name)" docs/index.md || missing+=("docs/index.md (templates/index.md.tmpl): no link to docs/$kind/$name")
done <<<"$pages"
if [ "${#missing[@]}" -gt 0 ]; then
  printf '    %s\n' "${missing[@]}" >&2
  fail "${#missing[@]} index entries are missing (above): add each where a user would look for it"
fi
echo "    $(wc -l <<<"$pages") pages, each linked from both"

echo "==> terraform fmt -check -recursive examples/"
terraform fmt -check -recursive -diff examples/ || fail "examples/ is not terraform fmt-clean: run make generate (or make fmt)"

echo "==> docs/ and examples/ against git"
changes=$(git status --porcelain -- docs/ examples/)
if [ -n "$changes" ]; then
  echo "$changes" >&2
  git --no-pager diff --stat -- docs/ examples/ >&2 || true
  fail "docs/ or examples/ differ from what is committed (listed above): run make generate and commit the result"
fi
echo "==> docs are up to date"
