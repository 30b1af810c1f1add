"""The vocabulary file holds regex fragments the patterns are built from: each one must stand
alone as a pattern, so a bad entry fails here by name rather than inside a joined pattern."""

from __future__ import annotations

import re

import pytest
from local_model.vocabulary import VOCABULARY, alternatives

_FRAGMENT_LISTS = [
    key
    for key, value in VOCABULARY.items()
    if isinstance(value, list) and all(isinstance(entry, str) for entry in value)
]


@pytest.mark.parametrize("key", _FRAGMENT_LISTS)
def test_every_entry_is_a_pattern_of_its_own(key: str) -> None:
    for entry in VOCABULARY[key]:
        pattern = re.compile(entry)
        # An entry joined into an alternation must not capture: it would shift the groups
        # of the pattern around it.
        assert pattern.groups == 0 or key == "rename_frames", (key, entry)


def test_each_rename_frame_names_the_task_and_its_new_title_once() -> None:
    for frame in VOCABULARY["rename_frames"]:
        assert set(re.compile(frame).groupindex) == {"old", "new"}, frame


def test_title_announcers_are_single_marks() -> None:
    assert all(len(mark) == 1 for mark in VOCABULARY["title_announcers"])


def test_alternatives_keep_the_listed_order() -> None:
    assert alternatives("move_particles").split("|") == VOCABULARY["move_particles"]
