#!/usr/bin/env bash
# Installs the Debian packages the build, the example and the tests need, when missing; with
# arguments, those packages instead (`make fuzz`: clang-14 libclang-rt-14-dev; scripts/containers-env.sh:
# podman runc mmdebstrap python3-installer; tests/python/test_container_registry.py: docker-registry
# apache2-utils, a registry with htpasswd auth on loopback).
# Idempotent and quiet when everything is there; runs apt-get update once before installing.
set -euo pipefail
packages=("$@")
[ $# -gt 0 ] || packages=(
  cmake ninja-build g++ pkg-config make
  nlohmann-json3-dev libyaml-cpp-dev libzip-dev zlib1g-dev libdeflate-dev libcli11-dev libfmt-dev libpcre2-dev
  libisal-dev  # igzip: deflate of small files (src/stream/igzip.hpp), loaded at run time
  libgtest-dev googletest
  ansible-core python3-ansible-runner python3-pytest openssh-client python3-venv openssh-server iproute2
  strace  # tests/plugin/test_writes_per_event.py counts the callback plugin's writes
  locales  # localedef's sources: upstream's tests run ansible-runner with LANG=en_US.UTF-8
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
