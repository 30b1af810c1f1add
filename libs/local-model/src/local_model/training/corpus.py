"""The corpus generator: labelled conversations from templates and slot fillers (data files).

A corpus folder holds `templates.json` (per intent, the phrasings with `{placeholders}`),
`fillers.json` (the values placeholders take, with their labels) and `handwritten.jsonl`
(lines in the public set's format, copied as they are). Placeholders in the last message
add their slot: {title}, {due}, {date}, {prio}, {tags}, {target}, {num}, {ord}, {new_title},
{desc}, {query}, {tag}, {day}; a template object's own "slots" may name more ("{title}" values too,
and {body}, a note's text, which adds no slot by itself).
Noise (typos in command words, dictation without punctuation, wrappers, emoji, rambling)
touches only the template's words, never a filler, so every label stays exact.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["NOW", "Corpus", "generate", "load_corpus"]

NOW = "2026-11-26T10:00:00"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_AUTO_SLOT = {
    "title": "title",
    "due": "due",
    "prio": "priority",
    "tags": "tags",
    "target": "target",
    "num": "target",
    "ord": "target",
    "new_title": "new_title",
    "desc": "description",
    "query": "query",
    "tag": "tag",
    "day": "due_on",
    "date": "due",
}


@dataclass(frozen=True, slots=True)
class Corpus:
    """One corpus folder: its templates, fillers and hand-written lines."""

    templates: dict[str, list[Any]]
    counts: dict[str, int]
    fillers: dict[str, Any]
    handwritten: list[dict[str, Any]]


def load_corpus(folder: Path) -> Corpus:
    """Read a corpus folder."""
    spec = json.loads((folder / "templates.json").read_text(encoding="utf-8"))
    fillers = json.loads((folder / "fillers.json").read_text(encoding="utf-8"))
    lines = [
        json.loads(raw)
        for raw in (folder / "handwritten.jsonl").read_text(encoding="utf-8").splitlines()
        if raw.strip()
    ]
    return Corpus(spec["templates"], spec["counts"], fillers, lines)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _noisy(
    literal: str, rng: random.Random, fillers: dict[str, Any], style: dict[str, bool]
) -> str:
    words = literal.split(" ")
    known: dict[str, list[str]] = fillers.get("typos", {})
    out = []
    for word in words:
        if style["typo"] and rng.random() < 0.35:
            if word in known:
                word = rng.choice(known[word])
            elif len(word) >= 5 and word.isalpha() and rng.random() < 0.3:
                word = _typo(word, rng)
        out.append(word)
    text = " ".join(out)
    if style["dictation"]:
        text = re.sub(r"[,.!?;:'\"]", "", text).lower()
    return text


def _value(name: str, rng: random.Random, fillers: dict[str, Any]) -> tuple[str, Any]:
    """The text a placeholder becomes and the slot value it carries."""
    if name in ("title", "new_title"):
        title = str(rng.choice(fillers["titles"]))
        return title, title
    if name == "target":
        target = str(rng.choice(fillers["targets"]))
        return target, target
    if name == "num":
        n = rng.randint(1, 14)
        return str(n), str(n)
    if name in ("ord", "due", "date", "prio", "day", "query", "desc"):
        key = {
            "date": "bare_dates",
            "ord": "ordinals",
            "due": "dates",
            "prio": "priorities",
            "day": "list_days",
            "query": "queries",
            "desc": "descriptions",
        }
        pool = fillers[key[name]]
        text, value = rng.choice(pool)
        return str(text), value
    if name == "body":
        text, value = rng.choice(fillers["bodies"])
        return str(text), value
    if name in ("tags", "tag"):
        tag = str(rng.choice(fillers["tags"]))
        if name == "tag":
            return tag, tag
        return str(rng.choice(fillers["tag_phrases"])).format(t=tag), [tag]
    raise KeyError(f"unknown placeholder {{{name}}}")


def _render(
    template: str,
    rng: random.Random,
    fillers: dict[str, Any],
    style: dict[str, bool],
    values: dict[str, tuple[str, Any]],
) -> str:
    parts: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(_noisy(template[pos : m.start()], rng, fillers, style))
        name = m.group(1)
        if name == "Title":
            if "title" not in values:
                values["title"] = _value("title", rng, fillers)
            text = values["title"][0]
            parts.append(text[0].upper() + text[1:])
        else:
            if name not in values:
                values[name] = _value(name, rng, fillers)
            parts.append(values[name][0])
        pos = m.end()
    parts.append(_noisy(template[pos:], rng, fillers, style))
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _example(
    intent: str, entry: Any, rng: random.Random, fillers: dict[str, Any], index: int, prefix: str
) -> dict[str, Any]:
    template = f"{intent}:{entry if isinstance(entry, str) else entry['text']}"
    spec = entry if isinstance(entry, dict) else {"text": entry}
    text = str(spec["text"])
    style = {"typo": rng.random() < 0.15, "dictation": rng.random() < 0.1}
    values: dict[str, tuple[str, Any]] = {}
    plain = {"typo": False, "dictation": False}
    history = [
        {"role": turn["role"], "content": _render(turn["content"], rng, fillers, plain, values)}
        for turn in spec.get("history", [])
    ]
    wrapped = text
    if text.startswith("^"):
        wrapped = text[1:]
        if rng.random() < 0.35:
            wrapped = rng.choice(fillers["requests"]) + " " + wrapped
    if rng.random() < 0.2:
        wrapped = rng.choice(fillers["openers"]) + " " + wrapped
    if rng.random() < 0.2:
        wrapped = wrapped + rng.choice(fillers["closers"])
    if rng.random() < 0.04:
        wrapped = rng.choice(fillers["rambles"]) + " " + wrapped
    message = _render(wrapped, rng, fillers, style, values)
    slots: dict[str, Any] = {}
    for m in _PLACEHOLDER.finditer(wrapped):
        name = m.group(1)
        if name in _AUTO_SLOT:
            slots[_AUTO_SLOT[name]] = values[name][1]

    def label(raw: Any) -> Any:
        if isinstance(raw, list):
            return [label(item) for item in raw]
        if isinstance(raw, str):
            names = _PLACEHOLDER.findall(raw)
            return values[names[0]][1] if names and raw == "{" + names[0] + "}" else raw
        return raw

    for key, raw in spec.get("slots", {}).items():
        slots[key] = label(raw)
    for key in spec.get("drop", []):
        slots.pop(key, None)
    return {
        "id": f"{prefix}{index:05d}",
        "now": NOW,
        "messages": [*history, {"role": "user", "content": message}],
        "expect": {"intent": intent, "slots": slots},
        "template": template,
    }


def generate(corpus: Corpus, seed: int, prefix: str) -> list[dict[str, Any]]:
    """The generated examples (counts per intent from templates.json), then the hand-written."""
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible corpora, not secrets
    out: list[dict[str, Any]] = []
    for intent in sorted(corpus.templates):
        entries = corpus.templates[intent]
        for _ in range(corpus.counts[intent]):
            entry = rng.choice(entries)
            out.append(_example(intent, entry, rng, corpus.fillers, len(out), prefix))
    return out + corpus.handwritten
