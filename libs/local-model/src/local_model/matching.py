"""Fuzzy matching of how a user names a task against the tasks the tools returned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

__all__ = ["Match", "match_tasks"]

PLAUSIBLE = 72.0
CLEAR_LEAD = 12.0
# How alike two words must be to count as the same word ("walked"/"walk", "bils"/"bills").
SAME_WORD = 75.0
_WORD = re.compile(r"[^\w\s]+")
_ARTICLES = re.compile(r"\b(?:the|a|an|my)\b")


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of a lookup: one task to act on, several to ask about, or none."""

    chosen: dict[str, Any] | None
    candidates: list[dict[str, Any]]


def _norm(text: str) -> str:
    return " ".join(_ARTICLES.sub(" ", _WORD.sub(" ", text.lower())).split())


def _score(target: str, title: str) -> float:
    if not target or not title:
        return 0.0
    if target == title:
        return 200.0
    set_ratio = fuzz.token_set_ratio(target, title)
    whole = fuzz.ratio(target, title)
    partial = fuzz.partial_ratio(target, title) if len(target) >= 4 else 0.0
    return max(set_ratio, whole, partial * 0.95) + whole * 0.01


def match_tasks(
    target: str, tasks: Sequence[dict[str, Any]], prefer_completed: bool | None
) -> Match:
    """Match `target` (words of a title) against `tasks` (TaskPublic dicts).

    `prefer_completed` narrows ties to completed (True) or open (False) tasks, as completing
    is about open tasks and reopening about completed ones.
    """
    wanted = _norm(target)
    scored = [(_score(wanted, _norm(str(task.get("title", "")))), task) for task in tasks]
    plausible = [(s, t) for s, t in scored if s >= PLAUSIBLE]
    if prefer_completed is not None:
        preferred = [(s, t) for s, t in plausible if bool(t.get("completed")) == prefer_completed]
        if preferred:
            plausible = preferred
    plausible.sort(key=lambda pair: -pair[0])
    if not plausible:
        return Match(None, [])
    best_score = plausible[0][0]
    exact = [t for s, t in plausible if s >= 200.0]
    if len(exact) == 1:
        return Match(exact[0], exact)
    if len(exact) > 1:
        return Match(None, exact)
    close = [t for s, t in plausible if best_score - s < CLEAR_LEAD]
    if len(close) == 1 and _names_every_word(wanted, _norm(str(close[0].get("title", "")))):
        return Match(close[0], close)
    return Match(None, close[:6])


def _names_every_word(target: str, title: str) -> bool:
    """Whether each word of `target` is a word of `title`, give or take an ending or a typo.

    A close score alone lets one shared word carry a match ("walked the dog" scores high
    against "feed the dog"); a task is acted on only when none of the user's words is left
    unexplained, otherwise the user is asked."""
    words = title.split()
    return all(
        any(fuzz.ratio(wanted, word) >= SAME_WORD for word in words) for wanted in target.split()
    )
