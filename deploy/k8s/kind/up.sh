#!/usr/bin/env bash
# Create the kind cluster (if needed), build and load the images, apply the kind overlay after
# a server-side dry run, wait until everything is rolled out, and print the URL.
# KIND_EXPERIMENTAL_PROVIDER=podman runs the cluster's node in podman instead of Docker.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kind kubectl curl

if ! kind get clusters | grep -qx "$CLUSTER_NAME"; then
  kind create cluster --name "$CLUSTER_NAME" --config "$KIND_DIR/cluster.yaml" --wait 120s
fi

echo "==> ingress-nginx ($INGRESS_NGINX_VERSION)"
kc apply -f "$INGRESS_NGINX_MANIFEST"
# Pinned to the controller's defaults: X-Forwarded-For is overwritten with the address the
# controller saw, never taken from or appended to the caller's header (auth believes only it).
# Idle upstream connections close after 4 s (the default is 60 s), before the services' 5 s
# keep-alive closes them under a request the controller just sent (a reset, answered 502).
kc -n ingress-nginx patch configmap ingress-nginx-controller --type merge \
  -p '{"data":{"use-forwarded-headers":"false","compute-full-forwarded-for":"false","upstream-keepalive-timeout":"4"}}'

echo "==> images"
if [[ "${KIND_EXPERIMENTAL_PROVIDER:-docker}" == podman ]]; then
  IMAGE_BUILDER=podman "$REPO_ROOT/deploy/k8s/podman/images.sh"
  # The images are named docker.io/chatkit-botbuilder/<service>:dev in podman, which is how
  # the node's containerd reads the manifests' chatkit-botbuilder/<service>:dev.
  archives="$(mktemp -d)"
  for service in "${SERVICES[@]}"; do
    podman save --format docker-archive --output "$archives/$service.tar" \
      "docker.io/chatkit-botbuilder/$service:$IMAGE_TAG"
    kind load image-archive --name "$CLUSTER_NAME" "$archives/$service.tar"
    rm "$archives/$service.tar"
  done
  rmdir "$archives"
else
  "$REPO_ROOT/deploy/k8s/podman/images.sh"
  images=()
  for service in "${SERVICES[@]}"; do images+=("chatkit-botbuilder/$service:$IMAGE_TAG"); done
  kind load docker-image --name "$CLUSTER_NAME" "${images[@]}"
fi

kc -n ingress-nginx wait --for=condition=ready pod \
  --selector=app.kubernetes.io/component=controller --timeout=180s

echo "==> manifests"
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
kc kustomize "$REPO_ROOT/deploy/k8s/overlays/kind" >"$rendered"
# The API server validates and admits everything (schemas, Pod Security "restricted",
# defaulting) before anything changes.
kc apply --server-side --dry-run=server -f "$rendered"
kc apply --server-side -f "$rendered"

echo "==> rollout"
kc -n "$NAMESPACE" rollout status statefulset/postgres --timeout=300s
kc -n "$NAMESPACE" rollout status deployment/redis --timeout=300s
# Each application pod migrates in its init container before it starts serving.
for service in "${SERVICES[@]}"; do
  kc -n "$NAMESPACE" rollout status "deployment/$service" --timeout=300s
done

for attempt in $(seq 1 60); do
  if curl -fsS -o /dev/null "$BASE_URL/"; then break; fi
  if ((attempt == 60)); then echo "the ingress does not answer at $BASE_URL" >&2; exit 1; fi
  sleep 2
done
echo
echo "ChatKit Botbuilder is up: $BASE_URL"
echo "Logs:   kubectl --context $CONTEXT -n $NAMESPACE logs deploy/<service> -f"
echo "Tests:  make kind-e2e"
echo "Remove: make kind-down"
