# shellcheck shell=bash disable=SC2034
# Shared settings of the podman scripts (sourced, not run): the image list and build options
# come from the kind scripts, so both build the same images the same way.
source "$(dirname "${BASH_SOURCE[0]}")/../kind/lib.sh"

PODMAN_DIR="$REPO_ROOT/deploy/k8s/podman"
export CONTAINERS_CONF="$PODMAN_DIR/containers.conf"
# Fully qualified, so that the names the manifests use (chatkit-botbuilder/<service>:dev,
# which Kubernetes reads as docker.io/...) find these images after `kind load`.
IMAGE_PREFIX=docker.io/chatkit-botbuilder
# Local stand-ins for the base images of the Dockerfiles, which are out of reach when no
# container registry is (services/Dockerfile and frontend/Dockerfile take them as build args).
BASE_PREFIX=localhost/chatkit-base
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DEBIAN_IMAGE="$BASE_PREFIX/debian:$DEBIAN_SUITE"
PYTHON_BASE_IMAGE="$BASE_PREFIX/python:3.11-$DEBIAN_SUITE"
NGINX_BASE_IMAGE="$BASE_PREFIX/nginx:$DEBIAN_SUITE"
DATASTORES_IMAGE="$BASE_PREFIX/datastores:$DEBIAN_SUITE"
# The uv release services/Dockerfile copies uv from (ARG UV_IMAGE=ghcr.io/astral-sh/uv:<version>).
UV_VERSION="$(sed -n 's|^ARG UV_IMAGE=.*:\([0-9.]*\)$|\1|p' "$REPO_ROOT/services/Dockerfile")"
UV_BASE_IMAGE="$BASE_PREFIX/uv:$UV_VERSION"
# The web app's build tools (vite) need Node.js 20.19 or later.
NODE_MINIMUM=20.19.0

image_name() { echo "$IMAGE_PREFIX/$1:$IMAGE_TAG"; }

# podman, runc and debootstrap from Debian, installed on first use (needs root).
ensure_podman() {
  local missing=()
  for tool in podman runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  ((${#missing[@]})) || return 0
  if ((EUID != 0)); then
    echo "missing: ${missing[*]}; install podman, runc, debootstrap, netavark and aardvark-dns (as root)" >&2
    exit 1
  fi
  echo "==> installing podman, runc, debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman runc debootstrap netavark aardvark-dns fuse-overlayfs iptables uidmap ca-certificates >/dev/null
}

image_exists() { podman image exists "$1"; }

# Builds go through the host's network and trust what the host trusts: packages come from the
# Debian, PyPI and npm registries the machine reaches, possibly through a TLS-inspecting proxy.
# (Base images install packages from Debian over plain HTTP and get no such mount: it would
# keep ca-certificates from writing the bundle.)
HOST_CA_BUNDLE="${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
build() { podman build --network host --layers "$@"; }
build_trusting_host() {
  build --volume "$HOST_CA_BUNDLE:/etc/ssl/certs/ca-certificates.crt:ro" "$@"
}

# A base image from one of bases/*.Containerfile on top of DEBIAN_IMAGE, unless it exists
# (REBUILD_BASES=1 rebuilds it).
build_base() { # <image> <Containerfile> <context> [build options...]
  local image="$1" containerfile="$2" context="$3"
  shift 3
  if [[ "${REBUILD_BASES:-0}" != 1 ]] && image_exists "$image"; then return 0; fi
  echo "==> base image $image"
  build --file "$PODMAN_DIR/bases/$containerfile" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    "$@" --tag "$image" "$context"
}
