"""The agent's instructions."""

import re
from datetime import datetime
from uuid import uuid4

from chat_gateway.chat.assistant import instructions
from chat_gateway.chat.request_context import RequestContext, parse_timezone


def test_instructions_end_with_the_users_local_time_and_zone() -> None:
    context = RequestContext(user_id=uuid4(), timezone=parse_timezone("Europe/Paris"))

    line = instructions(context).splitlines()[-1]

    match = re.fullmatch(r"Current local time: (\S+) \(Europe/Paris\)", line)
    assert match is not None
    assert datetime.fromisoformat(match.group(1)).utcoffset() is not None
