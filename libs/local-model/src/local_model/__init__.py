"""The offline local model: a deterministic task-domain language engine.

`LocalModel` / `LocalModelProvider` plug it into the Agents SDK; `understand` is the
understanding both the model and the evaluator (`python -m chat_gateway.local_model`) use.
"""

from .model import LocalModel, LocalModelProvider
from .understanding import Understanding, understand

__all__ = ["LocalModel", "LocalModelProvider", "Understanding", "understand"]
