#!/usr/bin/env bash
# Runs every test: installs what is missing, lints the project's Lua (luacheck, with the
# luagate std of .luacheckrc), builds, then `swift test`, then the REPL tests
# (Tests/REPLTests, pytest driving the binary through a PTY).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
luacheck -q --no-color stdlib scripts/examples scripts/jobs Tests/LuaGateTests/Scripts/stdlib
swift build --build-tests "$@"
swift build --product generate-manual "$@"  # ManPageTests run it as scripts/package.sh does
swift test --skip-build "$@"
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider Tests/REPLTests
