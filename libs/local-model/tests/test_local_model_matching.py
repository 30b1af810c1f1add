"""Which task a named target picks: one to act on only when the user's words all name it."""

from local_model.matching import match_tasks
from local_model.replies import clarify


def _tasks(*titles: str) -> list[dict[str, object]]:
    return [{"id": str(i), "title": title, "completed": False} for i, title in enumerate(titles)]


def _picked(target: str, *titles: str) -> tuple[object, list[object]]:
    found = match_tasks(target, _tasks(*titles), False)
    chosen = found.chosen["title"] if found.chosen else None
    return chosen, [task["title"] for task in found.candidates]


def test_a_task_named_in_other_forms_of_its_words_is_acted_on() -> None:
    assert _picked("walked the dog", "walk the dog", "buy milk") == (
        "walk the dog",
        ["walk the dog"],
    )
    assert _picked("dentst", "call the dentist") == ("call the dentist", ["call the dentist"])
    assert _picked("electrician", "call the electrician", "buy milk")[0] == "call the electrician"


def test_one_shared_word_is_asked_about_not_acted_on() -> None:
    assert _picked("walked the dog", "feed the dog", "buy milk") == (None, ["feed the dog"])


def test_a_question_about_one_candidate_says_task_not_tasks() -> None:
    text = clarify("walked the dog", _tasks("feed the dog"), "complete")
    assert text.startswith("I found 1 task matching 'walked the dog': 1. 'feed the dog'.")
