#!/usr/bin/env bash
# Build every image (`make images`) with a Docker engine if there is one (IMAGE_BUILDER=podman
# skips it), otherwise with podman: local base images first (Debian by debootstrap, then
# Python, uv, Node.js and nginx on top), then each image of SERVICES from its Dockerfile with
# those bases as build arguments, tagged as the kind overlay expects.
# REBUILD_BASES=1 rebuilds the base images too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# With a Docker engine, the images are built by it from their real base images.
if [[ "${IMAGE_BUILDER:-}" != podman ]] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  for service in "${SERVICES[@]}"; do
    echo "==> chatkit-botbuilder/$service:$IMAGE_TAG (docker)"
    set_build_options "$service"
    docker build "${BUILD_OPTIONS[@]}" --tag "chatkit-botbuilder/$service:$IMAGE_TAG" "$REPO_ROOT"
  done
  exit 0
fi

ensure_podman
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

debian_base() {
  if [[ "${REBUILD_BASES:-0}" != 1 ]] && image_exists "$DEBIAN_IMAGE"; then return 0; fi
  echo "==> base image $DEBIAN_IMAGE (debootstrap $DEBIAN_SUITE, minbase)"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # Downloaded packages, package lists, documentation and translations are not needed to run.
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
    "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/*
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$work/rootfs"
}

uv_base() {
  if [[ "${REBUILD_BASES:-0}" != 1 ]] && image_exists "$UV_BASE_IMAGE"; then return 0; fi
  echo "==> base image $UV_BASE_IMAGE (the uv wheel from PyPI)"
  mkdir -p "$work/uv"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work/uv" "uv==$UV_VERSION"
  python3 - "$work/uv" <<'PYTHON'
import pathlib, sys, zipfile
folder = pathlib.Path(sys.argv[1])
with zipfile.ZipFile(next(folder.glob("uv-*.whl"))) as wheel:
    for name in ("uv", "uvx"):
        member = next(m for m in wheel.namelist() if m.endswith(f".data/scripts/{name}"))
        target = folder / name
        target.write_bytes(wheel.read(member))
        target.chmod(0o755)
PYTHON
  build_base "$UV_BASE_IMAGE" uv.Containerfile "$work/uv"
}

node_base() {
  local node version npm
  node="$(command -v node)" || { echo "Node.js $NODE_MINIMUM or later is needed to build the web app" >&2; exit 1; }
  version="$("$node" --version)"
  version="${version#v}"
  if [[ "$(printf '%s\n%s\n' "$NODE_MINIMUM" "$version" | sort -V | head -1)" != "$NODE_MINIMUM" ]]; then
    echo "Node.js $version is older than $NODE_MINIMUM, which the web app's build needs" >&2
    exit 1
  fi
  NODE_BASE_IMAGE="$BASE_PREFIX/node:$version-$DEBIAN_SUITE"
  if [[ "${REBUILD_BASES:-0}" != 1 ]] && image_exists "$NODE_BASE_IMAGE"; then return 0; fi
  npm="$(dirname "$(readlink -f "$(command -v npm)")")/.."
  mkdir -p "$work/node"
  cp "$(readlink -f "$node")" "$work/node/node"
  cp -r "$(readlink -f "$npm")" "$work/node/npm"
  build_base "$NODE_BASE_IMAGE" node.Containerfile "$work/node"
}

debian_base
build_base "$PYTHON_BASE_IMAGE" python.Containerfile "$PODMAN_DIR/bases"
build_base "$NGINX_BASE_IMAGE" nginx.Containerfile "$PODMAN_DIR/bases"
uv_base
node_base

for service in "${SERVICES[@]}"; do
  echo "==> $(image_name "$service")"
  set_build_options "$service"
  build_trusting_host "${BUILD_OPTIONS[@]}" \
    --build-arg "PYTHON_IMAGE=$PYTHON_BASE_IMAGE" --build-arg "UV_IMAGE=$UV_BASE_IMAGE" \
    --build-arg "NODE_IMAGE=$NODE_BASE_IMAGE" --build-arg "NGINX_IMAGE=$NGINX_BASE_IMAGE" \
    --tag "$(image_name "$service")" "$REPO_ROOT"
done
# Layers of builds from more than a day ago that no tag uses any more (newer ones are the
# layer cache of the next build).
podman image prune --force --filter until=24h >/dev/null
podman images --filter "reference=$IMAGE_PREFIX/*" --format '{{.Repository}}:{{.Tag}}  {{.Size}}'
