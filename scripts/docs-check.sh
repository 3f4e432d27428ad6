#!/usr/bin/env bash
# make docs-check: regenerate docs/ from the provider schema, templates/ and
# examples/, validate them, check that examples/ is terraform fmt-clean, and
# fail if that left docs/ or examples/ different from what git has: the
# committed docs must be the generated ones.
#
# tfplugindocs builds the provider and asks the terraform on PATH for its
# schema (never --tf-version: that would download a Terraform). Its scratch
# files and Terraform's go to a folder under the system temp folder, removed
# on exit; the only repository paths written are docs/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

fail() {
  echo "docs-check: FAIL: $*" >&2
  exit 1
}

command -v go >/dev/null || fail "go is not on PATH"
command -v git >/dev/null || fail "git is not on PATH"
# Without a terraform on PATH tfplugindocs would try to download one.
command -v terraform >/dev/null || fail "terraform is not on PATH; tfplugindocs needs it to read the provider schema"

work=$(mktemp -d "${TMPDIR:-/tmp}/l2msg-docs-check.XXXXXX")
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# Keep tfplugindocs' temp folders (provider build, terraform init) in $work,
# and give Terraform an empty CLI configuration: no plugin cache, no
# credentials, no version check.
: >"$work/terraformrc"
export TMPDIR="$work"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_LOG TF_LOG_PATH

echo "==> tfplugindocs generate"
go tool tfplugindocs generate -provider-name l2msg

echo "==> tfplugindocs validate"
go tool tfplugindocs validate -provider-name l2msg

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
