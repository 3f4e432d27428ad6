#!/usr/bin/env bash
# make demo: build the provider and the emulator, start the emulator on
# loopback, and run terraform init/apply/destroy on examples/quickstart.
# Everything it writes goes to one folder under the system temp folder,
# removed on exit; the repository is left as it was.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
command -v terraform >/dev/null || { echo "demo: terraform is not on PATH" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/l2msg-demo.XXXXXX")
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Terraform picks the provider from a local mirror laid out like the
# registry, so `terraform init` runs for real and nothing is downloaded; the
# tests build the same mirror (internal/tfrun).
echo "==> building the provider and the emulator"
cli_config=$(cd "$root" && go run ./internal/tfrun/mirror -dir "$work")
(cd "$root" && go build -o "$work/l2msg-emulator" ./cmd/l2msg-emulator)

api_key="demo-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
echo "==> starting the emulator on loopback"
L2MSG_EMULATOR_API_KEY="$api_key" "$work/l2msg-emulator" -listen 127.0.0.1:0 -prefix /whatsapp \
  -addr-file "$work/addr" 2>"$work/emulator.log" &
emu_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/addr" ] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/addr" ] || { echo "demo: the emulator did not start" >&2; exit 1; }
base_url="http://$(cat "$work/addr")/whatsapp"
echo "    $base_url"

export TF_CLI_CONFIG_FILE="$cli_config" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export TF_VAR_base_url="$base_url" TF_VAR_api_key="$api_key"

cp -R "$root/examples/quickstart" "$work/quickstart"
cd "$work/quickstart"
rm -rf .terraform .terraform.lock.hcl terraform.tfstate*

echo "==> terraform init"
terraform init -input=false -no-color >/dev/null
echo "==> terraform apply"
terraform apply -input=false -auto-approve -no-color
echo "==> the instance it made"
terraform state show -no-color l2msg_instance.demo
echo "==> a second plan shows no changes"
terraform plan -input=false -detailed-exitcode -no-color >/dev/null && echo "    no changes"
echo "==> terraform destroy"
terraform destroy -input=false -auto-approve -no-color | tail -n 1
echo "==> done; the emulator is stopped and $work removed"
