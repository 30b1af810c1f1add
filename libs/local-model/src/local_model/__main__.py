"""Command-line evaluator: `python -m local_model --jsonl FILE [--score]`.

Prints one JSON line {"id", "intent", "slots", "confidence", "ask"} per input line; with
--score, also the intent accuracy, the share of items whose slots all match, the share it
would ask about instead of acting, and the wrong actions, per intent and overall.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .evaluation import score


def main(argv: list[str] | None = None) -> int:
    """Run the evaluator; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m local_model")
    parser.add_argument("--jsonl", required=True, type=Path, help="labelled or unlabelled lines")
    parser.add_argument("--score", action="store_true", help="compare with each line's expect")
    args = parser.parse_args(argv)
    lines = [
        json.loads(raw)
        for raw in args.jsonl.read_text(encoding="utf-8").splitlines()
        if raw.strip()
    ]
    predictions, result = score(lines)
    for prediction in predictions:
        print(prediction.to_json())
    if args.score:
        summary = result.as_dict()
        overall = summary["overall"]
        print(
            f"overall: items={overall['items']} intent_accuracy={overall['intent_accuracy']:.1%}"
            f" slots_exact={overall['slots_exact']:.1%} ask_rate={overall['ask_rate']:.1%}"
            f" wrong_actions={overall['wrong_actions']}",
            file=sys.stdout,
        )
        for name, tally in summary["per_intent"].items():
            print(
                f"  {name:16} items={tally['items']:3}"
                f" intent_accuracy={tally['intent_accuracy']:.1%}"
                f" slots_exact={tally['slots_exact']:.1%}"
                f" ask_rate={tally['ask_rate']:.1%} wrong_actions={tally['wrong_actions']}"
            )
        if result.misses:
            print("misses: " + " ".join(result.misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
