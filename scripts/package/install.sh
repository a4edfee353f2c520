#!/bin/sh
# Installs the luagate Debian package and makes the unprivileged user `luagate` that runs it.
# The container image's runtime stage runs this, and so does scripts/package-test.sh on the
# CI machine, so the image's install steps are tested even where no image can be built.
#   scripts/package/install.sh /path/to/luagate_<version>_<arch>.deb
set -eu
deb=${1:?usage: install.sh DEB}
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"
if ! id luagate >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/luagate --create-home --shell /usr/sbin/nologin luagate
fi
luagate --version
