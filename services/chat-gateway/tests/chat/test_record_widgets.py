"""Widgets of any tool service's results, from the tools' output schemas."""

import json
from typing import Any
from uuid import uuid4

import mcp_types
import pytest
from chat_gateway.chat.confirmation_widgets import confirmation_widget, question_widget
from chat_gateway.chat.history import widget_history_text
from chat_gateway.chat.record_widgets import (
    RECORD_CARD,
    RECORD_LIST,
    OutputShape,
    describe_record_change,
    headline,
    is_lookup,
    output_shape,
    schema_widget,
)
from chat_gateway.chat.widgets import task_list_widget
from chat_gateway.records.catalog import describe_service

RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "title": {"type": "string"},
        "body": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "pinned": {"type": "boolean"},
        "archived": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "title"],
}

# The form pydantic gives a list of models: the record schema under $defs, referenced.
LIST_SCHEMA: dict[str, Any] = {
    "$defs": {"Note": RECORD_SCHEMA},
    "type": "object",
    "properties": {"notes": {"type": "array", "items": {"$ref": "#/$defs/Note"}}},
    "required": ["notes"],
}


def tool(name: str, output: dict[str, Any] | None, *, read_only: bool | None = None) -> Any:
    annotations = mcp_types.ToolAnnotations(read_only_hint=read_only) if read_only else None
    return mcp_types.Tool(
        name=name,
        input_schema={"type": "object", "properties": {}},
        output_schema=output,
        annotations=annotations,
    )


def record(title: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": str(uuid4()),
        "title": title,
        "body": "",
        "tags": [],
        "pinned": False,
        "archived": False,
        "created_at": "2026-12-03T06:00:00Z",
    }
    return values | fields


def tree(widget: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = widget.model_dump(mode="json", exclude_none=True)
    return dumped


def test_one_record_is_a_card_and_an_object_with_one_list_of_records_is_a_list() -> None:
    assert output_shape(tool("create_note", RECORD_SCHEMA)) == OutputShape("record")
    assert output_shape(tool("search_notes", LIST_SCHEMA)) == OutputShape("list", "notes")
    two_properties = {
        "type": "object",
        "properties": {
            "notes": {"type": "array", "items": RECORD_SCHEMA},
            "next_cursor": {"type": "string"},
        },
    }
    assert output_shape(tool("page_notes", two_properties)) is None
    assert output_shape(tool("count_notes", {"type": "object", "properties": {"n": {}}})) is None
    assert output_shape(tool("no_schema", None)) is None


def test_a_card_shows_what_happened_the_title_details_flags_and_undo() -> None:
    note = record("Ana's number", body="+34 600 000 000", tags=["people"], pinned=True)
    undo_id = uuid4()

    shown = schema_widget(tool("create_note", RECORD_SCHEMA), note, undo_id)

    assert shown is not None
    widget, copy_text = shown
    dumped = tree(widget)
    text = json.dumps(dumped, ensure_ascii=False)
    assert dumped["key"] == RECORD_CARD
    assert dumped["id"] == note["id"]
    assert copy_text == "Ana's number"
    assert '"value": "Note created"' in text
    assert '"value": "Body: +34 600 000 000"' in text
    assert '"value": "Tags: people"' in text
    assert '"label": "Pinned"' in text
    assert "Archived" not in text
    assert "created_at" not in text
    assert "created at" not in text
    assert str(undo_id) in text


def test_a_list_numbers_the_records_and_says_when_there_are_none() -> None:
    notes = [record("Ana's number"), record("Wifi password", pinned=True)]
    search = tool("search_notes", LIST_SCHEMA, read_only=True)

    shown = schema_widget(search, {"notes": notes}, None)
    empty = schema_widget(search, {"notes": []}, None)

    assert shown is not None
    assert empty is not None
    dumped = tree(shown[0])
    assert dumped["key"] == RECORD_LIST
    assert [row["key"] for row in dumped["children"]] == [n["id"] for n in notes]
    assert shown[1] == "1. Ana's number\n2. Wifi password"
    assert empty[1] == "No notes."
    assert "No notes." in json.dumps(tree(empty[0]))


def test_the_history_names_the_records_a_widget_showed() -> None:
    notes = [record("Ana's number"), record("Wifi password")]
    listed = schema_widget(tool("search_notes", LIST_SCHEMA), {"notes": notes}, None)
    card = schema_widget(tool("get_note", RECORD_SCHEMA), notes[1], None)
    assert listed is not None
    assert card is not None

    list_text = widget_history_text(tree(listed[0]))
    card_text = widget_history_text(tree(card[0]))

    assert list_text is not None
    assert list_text.startswith("[record list shown]\n")
    listed_records = json.loads(list_text.split("\n", 1)[1])
    assert listed_records["kind"] == "notes"
    assert listed_records["records"] == [
        {"n": "1", "id": notes[0]["id"], "title": "Ana's number"},
        {"n": "2", "id": notes[1]["id"], "title": "Wifi password"},
    ]
    assert card_text == "[record shown]\n" + json.dumps(
        {"kind": "note", "id": notes[1]["id"], "title": "Wifi password"}
    )


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("create_note", "Note created"),
        ("pin_note", "Note pinned"),
        ("archive_note", "Note archived"),
        ("get_note", "Note"),
        ("frobnicate_note", "Note"),
    ],
)
def test_headlines_come_from_the_tool_name(name: str, said: str) -> None:
    assert headline(name) == said


def test_changes_are_described_by_verb_and_record_title() -> None:
    assert describe_record_change("delete_note", record("Wifi")) == "deleted note “Wifi”"
    assert describe_record_change("archive_note", None) == "archived note"


def test_read_only_tools_are_lookups_by_annotation_or_name() -> None:
    assert is_lookup(tool("search_notes", LIST_SCHEMA))
    assert is_lookup(tool("recent", LIST_SCHEMA, read_only=True))
    assert not is_lookup(tool("create_note", RECORD_SCHEMA))


def test_the_dashboard_description_comes_from_the_records_tool() -> None:
    tools = [
        tool("create_note", RECORD_SCHEMA),
        tool("search_notes", LIST_SCHEMA, read_only=True),
    ]

    info = describe_service("notes", tools, events=True)
    offline = describe_service("notes", None, events=True)

    assert info.records_tool == "search_notes"
    assert info.records_field == "notes"
    assert info.title_field == "title"
    assert info.available
    fields = {field.name: (field.type, field.format) for field in info.fields}
    assert fields["id"] == ("string", "uuid")
    assert fields["pinned"] == ("boolean", None)
    assert fields["tags"] == ("array", None)
    assert info.tools == ["create_note", "search_notes"]
    assert not offline.available
    assert offline.records_tool is None
    assert offline.fields == []


def test_detail_labels_come_from_the_schema_title_or_description_else_the_readable_name() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "body": {"type": "string", "title": "Phone or text"},
            "place": {"type": "string", "description": "Where it happens."},
            "due_date": {"type": "string", "description": "x" * 80},
        },
    }
    item = {"id": str(uuid4()), "title": "Call Ana", "body": "600 123 456"}

    card = schema_widget(
        tool("create_meeting", schema), item | {"place": "Office", "due_date": "Friday"}, None
    )

    assert card is not None
    captions = [
        child["value"]
        for child in tree(card[0])["children"]
        if child.get("type") == "Caption" and child.get("key") != "headline"
    ]
    assert captions == [
        "Phone or text: 600 123 456",
        "Where it happens: Office",
        "Due date: Friday",
    ]


def test_a_held_record_change_reads_as_its_kind_and_a_held_task_change_as_a_task() -> None:
    note_id, task_id = str(uuid4()), str(uuid4())
    held_note = question_widget(uuid4(), "Delete note “Wifi”?", record_id=note_id, kind="note")
    held_task = confirmation_widget(
        uuid4(), "delete_task", task={"id": task_id, "title": "Call Ana"}, count=None
    )

    note_text = widget_history_text(tree(held_note))
    task_text = widget_history_text(tree(held_task))

    assert note_text == "[record shown]\n" + json.dumps(
        {"kind": "note", "id": note_id, "title": "Delete note “Wifi”?"}, ensure_ascii=False
    )
    assert task_text is not None
    assert task_text.startswith("[task shown]\n")
    assert json.loads(task_text.split("\n", 1)[1])["id"] == task_id


def test_record_rows_and_task_rows_have_one_layout() -> None:
    notes = [record("Wifi password", body="hunter22")]
    listed = schema_widget(tool("search_notes", LIST_SCHEMA), {"notes": notes}, None)
    tasks = task_list_widget([{"id": str(uuid4()), "title": "Call Ana", "completed": False}])
    assert listed is not None

    (note_row,) = tree(listed[0])["children"]
    (task_row,) = tree(tasks)["children"]

    def skeleton(row: dict[str, Any]) -> tuple[Any, ...]:
        number, lines = row["children"][:2]
        return (row["type"], row["gap"], row["align"], number, lines["type"], lines["flex"])

    assert skeleton(note_row) == skeleton(task_row)
    assert [line["value"] for line in note_row["children"][1]["children"]] == [
        "Wifi password",
        "Body: hunter22",
    ]
