"""Which model answers: the offline local model, OpenAI, or any OpenAI-compatible endpoint."""

import importlib
from contextlib import AsyncExitStack
from typing import TypeVar, cast

import httpx2
from agents import Model, ModelProvider, ModelSettings, OpenAIProvider
from agents.tracing import set_trace_provider
from agents.tracing.provider import DefaultTraceProvider
from openai import AsyncOpenAI, DefaultAioHttpClient
from openai._models import FinalRequestOptions

from chat_gateway.chat.model_failures import AnswerCutOffError, cut_off
from chat_gateway.chat.stream_events import events_by_type, streamed
from chat_gateway.config import Settings
from chat_gateway.tls import client_tls_context

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"
_Data = TypeVar("_Data")


class LocalProvider(ModelProvider):
    """The offline local model, loaded and warmed when the provider is built (in the lifespan,
    before readiness): the first turn after a start used to pay about 0.3 s for it."""

    def __init__(self) -> None:
        module = importlib.import_module("local_model")
        provider = module.LocalModelProvider()
        provider.warm()
        self._provider = cast(ModelProvider, provider)

    def get_model(self, model_name: str | None) -> Model:
        """The local model (local_model.LocalModelProvider)."""
        return self._provider.get_model(model_name)


class ModelClient(AsyncOpenAI):
    """The openai client, retrying once and never making the user wait longer than
    ``max_retry_wait`` seconds for it: a longer Retry-After ends the turn at once. A streamed
    answer that stops on the output token limit raises AnswerCutOffError: the Agents SDK
    would keep a Chat Completions answer cut off mid-sentence as if it were whole. Streamed
    events and chunks are built by pydantic's validators (stream_events)."""

    def __init__(self, *, max_retry_wait: float, **options: object) -> None:
        super().__init__(max_retries=1, **options)  # type: ignore[arg-type]  # AsyncOpenAI's own keywords
        self.max_retry_wait = max_retry_wait

    def _should_retry(self, response: httpx2.Response) -> bool:
        wait = self._parse_retry_after_header(response.headers)
        if wait is not None and wait > self.max_retry_wait:
            return False
        return super()._should_retry(response)

    def _calculate_retry_timeout(
        self,
        remaining_retries: int,
        options: FinalRequestOptions,
        response_headers: httpx2.Headers | None = None,
    ) -> float:
        wait = super()._calculate_retry_timeout(remaining_retries, options, response_headers)
        return min(wait, self.max_retry_wait)

    def _process_response_data(
        self, *, data: object, cast_to: type[_Data], response: httpx2.Response
    ) -> _Data:
        processed = None if self._strict_response_validation else streamed(cast_to, data)
        if processed is None:
            processed = super()._process_response_data(
                data=data, cast_to=cast_to, response=response
            )
        if cut_off(processed):
            raise AnswerCutOffError("the answer stopped on the output token limit")
        return cast(_Data, processed)


def _model_client(settings: Settings, api_key: str, base_url: str | None) -> ModelClient:
    # aiohttp's C parser reads the model's streamed answer with a fraction of the CPU that
    # httpx's pure-Python HTTP/1.1 stack spends on it, on every request of every turn.
    return ModelClient(
        api_key=api_key,
        base_url=base_url,
        timeout=settings.model_timeout_seconds,
        max_retry_wait=settings.model_max_retry_wait_seconds,
        http_client=DefaultAioHttpClient(verify=client_tls_context()),
    )


def build_model_provider(settings: Settings, stack: AsyncExitStack) -> ModelProvider:
    """The provider named by CHAT_GATEWAY_MODEL_PROVIDER; refuses incomplete configuration.
    An HTTP model's client is closed with ``stack``."""
    if settings.model_provider == "local":
        return LocalProvider()
    # The openai client's Responses and Chat Completions modules (~0.2 s of CPU to import) serve
    # the HTTP models only; imported here, in the lifespan, they are in place before readiness.
    from chat_gateway.chat.plain_request_bodies import skip_needless_transforms

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if settings.model_provider == "openai":
        if not key:
            raise ValueError("CHAT_GATEWAY_MODEL_PROVIDER=openai needs OPENAI_API_KEY")
        skip_needless_transforms()
        events_by_type()
        client = _model_client(settings, key, settings.model_base_url or None)
        stack.push_async_callback(client.close)
        return OpenAIProvider(openai_client=client, use_responses=True)
    if not settings.model_base_url or not settings.model_name:
        raise ValueError(
            "CHAT_GATEWAY_MODEL_PROVIDER=openai_compatible needs CHAT_GATEWAY_MODEL_BASE_URL "
            "and CHAT_GATEWAY_MODEL_NAME"
        )
    skip_needless_transforms()
    # Local servers (Ollama, vLLM) accept any key; the client library insists on one.
    client = _model_client(settings, key or "not-needed", settings.model_base_url)
    stack.push_async_callback(client.close)
    return OpenAIProvider(openai_client=client, use_responses=False)


def model_name(settings: Settings) -> str | None:
    """The model name handed to the provider (None lets the local provider choose)."""
    if settings.model_provider == "openai":
        return settings.model_name or DEFAULT_OPENAI_MODEL
    return settings.model_name


def model_settings(settings: Settings) -> ModelSettings:
    """What every model request asks for. The local model answers one call at a time; an
    HTTP model may call several tools in one answer and is cut off after
    CHAT_GATEWAY_MODEL_MAX_OUTPUT_TOKENS."""
    if settings.model_provider == "local":
        return ModelSettings(parallel_tool_calls=False)
    return ModelSettings(
        parallel_tool_calls=settings.model_parallel_tool_calls,
        max_tokens=settings.model_max_output_tokens,
    )


def configure_agent_tracing() -> None:
    """Turn off the Agents SDK's trace export to OpenAI: spans go through OpenTelemetry.

    A provider with no processor, disabled: the SDK's default one would build its exporter
    (an HTTP client, ~0.13 s of CPU at start) only to never use it.
    """
    provider = DefaultTraceProvider()
    provider.set_disabled(True)
    set_trace_provider(provider)
