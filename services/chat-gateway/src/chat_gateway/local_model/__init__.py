"""The offline local model: a deterministic task-domain language engine."""
