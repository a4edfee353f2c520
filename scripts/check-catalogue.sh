#!/usr/bin/env bash
# Lists every path, parameter (query and header: type, enum, lengths, ranges), field (each
# oneOf branch's too), type, limit, required and nullable flag where luagate's resource
# catalogue and ngrok's OpenAPI description of the ngrok.ai API disagree, and fails on any
# difference not listed, with its reason, in scripts/catalogue/accepted.txt. CI runs it
# against the published file that sits beside the clone (../shared/openapi/ai-gateway.yaml,
# from ngrok/ngrok-docs); by hand:
#   scripts/check-catalogue.sh [path/to/ai-gateway.yaml]
# Exit status 0 when every difference is accepted, 1 when not, 2 for bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
openapi=${1:-../shared/openapi/ai-gateway.yaml}
if [ $# -gt 1 ] || [ ! -f "$openapi" ]; then
  echo "usage: scripts/check-catalogue.sh [OPENAPI.yaml] (default ../shared/openapi/ai-gateway.yaml, not found)" >&2
  exit 2
fi
openapi=$(realpath "$openapi")
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" python3-yaml
swift build --product fake-ngrok-ai >&2
catalogue=$(mktemp)
trap 'rm -f "$catalogue"' EXIT
"$(swift build --show-bin-path)/fake-ngrok-ai" --print-catalogue > "$catalogue"
/usr/bin/python3 scripts/catalogue/compare.py "$catalogue" "$openapi" --accepted scripts/catalogue/accepted.txt
