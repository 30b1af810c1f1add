"""REST routes under /internal/v1."""
