#!/usr/bin/env bash
# Delete the kind cluster and everything in it (the PostgreSQL volume included).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require kind

if kind get clusters | grep -qx "$CLUSTER_NAME"; then
  kind delete cluster --name "$CLUSTER_NAME"
else
  echo "no kind cluster named $CLUSTER_NAME"
fi
