#!/usr/bin/env bash
# Makes sure the programs the tests start for real are installed: git, and redis-server for the
# shared-state tests, openssh-server for the SSH upstream. As root with apt-get (CI, a fresh Debian machine) it installs what is
# missing; otherwise it says what to install and fails, rather than letting tests skip silently.
set -euo pipefail
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$EUID" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start a system redis and sshd; the tests start their own on free ports.
  if command -v service >/dev/null 2>&1; then
    service redis-server stop >/dev/null 2>&1 || true
    service ssh stop >/dev/null 2>&1 || true
  fi
else
  echo "test-deps: the tests need: ${missing[*]} (on Debian: sudo apt-get install ${missing[*]})" >&2
  exit 2
fi
