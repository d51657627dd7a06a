#!/usr/bin/env bash
# Installs the Debian 12 packages iosched needs, only those that are missing.
# Idempotent: a second run installs nothing and prints nothing but a summary.
# Usage: scripts/install-deps.sh [--with-browser]
#   --with-browser  also installs chromium (only the report rendering test
#                   needs it; that test skips with a message without it).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make
  libabsl-dev libboost-dev libboost-iostreams-dev libboost-filesystem-dev libboost-system-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libgnuplot-iostream-dev gnuplot-nox
  liburing-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev libssl-dev   # study files, results JSON, SHA-256
  slurm-wlm munge parallel   # make test-cluster (scripts/test-cluster.sh)
  fio e2fsprogs gzip xz-utils bzip2 zstd libzstd-dev time   # compressors: compressed-trace tests
  help2man                   # the iosched(1) man page (skipped without it)
  clang libclang-rt-14-dev   # make fuzz: libFuzzer targets (fuzz/)
)
if [[ "${1:-}" == "--with-browser" ]]; then
  packages+=(chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "install-deps: need root to install: ${missing[*]}" >&2
    echo "install-deps: run 'apt-get install ${missing[*]}' as root, then retry" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
