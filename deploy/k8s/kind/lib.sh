# shellcheck shell=bash disable=SC2034
# Shared settings of the kind scripts (sourced, not run).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
KIND_DIR="$REPO_ROOT/deploy/k8s/kind"
CLUSTER_NAME="${KIND_CLUSTER_NAME:-chatkit}"
NAMESPACE=chatkit
CONTEXT="kind-$CLUSTER_NAME"
IMAGE_TAG=dev
SERVICES=(auth chat-gateway mcp-tasks notes frontend)
# The last ingress-nginx release; its kind manifest runs the controller on the node labelled
# ingress-ready=true with host ports 80/443.
INGRESS_NGINX_VERSION="${INGRESS_NGINX_VERSION:-controller-v1.14.0}"
INGRESS_NGINX_MANIFEST="https://raw.githubusercontent.com/kubernetes/ingress-nginx/$INGRESS_NGINX_VERSION/deploy/static/provider/kind/deploy.yaml"
BASE_URL="${E2E_BASE_URL:-http://127.0.0.1:8088}"
# The second app, on its own ingress host (overlays/kind/ingress-errands.yaml).
ERRANDS_URL="${E2E_ERRANDS_URL:-http://errands.localhost:8088}"

kc() { kubectl --context "$CONTEXT" "$@"; }

require() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if ((${#missing[@]})); then
    echo "missing tools: ${missing[*]} (see deploy/k8s/README.md, Prerequisites)" >&2
    exit 1
  fi
}

# The docker build options of one image, in BUILD_OPTIONS: the web app has its own
# Dockerfile; the Python services share services/Dockerfile, built for one SERVICE and the
# target stage of the same name.
set_build_options() {
  if [[ "$1" == frontend ]]; then
    BUILD_OPTIONS=(--file "$REPO_ROOT/frontend/Dockerfile")
  else
    BUILD_OPTIONS=(--file "$REPO_ROOT/services/Dockerfile" --build-arg "SERVICE=$1" --target "$1")
  fi
}
