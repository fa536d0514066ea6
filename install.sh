#!/usr/bin/env bash
# Builds gatehouse and installs it with its role names. Idempotent: run it again to update.
#
#   ./install.sh [--prefix DIR] [--skip-build] [--uninstall]
#
# --prefix DIR   install into DIR/bin (default: /usr/local as root, else $HOME/.local)
# --skip-build   install the dist/gatehouse already built
# --uninstall    remove what an install put in DIR/bin
set -euo pipefail

ROLE_LINKS=(git-credential-gatehouse gatehouse-access-hook gatehouse-pre-receive)
script=${BASH_SOURCE[0]}
case "$script" in */*) root=$(cd "${script%/*}" && pwd) ;; *) root=$PWD ;; esac
if [ "$EUID" = 0 ]; then prefix=/usr/local; else prefix="${HOME:?HOME is unset; pass --prefix}/.local"; fi
skip_build=0
uninstall=0

say() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --skip-build) skip_build=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done
bindir="$prefix/bin"

if [ "$uninstall" = 1 ]; then
  removed=0
  for name in gatehouse "${ROLE_LINKS[@]}"; do
    if [ -e "$bindir/$name" ] || [ -L "$bindir/$name" ]; then rm -f "$bindir/$name"; say "removed $bindir/$name"; removed=1; fi
  done
  [ "$removed" = 1 ] || say "nothing to remove in $bindir"
  exit 0
fi

command -v git >/dev/null 2>&1 || die "git is not installed; gatehouse drives git (on Debian: apt-get install git)"

if [ "$skip_build" = 0 ]; then
  command -v npm >/dev/null 2>&1 || die "npm is not installed; it fetches the build's dependencies (on Debian: apt-get install npm)"
  cd "$root"
  # npm ci is skipped when node_modules already matches the lockfile, so a second run is quick.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -x node_modules/node/bin/node ]; then
    say "installing npm dependencies (Node 24 and the build tools come from the npm registry)"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm dependencies are up to date"
  fi
  say "building dist/gatehouse"
  npm run --silent build
fi
[ -x "$root/dist/gatehouse" ] || die "$root/dist/gatehouse is missing; run without --skip-build"

mkdir -p "$bindir"
# Copy then rename, so a gatehouse that is running (a hook, the daemon) is never half-overwritten.
cp "$root/dist/gatehouse" "$bindir/.gatehouse.new.$$"
chmod 755 "$bindir/.gatehouse.new.$$"
mv -f "$bindir/.gatehouse.new.$$" "$bindir/gatehouse"
say "installed $bindir/gatehouse ($("$bindir/gatehouse" --version))"
for name in "${ROLE_LINKS[@]}"; do
  ln -sfn gatehouse "$bindir/$name"
  say "linked $bindir/$name -> gatehouse"
done

case ":$PATH:" in
  *":$bindir:"*) ;;
  *) say "note: $bindir is not on PATH; add it, e.g. export PATH=\"$bindir:\$PATH\"" ;;
esac
