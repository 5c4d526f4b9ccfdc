#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine for Ferry's demo and tests: the Debian tools the tests talk to
# (a real registry server, htpasswd, skopeo as a peer, gost12sum as a reference, Chromium for UI
# tests, unzip and ip for the distribution tests), cosign v2 and v3 (built with Go, peers for the signature
# tests) and the npm dependencies (including the project's own Node 22, see docs/decisions.md).
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

# cosign as a real peer for the signature tests (test/integration/cosign-peer.test.ts): built from the
# Go module proxy, pinned, into the gitignored .tools/bin; rebuilt only when the pinned version changes.
COSIGN_VERSION=v2.4.1
if ! .tools/bin/cosign version 2>/dev/null | grep -q "GitVersion: *${COSIGN_VERSION}\$"; then
  command -v go >/dev/null || { echo "setup: cosign ${COSIGN_VERSION} needs Go to build (https://go.dev)" >&2; exit 1; }
  GOBIN="$PWD/.tools/bin" go install "github.com/sigstore/cosign/v2/cmd/cosign@${COSIGN_VERSION}"
fi
# cosign v3 too (test/integration/cosign-v3-peer.test.ts): it writes Sigstore bundles as OCI referrers,
# where v2 writes the tag scheme; its own folder, as both binaries are named cosign.
COSIGN3_VERSION=v3.1.3
if ! .tools/cosign-v3/cosign version 2>/dev/null | grep -q "GitVersion: *${COSIGN3_VERSION}\$"; then
  command -v go >/dev/null || { echo "setup: cosign ${COSIGN3_VERSION} needs Go to build (https://go.dev)" >&2; exit 1; }
  GOBIN="$PWD/.tools/cosign-v3" go install "github.com/sigstore/cosign/v3/cmd/cosign@${COSIGN3_VERSION}"
fi

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
