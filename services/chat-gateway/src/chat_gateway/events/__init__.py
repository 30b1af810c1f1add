"""Live task events: the Redis subscription, SSE streams and stream tickets."""
