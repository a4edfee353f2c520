#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, then `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
swift build --build-tests "$@"
swift test --skip-build "$@"
