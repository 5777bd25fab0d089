#!/usr/bin/env bash
# Builds container images from Debian's archive and this build only (no registry), and prints
# the image's name as its last line.          Usage: scripts/ee-image.sh [base|ee]
#   base  Debian (this machine's release) with python3, ansible-core, openssh-client and the
#         shared libraries our executable links: what the container tests run jobs in.
#   ee    (default; `make ee-image`) base + our runner: the `ansible-runner` executable, its
#         callback plugin and the `ansible_runner` package for the image's python3 (docs/containers.md).
# Each image is tagged with a hash of what it is made from, and reused while that stays the same.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(realpath -m "${BUILD:-$root/build}")
which=${1:-ee}
# shellcheck source=scripts/containers-env.sh
. "$root/scripts/containers-env.sh"
work=$BUILD/ee
mkdir -p "$work"
# One build at a time per build dir: tests that need an image run in parallel (ctest -j), and
# two of them building the same image would share rootfs.tar and the context dir.
exec 9>"$work/.lock"
flock 9

hash_of() { sha256sum | cut -c1-16; }

# The runtime libraries of our executable and module, as Debian package names: those the build's
# executable loads, and the shared libraries of our dependencies (the build's executable links
# them statically, the wheel's executable and module do not: cmake/Dependencies.cmake), and
# libisal, which the zip writer loads when it is there (src/stream/igzip.hpp).
runtime_packages() {
  local multiarch
  multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
  { ldd "$BUILD/ansible-runner" | awk '/=> \//{print $3}'
    for lib in yaml-cpp deflate pcre2-8 z isal; do echo "/usr/lib/$multiarch/lib$lib.so"; done
  } | sort -u | while read -r lib; do
    local real
    [ -e "$lib" ] || continue
    real=$(realpath "$lib")
    # Merged /usr: dpkg may know a library by its /lib path.
    dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
  done | cut -d: -f1 | sort -u | grep -v -E '^(libc6|libgcc-s1|libstdc\+\+6|libasan[0-9]*|libubsan[0-9]*)$' || true
}

base_image() {
  [ -x "$BUILD/ansible-runner" ] || { echo "ee-image: build first (make build): no $BUILD/ansible-runner" >&2; exit 1; }
  local codename sources packages tag
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources=/etc/apt/sources.list
  packages=$( (printf '%s\n' python3 ansible-core openssh-client sshpass libstdc++6; runtime_packages) | sort -u | paste -sd, -)
  tag=localhost/ansible-runner-cpp-base:$( (echo "$codename $packages"; cat "$sources") | hash_of)
  if ! podman image exists "$tag"; then
    echo "ee-image: building $tag from Debian $codename ($packages)" >&2
    rm -f "$work/rootfs.tar"
    mmdebstrap --quiet --variant=minbase --include="$packages" "$codename" "$work/rootfs.tar" "$sources" >&2
    podman import --quiet "$work/rootfs.tar" "$tag" >/dev/null
    rm -f "$work/rootfs.tar"
  fi
  echo "$tag"
}

ee_image() {
  local base layer tag
  base=$(base_image)
  "$root/scripts/python-venvs.sh" "$BUILD" ours-wheel >&2
  layer=$work/context/layer
  rm -rf "$work/context"
  mkdir -p "$layer"
  cp "$root/ee/Containerfile" "$work/context/"
  # Debian's scheme for prefix /usr is /usr/local/{bin,lib/python3.X/dist-packages,share}.
  /usr/bin/python3 -m installer --destdir="$layer" --prefix=/usr "$BUILD"/py/wheel/*.whl
  # The tag hashes what goes into the image; the wheel's own bytes carry timestamps.
  tag=localhost/ansible-runner-cpp-ee:$( (echo "$base"; cat "$root/ee/Containerfile";
    cd "$layer" && find . -type f -print0 | sort -z | xargs -0 sha256sum) | hash_of)
  if ! podman image exists "$tag"; then
    echo "ee-image: building $tag" >&2
    podman build --quiet --network=none --build-arg BASE="$base" -t "$tag" "$work/context" >/dev/null
  fi
  podman tag "$tag" localhost/ansible-runner-cpp-ee:latest
  echo "$tag"
}

case $which in
  base) base_image ;;
  ee) ee_image ;;
  *) echo "usage: $0 [base|ee]" >&2; exit 2 ;;
esac
