#!/usr/bin/env bash
# Builds luagate and runs an example script end to end against the built-in
# sandbox (a fake of the API on loopback; no account or token needed).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}"
swift build -c release --static-swift-stdlib --product luagate >&2
.build/release/luagate --sandbox "${1:-scripts/examples/list-by-provider.lua}"
