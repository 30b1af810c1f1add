"""The committed intent classifier: it loads from the package, matches the corpus it was
trained on, and training is reproducible."""

from __future__ import annotations

import json
from importlib import resources

from local_model.classifier import load_model
from local_model.intents import INTENTS
from local_model.training.__main__ import DEFAULT_CORPUS, corpus_digest, training_text
from local_model.training.trainer import Example, train


def test_committed_weights_load_from_the_package_with_every_intent() -> None:
    model = load_model()
    assert model.classes == INTENTS
    assert 1.0 <= model.temperature <= 6.0
    data = json.loads(
        resources.files("local_model").joinpath("data", "intent_model.json").read_text("utf-8")
    )
    assert len(data["weights"]) == len(data["features"]) * len(INTENTS)


def test_committed_weights_were_trained_on_the_corpus_as_it_is_now() -> None:
    text, lines = training_text(DEFAULT_CORPUS)
    meta = load_model().meta
    assert (meta["corpus_sha256"], meta["examples"]) == (corpus_digest(text), len(lines))


def test_the_classifier_recognises_its_training_corpus() -> None:
    _, lines = training_text(DEFAULT_CORPUS)
    model = load_model()
    correct = sum(
        model.predict(line["messages"][-1]["content"]).intent == line["expect"]["intent"]
        for line in lines
    )
    assert correct / len(lines) >= 0.98


def test_probabilities_are_a_distribution_ranked_best_first() -> None:
    prediction = load_model().predict("remind me to call the bank tomorrow")
    probabilities = [p for _, p in prediction.ranked]
    assert prediction.intent == "add_task"
    assert abs(sum(probabilities) - 1.0) < 1e-9
    assert probabilities == sorted(probabilities, reverse=True)
    assert 0.0 < prediction.confidence <= 1.0


def test_training_twice_with_the_same_seed_gives_the_same_weights() -> None:
    examples = [
        Example(text, intent, f"g{i}")
        for i, (text, intent) in enumerate(
            [
                ("add buy milk", "add_task"),
                ("add call mom", "add_task"),
                ("show my tasks", "list_tasks"),
                ("show my list", "list_tasks"),
                ("thanks", "none"),
                ("thank you", "none"),
            ]
            * 3
        )
    ]
    first, _ = train(examples, list(INTENTS), seed=3)
    second, _ = train(examples, list(INTENTS), seed=3)
    assert first == second
    assert first["features"]
