#!/usr/bin/env bash
# pretest's build: skipped when dist/gatehouse is newer than everything that goes into it, so
# `./install.sh && npm test` builds once. A missing binary, or any input newer than it (a source,
# the build script, the hook scripts, a dependency, a folder whose entries were added or removed),
# means a build; when in doubt it builds.
#
#   scripts/build-if-stale.sh [--check] [ROOT]
#
# --check  only say: exit 0 when up to date, 1 when a build is due (nothing is built)
set -euo pipefail
check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$root"
binary=dist/gatehouse
inputs=()
for input in src scripts hooks bin package.json package-lock.json node_modules/.package-lock.json; do
  [ -e "$input" ] && inputs+=("$input")
done
stale=1
if [ -x "$binary" ] && newer=$(find "${inputs[@]}" -newer "$binary" -print -quit) && [ -z "$newer" ]; then stale=0; fi
if [ "$check" = 1 ]; then exit "$stale"; fi
if [ "$stale" = 0 ]; then
  echo "pretest: dist/gatehouse is newer than its sources; not rebuilding" >&2
  exit 0
fi
exec npm run --silent build
