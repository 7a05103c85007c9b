#!/usr/bin/env bash
# Fetches the real-code corpus of bench/quality into .cache/corpus/src/<name>/ (git-ignored), as listed in
# bench/corpus/repos.json. Idempotent: a repo whose marker file names the same origin is not fetched again.
# Sources: Debian bookworm source packages (apt-get source, pinned versions), pinned npm devDependencies
# already in node_modules, and the Python standard library installed on the machine.
# Usage: bash bench/corpus/fetch.sh [--config small|full]   (default: full = every repo in the manifest)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CONFIG=full
if [[ "${1:-}" == "--config" ]]; then CONFIG=${2:?--config needs small or full}; fi
CACHE=$ROOT/.cache/corpus
mkdir -p "$CACHE/src" "$CACHE/debian" "$CACHE/debian-bin"

# The repos to fetch as tab-separated lines: name, origin type, package, version, include paths (comma-joined).
mapfile -t LINES < <(node -e '
  const m = require(process.argv[1]);
  const config = process.argv[2];
  for (const r of m.repos) {
    if (config === "small" && !r.small) continue;
    const o = r.origin;
    console.log([r.name, o.type, o.package ?? o.path ?? "", o.version ?? "", (r.include ?? []).join(",")].join("\t"));
  }' "$ROOT/bench/corpus/repos.json" "$CONFIG")

need_debian=0
for l in "${LINES[@]}"; do [[ "$(cut -f2 <<<"$l")" == debian-* ]] && need_debian=1; done
if (( need_debian )); then
  command -v dpkg-source >/dev/null || { apt-get update -qq && apt-get install -y -qq dpkg-dev >/dev/null; }
  if ! grep -rqs '^\(deb-src\|Types: *deb-src\)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "fetch: adding a deb-src entry for bookworm main"
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/memocheck-deb-src.sources
    apt-get update -qq
  elif [[ -z "$(apt-cache showsrc zlib 2>/dev/null | head -1)" ]]; then
    apt-get update -qq
  fi
fi

copy_with_meta() { # src dir, dest dir, include list (comma-joined, may be empty)
  local src=$1 dest=$2 inc=$3
  mkdir -p "$dest"
  if [[ -z "$inc" ]]; then cp -a "$src/." "$dest/"; else
    IFS=, read -ra parts <<<"$inc"
    for p in "${parts[@]}"; do mkdir -p "$dest/$(dirname "$p")"; cp -a "$src/$p" "$dest/$p"; done
    # licence and metadata files always come along: licence detection is part of what is measured
    for f in "$src"/LICENSE* "$src"/LICENCE* "$src"/COPYING* "$src"/package.json; do [[ -e "$f" ]] && cp -a "$f" "$dest/"; done
  fi
  return 0
}

fetched=0; cached=0; failed=()
for l in "${LINES[@]}"; do
  IFS=$'\t' read -r name type pkg ver inc <<<"$l"
  dest=$CACHE/src/$name
  origin="$type $pkg $ver $inc"
  if [[ -f "$dest/.memocheck-origin" && "$(cat "$dest/.memocheck-origin")" == "$origin" ]]; then
    cached=$((cached + 1)); continue
  fi
  rm -rf "$dest" "$dest.tmp"
  case $type in
    debian-source)
      # some source packages 404 on this mirror (their .debian.tar is missing): such repos are reported as failed
      ( cd "$CACHE/debian"
        ls "${pkg}_${ver#*:}.dsc" >/dev/null 2>&1 && [[ -f "${pkg}_${ver#*:}.fetched" ]] ||
          { apt-get source --download-only -qq "$pkg=$ver" >/dev/null 2>&1 && touch "${pkg}_${ver#*:}.fetched"; } ) ||
        { echo "fetch: FAILED apt-get source $pkg=$ver" >&2; failed+=("$name"); continue; }
      dsc=$CACHE/debian/${pkg}_${ver#*:}.dsc
      dpkg-source --no-check -x "$dsc" "$dest.tmp" >/dev/null 2>&1 ||
        { echo "fetch: FAILED dpkg-source -x $dsc" >&2; rm -rf "$dest.tmp"; failed+=("$name"); continue; }
      if [[ -n "$inc" ]]; then copy_with_meta "$dest.tmp" "$dest" "$inc,debian/copyright"; rm -rf "$dest.tmp"
      else mv "$dest.tmp" "$dest"; fi
      got=$ver ;;
    debian-binary)
      # a binary package that ships source (librust-*-dev, ruby-*, python3-*, php-*): its files under usr/,
      # without docs and man pages, and its Debian copyright file as debian/copyright
      deb=$(ls "$CACHE/debian-bin/${pkg}_${ver#*:}_"*.deb 2>/dev/null | head -1 || true)
      if [[ -z "$deb" ]]; then
        ( cd "$CACHE/debian-bin" && apt-get download -qq "$pkg=$ver" >/dev/null 2>&1 ) ||
          { echo "fetch: FAILED apt-get download $pkg=$ver" >&2; failed+=("$name"); continue; }
        deb=$(ls "$CACHE/debian-bin/${pkg}_${ver#*:}_"*.deb | head -1)
      fi
      mkdir -p "$dest.tmp" && dpkg-deb -x "$deb" "$dest.tmp"
      mkdir -p "$dest/debian"
      cp "$dest.tmp/usr/share/doc/$pkg/copyright" "$dest/debian/copyright"
      rm -rf "$dest.tmp/usr/share/doc" "$dest.tmp/usr/share/man" "$dest.tmp/usr/share/lintian"
      cp -a "$dest.tmp/usr" "$dest/usr" && rm -rf "$dest.tmp"
      got=$ver ;;
    npm)
      got=$(node -p "require('$ROOT/node_modules/$pkg/package.json').version")
      [[ "$got" == "$ver" ]] || echo "fetch: WARNING node_modules/$pkg is $got, the manifest pins $ver (run npm ci)" >&2
      copy_with_meta "$ROOT/node_modules/$pkg" "$dest" "$inc" ;;
    python-stdlib)
      [[ -d "$pkg" ]] || { echo "fetch: $pkg is missing (apt-get install libpython3.11-stdlib)" >&2; exit 2; }
      got=$(dpkg-query -W -f '${Version}' libpython3.11-stdlib 2>/dev/null || echo unknown)
      copy_with_meta "$pkg" "$dest" "$inc" ;;
    *) echo "fetch: unknown origin type $type for $name" >&2; exit 2 ;;
  esac
  # no nested VCS or package folders: they are not the project's own code
  find "$dest" \( -name node_modules -o -name .git -o -name __pycache__ \) -prune -exec rm -rf {} + 2>/dev/null || true
  echo "$origin" > "$dest/.memocheck-origin"
  printf 'fetch: %-28s %-14s %-34s %6s files %8s\n' "$name" "$type" "$pkg $got" \
    "$(find "$dest" -type f | wc -l)" "$(du -sh "$dest" | cut -f1)"
  fetched=$((fetched + 1))
done
echo "fetch: $fetched fetched, $cached already cached, $(du -sh "$CACHE/src" | cut -f1) in $CACHE/src"
if (( ${#failed[@]} )); then echo "fetch: ${#failed[@]} FAILED: ${failed[*]}" >&2; exit 1; fi
