# Sourced by the scripts in scripts/: makes sure the Debian packages luagate
# needs are installed. As root it installs what is missing with apt-get;
# otherwise it prints the exact command and stops.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "==> installing ${missing[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 || {
      echo "apt-get could not install: ${missing[*]}" >&2; exit 1; }
  else
    echo "Missing Debian packages. Install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

ensure_swift() {
  if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then
      export PATH=/opt/swift/usr/bin:$PATH
    else
      echo "Swift 6 is not on PATH: install a Swift 6 toolchain (https://swift.org/install)." >&2
      exit 1
    fi
  fi
}

# Build-time and run-time needs: the Lua 5.4 library and headers, libedit for the REPL.
BUILD_PACKAGES=(liblua5.4-dev libedit-dev pkg-config)
# Tests also compare against the stock interpreter, load a Debian C module, lint the
# project's Lua (luacheck), make throwaway TLS certificates (openssl), and drive the REPL
# through a pseudo-terminal (pexpect, pytest).
TEST_PACKAGES=(openssl lua5.4 lua-cjson lua-lpeg lua-penlight lua-inspect lua-check lua-busted python3 python3-pexpect python3-pytest)
