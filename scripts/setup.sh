#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine for Ferry's demo and tests: the Debian tools the tests talk to
# (a real registry server, htpasswd, skopeo as a peer, gost12sum as a reference, Chromium for UI
# tests, unzip and ip for the distribution tests) and the npm dependencies (including the project's
# own Node 22, see docs/decisions.md).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(docker-registry apache2-utils openssl skopeo gostsum chromium xvfb unzip iproute2)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]} — run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
