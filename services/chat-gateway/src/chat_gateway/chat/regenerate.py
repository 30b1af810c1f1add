"""Regenerating a reply never repeats a change: what the earlier answer changed is kept.

"Regenerate" (``threads.retry_after_item``) normally drops everything after the user's message
and runs the turn again. When that answer changed tasks (a task card saying "Task added", an
outcome, a confirmation), running it again would add the task twice, unseen. Such widgets stay
in the thread, only the rest of the answer is replaced, and the new reply says that nothing was
done again.
"""

from chatkit.types import ThreadItem, WidgetItem

from chat_gateway.chat.widgets import TASK_CARD, headline_of, shows_change, widget_kind


def records_change(item: ThreadItem) -> bool:
    """Whether ``item`` is a widget showing a change to tasks (or a pending confirmation)."""
    return isinstance(item, WidgetItem) and shows_change(
        item.widget.model_dump(mode="json", exclude_none=True)
    )


def kept_reply(changes: list[ThreadItem]) -> str:
    """The reply of a regenerated answer whose changes were kept."""
    described = []
    for item in changes:
        if not isinstance(item, WidgetItem):
            continue
        widget = item.widget.model_dump(mode="json", exclude_none=True)
        headline = headline_of(widget)
        if widget_kind(widget) == TASK_CARD and headline and item.copy_text:
            described.append(f"{headline.lower()}: “{item.copy_text}”")
    done = f" ({'; '.join(described)})" if described else ""
    return (
        f"I already did this{done}, so I did not do it again. "
        "Ask me again if you want it done once more."
    )
