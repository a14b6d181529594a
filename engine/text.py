"""Cleaning lyrics and splitting long text into chunks that fit a model's window."""

from __future__ import annotations

import re
from collections.abc import Callable

_SECTION_TAG = re.compile(r"^\s*[\[(][^\]\)\n]{0,60}[\])]\s*$", re.MULTILINE)
_INLINE_TAG = re.compile(r"\[[^\]\n]{0,60}\]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_lyrics(text: str, unique_lines: bool = True) -> str:
    """Strip section tags like ``[Chorus]``, blank-line runs and stray spaces from lyrics.

    With `unique_lines`, a line repeated later (a chorus sung again) is kept once: the repeats add
    model time, not meaning.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SECTION_TAG.sub("", text)
    text = _INLINE_TAG.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    if unique_lines:
        lines = list(dict.fromkeys(lines))
    return "\n".join(lines)


def split_units(text: str) -> list[str]:
    """Split text into lines, and lines into sentences: the boundaries chunks may break at."""
    units: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            units.extend(part for part in _SENTENCE_END.split(line) if part)
    return units


def chunk_text(text: str, max_tokens: int, count_tokens: Callable[[list[str]], list[int]]) -> list[str]:
    """Pack the lines/sentences of `text` into chunks of at most `max_tokens` tokens each.

    `count_tokens` returns the token count of each string it is given (no special tokens). A single
    unit longer than the window is cut at word boundaries. Empty text gives one empty chunk, so
    every input maps to at least one chunk.
    """
    units = split_units(text)
    if not units:
        return [""]
    counts = count_tokens(units)
    if sum(counts) + len(units) <= max_tokens:
        return [" ".join(units)] if "\n" not in text else ["\n".join(units)]
    pieces: list[tuple[str, int]] = []
    for unit, count in zip(units, counts, strict=True):
        if count <= max_tokens:
            pieces.append((unit, count))
        else:
            pieces.extend(_cut_words(unit, count, max_tokens))
    chunks: list[str] = []
    current: list[str] = []
    used = 0
    for unit, count in pieces:
        if current and used + count + 1 > max_tokens:
            chunks.append("\n".join(current))
            current, used = [], 0
        current.append(unit)
        used += count + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


def chunk_texts(
    texts: list[str], max_tokens: int, count_tokens: Callable[[list[str]], list[int]]
) -> tuple[list[str], list[int]]:
    """Chunks of every text within `max_tokens` (special tokens excluded), and the index of the
    text each chunk came from. Texts of at most `max_tokens` characters skip token counting: a
    WordPiece token covers at least one character, so they cannot exceed the window."""
    pieces: list[str] = []
    owners: list[int] = []
    for index, text in enumerate(texts):
        chunks = [text.strip()] if len(text) <= max_tokens else chunk_text(text, max_tokens, count_tokens)
        pieces.extend(chunks)
        owners.extend([index] * len(chunks))
    return pieces, owners


def _cut_words(unit: str, count: int, max_tokens: int) -> list[tuple[str, int]]:
    """Cut an over-long unit into word runs of roughly `max_tokens` tokens (estimated by ratio)."""
    words = unit.split()
    parts = -(-count // max_tokens) + 1  # one extra part: the ratio estimate is not exact
    size = max(1, -(-len(words) // parts))
    runs = [" ".join(words[i : i + size]) for i in range(0, len(words), size)]
    estimate = -(-count // len(runs))
    return [(run, min(estimate, max_tokens)) for run in runs]
