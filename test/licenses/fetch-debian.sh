#!/usr/bin/env bash
# Downloads the Debian (bookworm) source packages of the labelled licence set into a cache folder.
# Needs a deb-src line for bookworm main (added here when missing) and apt-get; idempotent.
set -euo pipefail
CACHE="${MEMOCHECK_DEBIAN_SRC:-$(cd "$(dirname "$0")/../.." && pwd)/.cache/debian-src}"
PKGS=(zlib bc jansson lua5.4 jq curl expat pcre2 libyaml lz4 zstd gzip sed hello libffi libsodium json-c cjson
      brotli snappy yajl giflib libzip libssh2 libevent libedit popt mpdecimal libogg opus nettle less m4 patch
      bzip2 xz-utils libpng1.6 libuv1 libtasn1-6 diffutils)
if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  echo 'deb-src http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list.d/memocheck-src.list
  apt-get update -q
fi
mkdir -p "$CACHE"
cd "$CACHE"
for p in "${PKGS[@]}"; do
  if ls -d "$p"-*/debian >/dev/null 2>&1; then continue; fi
  apt-get source -q "$p" >/dev/null 2>&1 || echo "could not fetch $p" >&2
done
rm -f ./*.tar.* ./*.dsc ./*.diff.gz
ls -d */
