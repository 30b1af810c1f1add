#!/usr/bin/env bash
# Run the black-box suite tests/e2e against the cluster's ingress. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kubectl uv

for service in "${SERVICES[@]}"; do
  kc -n "$NAMESPACE" rollout status "deployment/$service" --timeout=120s
done
mkdir -p "$REPO_ROOT/.run"
cd "$REPO_ROOT"
E2E_BASE_URL="$BASE_URL" E2E_ERRANDS_URL="$ERRANDS_URL" uv run --frozen pytest tests/e2e --junitxml=.run/e2e-kind-junit.xml "$@"
