"""What the user reads when the model server fails a turn (HTTP models: OpenAI, compatibles).

The sentences name what happened in the user's terms and what to do; they never carry the
model server's own error text, which may name internals.
"""

from dataclasses import dataclass

import aiohttp
import httpx2
import openai
from agents.exceptions import MaxTurnsExceeded, ModelBehaviorError
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseIncompleteEvent

MODEL_UNREACHABLE = (
    "I can't reach the language model right now, so I couldn't answer. "
    "Please try again in a moment."
)
MODEL_BUSY = "The language model is busy right now. Please try again shortly."
MODEL_TIMED_OUT = "The language model took too long to answer. Please try again in a moment."
MODEL_BROKE_OFF = "The language model's answer broke off before the end. Please try again."
MODEL_UNUSABLE = (
    "The language model gave an answer I couldn't use. Please try again or rephrase your message."
)
MODEL_CUT_OFF = (
    "The language model's answer reached its length limit and was cut off, so I left it out. "
    "Please ask for less at once, or try again."
)
MODEL_CONTEXT_TOO_LONG = (
    "This conversation is now too long for the language model. Please start a new chat."
)
MODEL_NOT_CONFIGURED = (
    "The language model refused the assistant's requests, so I couldn't answer. "
    "Please tell the administrator."
)
CHANGES_KEPT = "The changes shown above were made."


class AnswerCutOffError(Exception):
    """The model stopped on its output token limit: the answer (text or tool call) is partial."""


def cut_off(streamed: object) -> bool:
    """Whether a streamed event or chunk ends an answer on the output token limit."""
    if isinstance(streamed, ChatCompletionChunk):
        return any(choice.finish_reason == "length" for choice in streamed.choices)
    if isinstance(streamed, ResponseIncompleteEvent):
        details = streamed.response.incomplete_details
        return details is not None and details.reason == "max_output_tokens"
    return False


@dataclass(frozen=True, slots=True)
class ModelFailure:
    """A model failure: its metric/log label and the sentence for the user."""

    kind: str
    text: str


def _context_too_long(error: openai.APIStatusError) -> bool:
    # OpenAI names the code; vLLM, llama.cpp and LiteLLM say it in the message.
    if error.code == "context_length_exceeded":
        return True
    text = str(error.message).lower()
    return "context" in text and any(word in text for word in ("length", "size", "too long"))


def _of_status(error: openai.APIStatusError) -> ModelFailure:
    status = error.status_code
    if status == 429:
        return ModelFailure("model_busy", MODEL_BUSY)
    if status >= 500:
        return ModelFailure("model_unavailable", MODEL_UNREACHABLE)
    if status == 400 and _context_too_long(error):
        return ModelFailure("model_context", MODEL_CONTEXT_TOO_LONG)
    if status in (401, 403, 404):
        return ModelFailure("model_refused", MODEL_NOT_CONFIGURED)
    return ModelFailure("model_unusable", MODEL_UNUSABLE)


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` with its causes, contexts and grouped exceptions, outermost first."""
    seen: set[int] = set()
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        found.append(current)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend((current.__cause__, current.__context__))
    return found


def model_failure(exc: BaseException) -> ModelFailure | None:
    """The failure of the model server behind ``exc``, or None when it is not the model's."""
    chain = _chain(exc)
    for current in chain:
        if isinstance(current, openai.APIStatusError):
            return _of_status(current)
    # The client's aiohttp transport reports a refused connection as a connect timeout.
    if any(isinstance(current, aiohttp.ClientConnectorError) for current in chain):
        return ModelFailure("model_unavailable", MODEL_UNREACHABLE)
    # The client library wraps transport errors; what it wraps tells how the exchange ended.
    for current in chain:
        match current:
            case httpx2.ConnectError():
                return ModelFailure("model_unavailable", MODEL_UNREACHABLE)
            case openai.APITimeoutError() | httpx2.TimeoutException():
                return ModelFailure("model_timeout", MODEL_TIMED_OUT)
            case httpx2.TransportError():
                # The connection dropped after the answer had started.
                return ModelFailure("model_broke_off", MODEL_BROKE_OFF)
    for current in chain:
        match current:
            case openai.APIConnectionError():
                return ModelFailure("model_unavailable", MODEL_UNREACHABLE)
            case AnswerCutOffError():
                return ModelFailure("model_cut_off", MODEL_CUT_OFF)
            case ModelBehaviorError() | MaxTurnsExceeded():
                return ModelFailure("model_unusable", MODEL_UNUSABLE)
    return None
