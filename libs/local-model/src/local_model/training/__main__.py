"""`python -m local_model.training`: regenerate the corpora, train the classifier, write weights.

    uv run --frozen python -m local_model.training [--corpus-dir DIR] [--check]

Writes DIR/generated/train.jsonl, DIR/generated/spans.jsonl and DIR/generated/heldout.jsonl
(seeded, reproducible), src/local_model/data/intent_model.json (the intent classifier, trained
on train.jsonl) and src/local_model/data/span_model.json (the span tagger, trained on
train.jsonl and spans.jsonl); --check only verifies that both were trained on the corpus as it
is now (the digest of what each trained on, recorded in them).

The tagger's own corpus (DIR/spans: titles and targets with linking words, repetitions,
preambles) teaches it where a title ends without changing the classifier's corpus: resampling
that corpus moves the classifier's calibrated confidence, and with it which changes are asked
about.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from local_model.understanding import INTENTS

from .corpus import generate, load_corpus
from .slot_calibration import slot_reliability
from .tagger_trainer import TaggedExample, align, train_tagger
from .trainer import Example, train

__all__ = ["main"]

PACKAGE = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PACKAGE.parent.parent / "corpus"
WEIGHTS = PACKAGE / "data" / "intent_model.json"
SPAN_WEIGHTS = PACKAGE / "data" / "span_model.json"
TRAIN_SEED = 14
HELDOUT_SEED = 41
SPANS_SEED = 27


def _jsonl(lines: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def corpus_digest(text: str) -> str:
    """The digest of a generated corpus, recorded in the weights it trained."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def training_text(corpus_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    """The generated training corpus (as JSON lines) and its lines."""
    lines = generate(load_corpus(corpus_dir / "train"), TRAIN_SEED, "t")
    return _jsonl(lines), lines


def span_text(corpus_dir: Path) -> tuple[str, list[dict[str, Any]]]:
    """The generated corpus only the span tagger trains on (as JSON lines) and its lines; its
    templates use the training corpus's fillers but for those it gives (titles, targets,
    dates)."""
    train, spans = load_corpus(corpus_dir / "train"), load_corpus(corpus_dir / "spans")
    corpus = replace(spans, fillers={**train.fillers, **spans.fillers})
    lines = generate(corpus, SPANS_SEED, "s")
    return _jsonl(lines), lines


def tagger_digest(corpus_dir: Path) -> str:
    """The digest of everything the span tagger trains on, recorded in its weights."""
    return corpus_digest(training_text(corpus_dir)[0] + span_text(corpus_dir)[0])


def _examples(lines: list[dict[str, Any]]) -> list[Example]:
    out = []
    for line in lines:
        message = _last_user(line)
        group = str(line.get("template", line["id"]))
        out.append(Example(message, line["expect"]["intent"], group))
    return out


def _last_user(line: dict[str, Any]) -> str:
    return str(next(m["content"] for m in reversed(line["messages"]) if m["role"] == "user"))


def _aligned(lines: list[dict[str, Any]]) -> list[TaggedExample | None]:
    return [
        align(_last_user(line), line["expect"]["intent"], line["expect"].get("slots", {}))
        for line in lines
    ]


def _recorded_digest(path: Path) -> str | None:
    if not path.exists():
        return None
    return str(json.loads(path.read_text(encoding="utf-8"))["meta"]["corpus_sha256"])


def main(argv: list[str] | None = None) -> int:
    """Regenerate, train and write; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m local_model.training")
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="verify the committed weights")
    args = parser.parse_args(argv)
    text, lines = training_text(args.corpus_dir)
    extra_text, extra_lines = span_text(args.corpus_dir)
    digest, spans_digest = corpus_digest(text), corpus_digest(text + extra_text)
    if args.check:
        fresh = (
            _recorded_digest(WEIGHTS) == digest and _recorded_digest(SPAN_WEIGHTS) == spans_digest
        )
        print("weights match the corpus" if fresh else "weights are stale")
        return 0 if fresh else 1
    generated = args.corpus_dir / "generated"
    generated.mkdir(exist_ok=True)
    (generated / "train.jsonl").write_text(text, encoding="utf-8")
    (generated / "spans.jsonl").write_text(extra_text, encoding="utf-8")
    heldout = generate(load_corpus(args.corpus_dir / "heldout"), HELDOUT_SEED, "h")
    (generated / "heldout.jsonl").write_text(_jsonl(heldout), encoding="utf-8")
    started = time.perf_counter()
    data, figures = train(_examples(lines), list(INTENTS), TRAIN_SEED)
    data["meta"] = {"corpus_sha256": digest, "examples": len(lines), "seed": TRAIN_SEED}
    WEIGHTS.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    aligned = _aligned(lines)
    extra = [example for example in _aligned(extra_lines) if example is not None]
    tagged = [example for example in aligned if example is not None] + extra
    calibration = slot_reliability(lines, aligned, TRAIN_SEED, extra)
    spans = train_tagger(tagged, TRAIN_SEED)
    spans["slot_reliability"] = calibration["reliability"]
    spans["meta"] = {
        "corpus_sha256": spans_digest,
        "examples": len(tagged),
        "seed": TRAIN_SEED,
        "calibration_counts": calibration["counts"],
    }
    SPAN_WEIGHTS.write_text(json.dumps(spans, separators=(",", ":")) + "\n", encoding="utf-8")
    figures["tagger_examples"] = len(tagged)
    figures["slot_reliability"] = calibration["reliability"]
    figures["tagger_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps({"examples": len(lines), "heldout": len(heldout), **figures}), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
