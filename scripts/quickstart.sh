#!/usr/bin/env bash
# The main job on the embedded default, on a fresh machine: build, index real licensed code (lodash: MIT,
# from node_modules; the json package of the Python standard library: PSF-2.0; GNU bc: GPL-2.0-or-later,
# the Debian source package), make a workspace with planted copies, scan it and print the findings.
set -euo pipefail
cd "$(dirname "$0")/.."
export npm_config_nodedir=/usr
bash scripts/setup.sh --minimal
node esbuild.mjs
DEMO=.cache/demo
mkdir -p "$DEMO"
if [[ ! -d "$DEMO/bc" ]]; then
  if ! grep -rqs '^\(deb-src\|Types: *deb-src\)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      > /etc/apt/sources.list.d/memocheck-deb-src.sources
  fi
  command -v dpkg-source >/dev/null || { apt-get update -qq; apt-get install -y -qq dpkg-dev >/dev/null; }
  apt-get update -qq
  (cd "$DEMO" && rm -rf bc-src && mkdir bc-src && cd bc-src && apt-get source -qq bc >/dev/null 2>&1) || true
  src=$(ls -d "$DEMO"/bc-src/bc-*/ 2>/dev/null | head -1 || true)
  if [[ -n "$src" ]]; then mv "$src" "$DEMO/bc"; else echo "quickstart: could not fetch Debian's bc source; continuing without GPL code"; fi
  rm -rf "$DEMO/bc-src"
fi
node --import tsx scripts/demo.ts "$DEMO"
