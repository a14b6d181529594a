from __future__ import annotations

from engine.text import chunk_text, clean_lyrics


def _words(texts: list[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def test_clean_lyrics_drops_tags_blank_runs_and_repeats():
    raw = "[Verse 1]\nWalking  home\n\n\n\n[Chorus]\nOh la la\nOh la la\n(Bridge)\nthe end\r\n"
    assert clean_lyrics(raw) == "Walking home\nOh la la\nthe end"
    assert clean_lyrics(raw, unique_lines=False).count("Oh la la") == 2


def test_chunks_break_at_lines_and_fit_the_window():
    text = "\n".join(f"line number {i} has five words" for i in range(100))
    chunks = chunk_text(text, 40, _words)
    assert len(chunks) > 1
    assert all(sum(_words(c.split("\n"))) + c.count("\n") <= 40 for c in chunks)
    assert "\n".join(chunks).split("\n") == text.split("\n")


def test_an_overlong_line_is_cut_at_words_and_empty_text_is_one_chunk():
    chunks = chunk_text("word " * 500, 50, _words)
    assert len(chunks) >= 10
    assert all(len(c.split()) <= 50 for c in chunks)
    assert chunk_text("   ", 50, _words) == [""]
