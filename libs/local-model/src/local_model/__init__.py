"""The offline local model: a deterministic task-domain language engine.

`LocalModel` / `LocalModelProvider` plug it into the Agents SDK; `understand` is the
understanding both the model and the evaluator (`python -m chat_gateway.local_model`) use;
`parse_quick_add` reads the dashboard's quick-add line with it.
"""

from .model import LocalModel, LocalModelProvider
from .quick_add import QuickAdd, parse_quick_add
from .understanding import Understanding, understand

__all__ = [
    "LocalModel",
    "LocalModelProvider",
    "QuickAdd",
    "Understanding",
    "parse_quick_add",
    "understand",
]
