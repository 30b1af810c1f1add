"""Which model answers: the offline local model, OpenAI, or any OpenAI-compatible endpoint."""

import importlib
from typing import cast

from agents import Model, ModelProvider, OpenAIProvider, set_tracing_disabled
from openai import AsyncOpenAI

from chat_gateway.config import Settings

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"


class LocalProvider(ModelProvider):
    """The offline local model, loaded on first use."""

    def __init__(self) -> None:
        self._provider: ModelProvider | None = None

    def get_model(self, model_name: str | None) -> Model:
        """The local model (local_model.LocalModelProvider)."""
        if self._provider is None:
            module = importlib.import_module("local_model")
            self._provider = cast(ModelProvider, module.LocalModelProvider())
        return self._provider.get_model(model_name)


def build_model_provider(settings: Settings) -> ModelProvider:
    """The provider named by CHAT_GATEWAY_MODEL_PROVIDER; refuses incomplete configuration."""
    if settings.model_provider == "local":
        return LocalProvider()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if settings.model_provider == "openai":
        if not key:
            raise ValueError("CHAT_GATEWAY_MODEL_PROVIDER=openai needs OPENAI_API_KEY")
        client = AsyncOpenAI(
            api_key=key,
            base_url=settings.model_base_url or None,
            timeout=settings.model_timeout_seconds,
            max_retries=1,
        )
        return OpenAIProvider(openai_client=client, use_responses=True)
    if not settings.model_base_url or not settings.model_name:
        raise ValueError(
            "CHAT_GATEWAY_MODEL_PROVIDER=openai_compatible needs CHAT_GATEWAY_MODEL_BASE_URL "
            "and CHAT_GATEWAY_MODEL_NAME"
        )
    client = AsyncOpenAI(
        # Local servers (Ollama, vLLM) accept any key; the client library insists on one.
        api_key=key or "not-needed",
        base_url=settings.model_base_url,
        timeout=settings.model_timeout_seconds,
        max_retries=1,
    )
    return OpenAIProvider(openai_client=client, use_responses=False)


def model_name(settings: Settings) -> str | None:
    """The model name handed to the provider (None lets the local provider choose)."""
    if settings.model_provider == "openai":
        return settings.model_name or DEFAULT_OPENAI_MODEL
    return settings.model_name


def configure_agent_tracing() -> None:
    """Turn off the Agents SDK's trace export to OpenAI: spans go through OpenTelemetry."""
    set_tracing_disabled(True)
