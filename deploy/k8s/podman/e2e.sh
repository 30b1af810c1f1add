#!/usr/bin/env bash
# `make images-e2e`: run the kind overlay's workloads from the images `make images` built, with
# the manifests' security settings, and tests/e2e through an ingress on 127.0.0.1:$IMAGES_E2E_PORT.
# Writes bench/results/images.json and the last run's line in deploy/k8s/README.md.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_podman
build_base "$DATASTORES_IMAGE" datastores.Containerfile "$PODMAN_DIR/bases"
cd "$REPO_ROOT"
uv run --frozen python deploy/k8s/podman/system.py --port "${IMAGES_E2E_PORT:-18080}" "$@"
