#!/usr/bin/env bash
# `make images-startup`: start to ready of each Python service image (deploy/k8s/podman/startup.py),
# from the images `make images` built. Run it without nice: the containers inherit its priority.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_podman
build_base "$DATASTORES_IMAGE" datastores.Containerfile "$PODMAN_DIR/bases"
cd "$REPO_ROOT"
uv run --frozen python deploy/k8s/podman/startup.py --port "${IMAGES_E2E_PORT:-18080}" "$@"
