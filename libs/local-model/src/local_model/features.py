"""The features the intent classifier reads from a message: words, word pairs, character
n-grams (for typos) and a few shape cues. Quoted text is masked: a quoted title never votes."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["features", "normalise"]

_QUOTED = re.compile(r"""(?<![\w'])(['"\u2018\u201c])(?!\s)(.+?)(?<!\s)['"\u2019\u201d](?![\w])""")
_TOKEN = re.compile(r"[a-z][a-z']*|\d+|[?!#:✅]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise(message: str) -> str:
    """Lowercase, NFKC, straight apostrophes, quoted spans replaced by `qqq`."""
    text = unicodedata.normalize("NFKC", message).translate(_APOSTROPHES).lower()
    return _QUOTED.sub(" qqq ", text)


def _shape(token: str) -> str:
    return "9" if token.isdigit() else token


def features(message: str) -> list[str]:
    """The feature names of `message` (repeats allowed: each counts once more)."""
    text = normalise(message)
    tokens = [_shape(t) for t in _TOKEN.findall(text)]
    out = ["bias"]
    if not tokens:
        return [*out, "empty"]
    non_ascii = sum(1 for ch in text if ord(ch) > 0x7F and ch.isalpha())
    if non_ascii:
        out.append("nonascii" if non_ascii < 3 else "nonascii3")
    out.append("first:" + tokens[0])
    out.append("last:" + tokens[-1])
    if len(tokens) > 1:
        out.append("first2:" + tokens[0] + "_" + tokens[1])
    out.append("len:" + str(min(len(tokens), 12) // 3))
    if text.rstrip().endswith("?"):
        out.append("question")
    previous = "<s>"
    for token in tokens:
        out.append("w:" + token)
        out.append("b:" + previous + "_" + token)
        previous = token
        if token.isalpha() and len(token) > 2:
            padded = "<" + token + ">"
            for n in (3, 4):
                for i in range(len(padded) - n + 1):
                    out.append("c:" + padded[i : i + n])
    out.append("b:" + previous + "_</s>")
    return out
