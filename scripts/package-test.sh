#!/usr/bin/env bash
# Installs the Debian package on this machine as a user would and checks what it gives:
# the binaries, an example in the sandbox, the man pages, the completions, the editor files,
# busted with luagate as its interpreter; then removes it and checks that nothing is left.
# Needs root (apt-get). Used by .ci/run after scripts/package.sh.
#   scripts/package-test.sh .build/package/luagate_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
DEB=$(realpath "${1:?usage: scripts/package-test.sh DEB}")
. scripts/lib/ensure-packages.sh
ensure_packages man-db lua-busted openssl
step() { echo "==> $*" >&2; }

step "scripts/package/install.sh $DEB (what the container image runs)"
scripts/package/install.sh "$DEB" >&2
id luagate > /dev/null
FILES=$(dpkg -L luagate)
test "$(command -v luagate)" = /usr/bin/luagate
step "luagate --version: $(luagate --version)"
step "fake-ngrok-ai --help"
fake-ngrok-ai --help > /dev/null
step "an installed example in the sandbox"
luagate --sandbox /usr/share/doc/luagate/examples/list-by-provider.lua | grep -q "aigpk_"
step "the installed example account file plans in the sandbox (2: changes pending)"
status=0; OPENAI_PROD_KEY=sk-example luagate --sandbox --plan /usr/share/doc/luagate/examples/account/platform.lua --detailed-exitcode >/dev/null || status=$?
test "$status" -eq 2
test -f /usr/share/doc/luagate/deploy/ci/github-actions.yml && test -f /usr/share/doc/luagate/deploy/ci/gitlab-ci.yml
step "man -l"
man -l /usr/share/man/man1/luagate.1.gz 2>/dev/null | grep -q "luagate"
man -l /usr/share/man/man1/fake-ngrok-ai.1.gz 2>/dev/null | grep -q "fake-ngrok-ai"
# The real synopsis (no subcommand), every section and exit status (scripts/package/manpage.lua).
PAGE=$(MANWIDTH=200 man -l /usr/share/man/man1/luagate.1.gz 2>/dev/null)
if grep -qi "subcommand" <<< "$PAGE"; then echo "luagate(1) names a subcommand" >&2; exit 1; fi
for heading in SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" "SEE ALSO"; do
  grep -q "^$heading\$" <<< "$PAGE" || { echo "luagate(1) has no $heading" >&2; exit 1; }
done
for status in 0 1 2 3 4 5 124 130 143; do
  sed -n '/^EXIT STATUS$/,/^SEE ALSO$/p' <<< "$PAGE" | grep -Eq "^ +$status +[A-Z-]" \
    || { echo "luagate(1) does not explain exit status $status" >&2; exit 1; }
done
grep -q "AI_GATEWAY_API_KEY" <<< "$PAGE"
grep -q "/usr/share/doc/luagate/examples/" <<< "$PAGE"
if MANWIDTH=200 man -l /usr/share/man/man1/fake-ngrok-ai.1.gz 2>/dev/null | grep -qi "subcommand"; then
  echo "fake-ngrok-ai(1) names a subcommand" >&2; exit 1
fi
MANWIDTH=200 man -l /usr/share/man/man1/fake-ngrok-ai.1.gz 2>/dev/null | grep -q "^EXIT STATUS$"
step "bash -n on the bash completion"
bash -n /usr/share/bash-completion/completions/luagate
step "the editor files and the luacheck std"
test -f /usr/share/luagate/luagate.lua && test -f /usr/share/luagate/luagate/plan.lua
lua5.4 -e 'local std = dofile("/usr/share/luagate/luacheckrc") assert(std.read_globals.accessKeys.fields.create)'
step "busted --lua=luagate on the example spec"
LUAGATE_SANDBOX=1 busted --lua=/usr/bin/luagate scripts/examples/spec >&2

step "HTTPS: the installed fake with a throwaway CA, luagate trusting it with --ca-file"
TLS=$(mktemp -d)
(cd "$TLS"
 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=ca 2>/dev/null
 openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=server 2>/dev/null
 echo "subjectAltName=IP:127.0.0.1" > ext
 openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 1 -extfile ext 2>/dev/null)
coproc FAKE { exec fake-ngrok-ai --tls-cert "$TLS/server.pem" --tls-key "$TLS/server.key" --token t --keys 3; }
read -r _ _ URL <&"${FAKE[0]}"
test "$(AI_GATEWAY_API_KEY=t luagate --base-url "$URL" --ca-file "$TLS/ca.pem" -e 'print(#providerKeys.list())')" = 3
if AI_GATEWAY_API_KEY=t luagate --base-url "$URL" -e 'providerKeys.list()' 2> "$TLS/err"; then exit 1; fi
grep -q "tls: the server's certificate is not trusted" "$TLS/err"
kill "$FAKE_PID"; wait "$FAKE_PID" || true
rm -rf "$TLS"

step "luagate runs as the unprivileged user"
su -s /bin/sh luagate -c 'luagate -e "print(os.getenv(\"HOME\"))"' | grep -q /var/lib/luagate
step "apt-get purge luagate"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq luagate >&2
userdel -r luagate 2>/dev/null || true
left=0
while IFS= read -r path; do
  if [ -f "$path" ] || [ -L "$path" ]; then echo "left behind: $path" >&2; left=1; fi
done <<< "$FILES"
[ "$left" -eq 0 ] || exit 1
! command -v luagate >/dev/null
echo "package test: installed, used and removed cleanly" >&2
