"""Size limits on everything a ChatKit request carries, checked before anything is stored.

A message counts every string it brings along (text, quoted text, tags with their data,
inference options), so none of them can carry what the text limit refuses.
"""

import json

from chatkit.types import (
    ChatKitReq,
    ItemsFeedbackReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    UserMessageInput,
    UserMessageTagContent,
    UserMessageTextContent,
)

from chat_gateway.config import Settings
from chat_gateway.errors import ChatRequestError

MAX_ACTION_TYPE_CHARS = 64
MAX_ACTION_PAYLOAD_CHARS = 2000
MAX_FEEDBACK = 100


def message_chars(message: UserMessageInput) -> int:
    """How many characters a message brings along, over every field that is stored with it."""
    total = len(message.quoted_text or "")
    options = message.inference_options
    total += len(options.model or "")
    if options.tool_choice is not None:
        total += len(options.tool_choice.id)
    for part in message.content:
        if isinstance(part, UserMessageTextContent):
            total += len(part.text)
        elif isinstance(part, UserMessageTagContent):
            total += len(part.id) + len(part.text) + len(part.group or "")
            total += len(json.dumps(part.data, ensure_ascii=False))
    return total


def oversized_request(body: bytes, settings: Settings) -> str | None:
    """Why a ChatKit body is refused unparsed (over ``max_chatkit_request_bytes``), or None."""
    if len(body) > settings.max_chatkit_request_bytes:
        return f"The ChatKit request is larger than {settings.max_chatkit_request_bytes} bytes."
    return None


def check_request_limits(request: ChatKitReq, settings: Settings) -> None:
    """Refuse a request whose message, widget action or feedback is larger than allowed."""
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        if message_chars(request.params.input) > settings.max_message_chars:
            raise ChatRequestError(
                400, f"The message is longer than {settings.max_message_chars} characters."
            )
    elif isinstance(request, ThreadsCustomActionReq):
        action = request.params.action
        if len(action.type) > MAX_ACTION_TYPE_CHARS:
            raise ChatRequestError(400, "The widget action type is too long.")
        if len(json.dumps(action.payload, ensure_ascii=False)) > MAX_ACTION_PAYLOAD_CHARS:
            raise ChatRequestError(
                400,
                f"The widget action payload is larger than {MAX_ACTION_PAYLOAD_CHARS} characters.",
            )
    elif isinstance(request, ItemsFeedbackReq) and len(request.params.item_ids) > MAX_FEEDBACK:
        raise ChatRequestError(400, f"Feedback can name at most {MAX_FEEDBACK} items.")
