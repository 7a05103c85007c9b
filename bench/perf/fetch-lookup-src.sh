#!/usr/bin/env bash
# Fetches the extra real code of the distinct lookup index (bench/perf/distinct-index.ts) into
# .cache/lookup-src/src/<package>/: Debian bookworm source packages at pinned versions, upstream tarballs
# only (Debian's packaging is not code). Idempotent. Needs a deb-src entry (bench/corpus/fetch.sh adds one).
#   bash bench/perf/fetch-lookup-src.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DEST=.cache/lookup-src
PACKAGES=(
  guava-libraries=31.1-1 libcommons-lang3-java=3.12.0-2+deb12u1 commons-math3=3.6.1-3   # Java
  protobuf=3.21.12-3+deb12u1 googletest=1.12.1-0.2                                      # C++ (protobuf: also Java, C#, Python, PHP, Ruby)
  golang-golang-x-net=1:0.7.0+dfsg-1 golang-golang-x-tools=1:0.5.0+ds-1                 # Go
  newtonsoft-json=6.0.8+dfsg-1.1                                                        # C#
)
mkdir -p "$DEST/src"
for pv in "${PACKAGES[@]}"; do
  p=${pv%%=*}
  [[ -d "$DEST/src/$p" ]] && continue
  # (the upstream tarball is all that is used; a missing Debian tarball on the mirror does not matter)
  (cd "$DEST" && apt-get source -qq --download-only "$pv" >/dev/null 2>&1 || true)
  tarball=$(ls "$DEST"/"${p}"_*.orig.tar.* 2>/dev/null | head -1 || true)
  [[ -n "$tarball" ]] || { echo "fetch-lookup-src: no upstream tarball for $pv" >&2; exit 1; }
  mkdir -p "$DEST/src/$p.tmp"
  tar -xf "$tarball" -C "$DEST/src/$p.tmp" --strip-components=1
  mv "$DEST/src/$p.tmp" "$DEST/src/$p"
  echo "fetch-lookup-src: $p"
done
