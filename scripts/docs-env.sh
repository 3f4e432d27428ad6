# Sourced by docs-generate.sh and docs-check.sh: the environment tfplugindocs
# runs in. It builds the provider and asks `terraform` on PATH for its schema
# (never --tf-version: that would download a Terraform). Actions and list
# resources are in that schema only from Terraform 1.14 on, so the docs are
# rendered with DOCS_TERRAFORM (default ../shared/tools/terraform-1.15.9), put
# first on PATH as `terraform`; terraform 1.11 would silently leave their
# pages out. Scratch files go to a folder removed on exit.

docs_terraform=${DOCS_TERRAFORM:-../shared/tools/terraform-1.15.9}
if [ ! -x "$docs_terraform" ]; then
  echo "docs: no Terraform at '$docs_terraform' (set DOCS_TERRAFORM): the docs need Terraform 1.14 or later to render actions and list resources" >&2
  exit 1
fi
docs_terraform=$(cd "$(dirname "$docs_terraform")" && pwd)/$(basename "$docs_terraform")

work=$(mktemp -d "${TMPDIR:-/tmp}/l2msg-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$docs_terraform" "$work/bin/terraform"
export PATH="$work/bin:$PATH"

# tfplugindocs' temp folders (provider build, terraform init) go to $work;
# Terraform gets an empty CLI configuration: no plugin cache, no
# credentials, no version check.
: >"$work/terraformrc"
export TMPDIR="$work"
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_LOG TF_LOG_PATH
