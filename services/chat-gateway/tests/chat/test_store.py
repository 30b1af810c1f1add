"""What the store writes: JSON PostgreSQL can hold."""

import json

from chat_gateway.chat.store_statements import json_text


def test_stored_json_never_carries_a_nul_but_keeps_an_escaped_backslash_u0000() -> None:
    raw = json.dumps({"text": "model said NUL\u0000here", "literal": "C:\\u0000"})

    cleaned = json.loads(json_text(raw))

    assert cleaned == {"text": "model said NUL\ufffdhere", "literal": "C:\\u0000"}
