#!/usr/bin/env bash
# Builds the Debian package luagate_<version>_<arch>.deb with plain dpkg-deb from the release
# build (static Swift runtime, stripped; debug symbols kept apart in luagate.debug and
# fake-ngrok-ai.debug): both binaries, man pages made by swift-argument-parser's
# generate-manual from the same help text as --help (finished by scripts/package/manpage.lua:
# synopsis, ENVIRONMENT, FILES, EXIT STATUS, SEE ALSO), bash/zsh/fish completions, the examples
# (folders too) and jobs, the CI jobs of scripts/deploy/ci/, the editor definitions and the
# luacheck std. Depends are computed from the binaries' shared libraries (dpkg-shlibdeps).
# Checked with lintian when it is installed.
#   scripts/package.sh            # -> .build/package/luagate_<version>_<arch>.deb
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/ensure-packages.sh
ensure_swift
ensure_packages "${BUILD_PACKAGES[@]}" dpkg-dev binutils gzip lintian
VERSION=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/LuaGate/Version.swift)
ARCH=$(dpkg --print-architecture)
OUT=${PACKAGE_OUT:-.build/package}
mkdir -p "$OUT"
OUT=$(realpath "$OUT")

echo "==> building luagate $VERSION ($ARCH)" >&2
swift build -c release --static-swift-stdlib --product luagate >&2
swift build -c release --static-swift-stdlib --product fake-ngrok-ai >&2
swift build -c release --product generate-manual >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/luagate_${VERSION}_${ARCH}
DOC=$ROOT/usr/share/doc/luagate

mkdir -p "$WORK/man"
for tool in luagate fake-ngrok-ai; do
  install -D -m 0755 "$BIN/$tool" "$ROOT/usr/bin/$tool"
  objcopy --only-keep-debug "$ROOT/usr/bin/$tool" "$OUT/$tool.debug"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$ROOT/usr/bin/$tool"
  objcopy --add-gnu-debuglink="$OUT/$tool.debug" "$ROOT/usr/bin/$tool"
  "$BIN/generate-manual" "$ROOT/usr/bin/$tool" --date "$(git log -1 --format=%cs 2>/dev/null || date -u +%F)" \
    --authors "the luagate developers" --output-directory "$WORK/man" >&2
  # generate-manual writes the page of a command with subcommands and a generic exit status;
  # scripts/package/manpage.lua makes it this tool's (real synopsis, paragraphs, ENVIRONMENT,
  # FILES, every exit status, SEE ALSO), run by the luagate just built: a Lua interpreter.
  install -d "$ROOT/usr/share/man/man1"
  "$ROOT/usr/bin/luagate" -E scripts/package/manpage.lua "$tool" "$WORK/man/$tool.1" > "$ROOT/usr/share/man/man1/$tool.1"
  if command -v groff >/dev/null; then
    warnings=$(LC_ALL=C.UTF-8 groff -mandoc -ww -z "$ROOT/usr/share/man/man1/$tool.1" 2>&1)
    [ -z "$warnings" ] || { echo "$tool.1: $warnings" >&2; exit 1; }
  fi
  chmod 0644 "$ROOT/usr/share/man/man1/$tool.1"
  gzip -9n "$ROOT/usr/share/man/man1/$tool.1"
done

# Completions, from the argument parser that parses the command line.
install -d "$ROOT/usr/share/bash-completion/completions" "$ROOT/usr/share/zsh/vendor-completions" \
  "$ROOT/usr/share/fish/vendor_completions.d"
"$ROOT/usr/bin/luagate" --generate-completion-script bash | sed '1{/^#!/d}' > "$ROOT/usr/share/bash-completion/completions/luagate"
"$ROOT/usr/bin/luagate" --generate-completion-script zsh > "$ROOT/usr/share/zsh/vendor-completions/_luagate"
"$ROOT/usr/bin/luagate" --generate-completion-script fish > "$ROOT/usr/share/fish/vendor_completions.d/luagate.fish"
chmod 0644 "$ROOT"/usr/share/*/completions/* "$ROOT"/usr/share/zsh/vendor-completions/* "$ROOT"/usr/share/fish/vendor_completions.d/*

# Editor definitions and the luacheck std, written by the packaged binary itself.
"$ROOT/usr/bin/luagate" --types "$ROOT/usr/share/luagate" 2>/dev/null

# Documentation: examples and jobs, the README, copyright, changelog.
install -d "$DOC/examples" "$DOC/jobs"
install -m 0644 scripts/examples/*.lua "$DOC/examples/"
install -m 0644 scripts/jobs/*.lua "$DOC/jobs/"
# Examples that are a folder (account/: an account file and the files it includes) keep it; the
# specs (spec/) are the repository's tests. The CI jobs of declarative accounts under deploy/ci/.
(cd scripts/examples && find . -mindepth 2 -type f ! -path './spec/*' -printf '%P\0') |
  while IFS= read -r -d '' file; do install -D -m 0644 "scripts/examples/$file" "$DOC/examples/$file"; done
install -d "$DOC/deploy/ci"
install -m 0644 scripts/deploy/ci/* "$DOC/deploy/ci/"
install -m 0644 README.md "$DOC/README.md"
gzip -9n "$DOC/README.md"
sed "s/@VERSION@/$VERSION/; s/@DATE@/$(date -u -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")/" \
  scripts/package/changelog > "$DOC/changelog"
gzip -9n "$DOC/changelog"
install -m 0644 scripts/package/copyright "$DOC/copyright"
# The static Swift runtime carries its own zlib; nothing else of the package embeds a library.
install -D -m 0644 scripts/package/lintian-overrides "$ROOT/usr/share/lintian/overrides/luagate"

# Depends, from the binaries' real shared libraries.
mkdir -p "$WORK/shlibs/debian"
printf 'Source: luagate\n\nPackage: luagate\nArchitecture: any\n' > "$WORK/shlibs/debian/control"
DEPENDS=$(cd "$WORK/shlibs" && dpkg-shlibdeps -O -e"$ROOT/usr/bin/luagate" -e"$ROOT/usr/bin/fake-ngrok-ai" 2>/dev/null \
  | sed -n 's/^shlibs:Depends=//p')
SIZE=$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)

install -d "$ROOT/DEBIAN"
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" -e "s/@SIZE@/$SIZE/" \
  scripts/package/control > "$ROOT/DEBIAN/control"
(cd "$ROOT" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$ROOT/DEBIAN/md5sums"
chmod 0644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/md5sums"

DEB="$OUT/luagate_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$DEB" >&2
echo "==> $DEB ($(du -h "$DEB" | cut -f1)); Depends: $DEPENDS" >&2
if command -v lintian >/dev/null; then
  lintian --fail-on error --suppress-tags statically-linked-binary "$DEB" >&2
fi
echo "$DEB"
