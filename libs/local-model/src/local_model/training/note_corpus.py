"""`python -m local_model.training.note_corpus`: regenerate the notes corpus (seeded).

Writes corpus/generated/notes.jsonl from corpus/notes (templates, fillers, hand-written lines
including task requests that mention notes and must stay task requests). Notes requests are
read by rule frames (note_requests.py), not by the classifier, so this corpus is scored, not
trained on: ``python -m local_model --jsonl libs/local-model/corpus/generated/notes.jsonl --score``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .corpus import generate, load_corpus

__all__ = ["main"]

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent.parent / "corpus"
NOTES_SEED = 21


def main(argv: list[str] | None = None) -> int:
    """Write the generated notes corpus; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m local_model.training.note_corpus")
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    lines = generate(load_corpus(args.corpus_dir / "notes"), NOTES_SEED, "n")
    out = args.corpus_dir / "generated" / "notes.jsonl"
    out.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    print(f"{out}: {len(lines)} lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
