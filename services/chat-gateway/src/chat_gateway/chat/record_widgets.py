"""Widgets for any tool's result, built from the tool's output schema.

A tool about one record returns the record (an object with an ``id``): it is shown as a card.
A tool about several returns an object with exactly one property, an array of records: it is
shown as a list. The record's title is its ``title`` or ``name`` (or first other text field);
its other short fields become details and its true flags badges. Tools whose results need more
than this register an override (the task widgets are overrides).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from uuid import UUID

import mcp_types
from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.widgets import (
    RECORD_KIND,
    ToolGrant,
    list_row,
    root_widget,
    undo_button,
)

RECORD_CARD = "record_card"
RECORD_LIST = "record_list"

WidgetOverride = Callable[
    [str, dict[str, Any], UUID | None, date, ToolGrant], tuple[DynamicWidgetRoot, str] | None
]
"""(tool, structured result, undo id, user's date, the app's grant) -> (widget, copy text),
or None."""

_TITLE_FIELDS = ("title", "name", "subject", "label")
_LABEL_CHARS = 40
_DETAIL_CHARS = 140
_MAX_DETAILS = 3
_MAX_ROWS = 50
_PAST = {
    "add": "added",
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "remove": "removed",
    "archive": "archived",
    "unarchive": "unarchived",
    "pin": "pinned",
    "unpin": "unpinned",
    "restore": "restored",
    "complete": "completed",
    "reopen": "reopened",
    "save": "saved",
    "set": "set",
    "move": "moved",
    "rename": "renamed",
}
_LOOKUP_VERBS = frozenset({"get", "find", "search", "list", "show", "read"})


@dataclass(frozen=True, slots=True)
class OutputShape:
    """How a tool's structured result is shown: one record, or the records under ``field``."""

    kind: Literal["record", "list"]
    field: str | None = None


def _is_object(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "object" or isinstance(schema.get("properties"), dict)
    )


def resolved(schema: Any, root: dict[str, Any]) -> Any:
    """``schema`` with a local ``$ref`` (``#/$defs/<name>``) replaced by its definition."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        prefix = "#/$defs/"
        ref = str(schema["$ref"])
        if ref.startswith(prefix):
            return (root.get("$defs") or {}).get(ref[len(prefix) :])
    return schema


def list_items_schema(tool: mcp_types.Tool, field: str) -> dict[str, Any]:
    """The schema of the records under ``field`` in ``tool``'s result."""
    root = tool.output_schema or {}
    inner = resolved((root.get("properties") or {}).get(field), root) or {}
    items = resolved(inner.get("items"), root)
    return items if isinstance(items, dict) else {}


def humane_label(name: str) -> str:
    """A readable form of a field name: ``due_date`` -> "Due date"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def field_labels(schema: Mapping[str, Any], root: Mapping[str, Any]) -> dict[str, str]:
    """Each property's label: its schema ``title``, else a short ``description``, else the
    readable form of its name."""
    labels: dict[str, str] = {}
    for name, raw in (schema.get("properties") or {}).items():
        prop = resolved(raw, dict(root))
        prop = prop if isinstance(prop, dict) else {}
        title, description = prop.get("title"), prop.get("description")
        if isinstance(title, str) and title.strip():
            labels[name] = title.strip()
        elif isinstance(description, str) and 0 < len(description.strip()) <= _LABEL_CHARS:
            labels[name] = description.strip().rstrip(".")
        else:
            labels[name] = humane_label(name)
    return labels


def output_shape(tool: mcp_types.Tool) -> OutputShape | None:
    """The shape of ``tool``'s structured result, from its output schema (None: no widget)."""
    schema = tool.output_schema
    if schema is None or not _is_object(schema):
        return None
    properties = schema.get("properties") or {}
    if len(properties) == 1:
        ((field, inner),) = properties.items()
        inner = resolved(inner, schema)
        if (
            isinstance(inner, dict)
            and inner.get("type") == "array"
            and _is_object(resolved(inner.get("items"), schema))
        ):
            return OutputShape("list", field)
    if "id" in properties:
        return OutputShape("record")
    return None


def is_lookup(tool: mcp_types.Tool) -> bool:
    """Whether the tool only reads (its annotations say so, or its name starts with a read verb)."""
    annotations = tool.annotations
    if annotations is not None and annotations.read_only_hint is not None:
        return annotations.read_only_hint
    return tool.name.split("_", 1)[0] in _LOOKUP_VERBS


def _words(tool: str) -> tuple[str, str]:
    verb, _, rest = tool.partition("_")
    return verb, rest.replace("_", " ")


def record_noun(tool: str) -> str:
    """What a tool's record is called: ``create_note`` -> "note"."""
    return _words(tool)[1] or "record"


def headline(tool: str) -> str:
    """What a card about ``tool``'s result says happened: 'Note created', 'Note'."""
    verb, thing = _words(tool)
    thing = thing or "record"
    past = _PAST.get(verb)
    if past is None or verb in _LOOKUP_VERBS:
        return thing[:1].upper() + thing[1:]
    return f"{thing[:1].upper()}{thing[1:]} {past}"


def describe_record_change(tool: str, record: dict[str, Any] | None) -> str:
    """A short description of a change, e.g. 'created note “Ana's number”'."""
    verb, thing = _words(tool)
    action = f"{_PAST.get(verb, verb)} {thing}".strip()
    title = record_title(record) if record else ""
    return f"{action} “{title}”" if title else action


def record_title(record: dict[str, Any]) -> str:
    """The text naming a record."""
    for name in _TITLE_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for name, value in record.items():
        if name != "id" and isinstance(value, str) and value.strip():
            return value.strip()
    return str(record.get("id", ""))


def _detail(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return None
        return text if len(text) <= _DETAIL_CHARS else text[: _DETAIL_CHARS - 1] + "…"
    if isinstance(value, list) and value and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _details(record: dict[str, Any], title: str, labels: Mapping[str, str]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for name, value in record.items():
        if name == "id" or name.endswith("_at") or name.endswith("_id"):
            continue
        text = _detail(value)
        if text is None or text == title:
            continue
        label = labels.get(name) or humane_label(name)
        lines.append({"type": "Caption", "key": name, "value": f"{label}: {text}"})
        if len(lines) == _MAX_DETAILS:
            break
    return lines


def _badges(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "type": "Badge",
            "key": f"flag-{name}",
            "label": humane_label(name),
            "color": "secondary",
            "variant": "soft",
        }
        for name, value in record.items()
        if value is True
    ]


def _title_row(record: dict[str, Any], title: str) -> dict[str, Any]:
    return {
        "type": "Row",
        "gap": 2,
        "align": "center",
        "children": [
            {"type": "Text", "key": "title", "value": title, "weight": "semibold"},
            {"type": "Spacer"},
            *_badges(record),
        ],
    }


def record_card_widget(
    record: dict[str, Any],
    *,
    headline_text: str,
    undo_id: UUID | None,
    kind: str,
    labels: Mapping[str, str],
) -> DynamicWidgetRoot:
    """One record with a headline saying what happened, and Undo while it is possible;
    ``kind`` names the record (``note``), ``labels`` its fields."""
    title = record_title(record)
    return root_widget(
        {
            "type": "Card",
            "key": RECORD_CARD,
            "id": str(record.get("id", "")) or None,
            RECORD_KIND: kind,
            "size": "sm",
            "children": [
                {"type": "Caption", "key": "headline", "value": headline_text},
                _title_row(record, title),
                *_details(record, title, labels),
                {"type": "Row", "children": [undo_button(undo_id)]} if undo_id else None,
            ],
        }
    )


def record_list_widget(
    records: list[dict[str, Any]], *, noun: str, labels: Mapping[str, str]
) -> DynamicWidgetRoot:
    """Records as a numbered list; ``noun`` names them (the empty and overflow rows, the
    history), ``labels`` their fields."""
    rows: list[dict[str, Any]] = []
    for n, record in enumerate(records[:_MAX_ROWS], start=1):
        title = record_title(record)
        rows.append(
            list_row(
                str(record.get("id", n)),
                n,
                [
                    {"type": "Text", "key": "title", "value": title},
                    *_details(record, title, labels)[:1],
                ],
                list(_badges(record)),
            )
        )
    if not rows:
        rows.append(
            {
                "type": "ListViewItem",
                "key": "empty",
                "children": [{"type": "Text", "value": f"No {noun}.", "color": "secondary"}],
            }
        )
    elif len(records) > _MAX_ROWS:
        rows.append(
            {
                "type": "ListViewItem",
                "key": "more",
                "children": [{"type": "Caption", "value": f"More {noun} not shown."}],
            }
        )
    return root_widget(
        {"type": "ListView", "key": RECORD_LIST, RECORD_KIND: noun, "children": rows}
    )


def schema_widget(
    tool: mcp_types.Tool, result: dict[str, Any], undo_id: UUID | None
) -> tuple[DynamicWidgetRoot, str] | None:
    """The widget and copy text of ``tool``'s successful result, from its output schema."""
    shape = output_shape(tool)
    if shape is None:
        return None
    root = tool.output_schema or {}
    if shape.kind == "list" and shape.field is not None:
        records = [r for r in result.get(shape.field) or [] if isinstance(r, dict)]
        noun = shape.field.replace("_", " ")
        labels = field_labels(list_items_schema(tool, shape.field), root)
        text = "\n".join(f"{n}. {record_title(r)}" for n, r in enumerate(records, start=1))
        return record_list_widget(records, noun=noun, labels=labels), text or f"No {noun}."
    card = record_card_widget(
        result,
        headline_text=headline(tool.name),
        undo_id=undo_id,
        kind=record_noun(tool.name),
        labels=field_labels(root, root),
    )
    return card, record_title(result)


def shown_records(widget: dict[str, Any]) -> list[dict[str, str]]:
    """The records a stored record list or card displayed: their id and title."""
    if widget.get("key") == RECORD_CARD:
        title = _text_of(widget, "title")
        return [{"id": str(widget.get("id", "")), "title": title}] if widget.get("id") else []
    rows: list[dict[str, str]] = []
    for row in widget.get("children") or []:
        key = row.get("key") if isinstance(row, dict) else None
        if not isinstance(key, str) or key in ("empty", "more"):
            continue
        rows.append({"n": str(len(rows) + 1), "id": key, "title": _text_of(row, "title")})
    return rows


def _text_of(component: Any, key: str) -> str:
    if isinstance(component, dict):
        if component.get("key") == key and component.get("type") == "Text":
            return str(component.get("value", ""))
        for child in component.get("children") or []:
            found = _text_of(child, key)
            if found:
                return found
    return ""
