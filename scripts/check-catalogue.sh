#!/usr/bin/env bash
# Lists every path, field, limit, required and nullable flag where luagate's resource
# catalogue and an OpenAPI description of the ngrok.ai API disagree. Run it by hand with
# ngrok's own description (openapi/ai-gateway.yaml in the ngrok/ngrok-docs repository):
#   scripts/check-catalogue.sh path/to/ai-gateway.yaml
# Exit status 0 when they agree, 1 when they differ, 2 for bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: scripts/check-catalogue.sh OPENAPI.yaml" >&2
  exit 2
fi
openapi=$(realpath "$1")
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" python3-yaml
swift build --product fake-ngrok-ai >&2
catalogue=$(mktemp)
trap 'rm -f "$catalogue"' EXIT
"$(swift build --show-bin-path)/fake-ngrok-ai" --print-catalogue > "$catalogue"
/usr/bin/python3 scripts/catalogue/compare.py "$catalogue" "$openapi"
