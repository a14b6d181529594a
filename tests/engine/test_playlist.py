"""The shipped engine (real model and index) answering both modes, and its input checks."""

from __future__ import annotations

import json

import pytest

from engine.cli import main
from engine.errors import InputError
from engine.playlist import MAX_LENGTH
from engine.sts_eval import evaluate_sts


def test_shipped_engine_answers_mood(playlist_engine):
    playlist = playlist_engine.mood("I aced my exam and can't stop smiling", n=10)
    assert playlist.mode == "mood"
    assert playlist.emotion == "joy"
    assert len(playlist.tracks) == 10
    assert all(t.url.startswith("https://open.spotify.com/") for t in playlist.tracks)
    assert all(t.emotion == "joy" for t in playlist.tracks)
    scores = [t.score for t in playlist.tracks]
    assert scores == sorted(scores, reverse=True)
    artists = [t.artist.casefold() for t in playlist.tracks]
    assert max(artists.count(a) for a in artists) <= 2


def test_shipped_engine_answers_likesong(playlist_engine):
    lyrics = (
        "I still hear your voice when the night is cold\nTears on the pillow, the story's getting old\n" * 3
    )
    playlist = playlist_engine.likesong(lyrics, n=5)
    assert playlist.mode == "likesong"
    assert len(playlist.tracks) == 5
    similarities = [t.score for t in playlist.tracks]
    assert similarities == sorted(similarities, reverse=True)
    assert all("lyrics similarity" in t.reason for t in playlist.tracks)


def test_repeated_moods_may_vary_but_a_seed_repeats(playlist_engine):
    runs = [playlist_engine.mood("so happy today", n=10, seed=s).tracks for s in range(4)]
    assert any(run != runs[0] for run in runs[1:])
    assert playlist_engine.mood("so happy today", n=10, seed=3).tracks == runs[3]


@pytest.mark.parametrize("n", [0, -1, MAX_LENGTH + 1, 999, 2.5, "10", True])
def test_length_out_of_range_is_a_clear_error(playlist_engine, n):
    with pytest.raises(InputError, match=f"1 to {MAX_LENGTH}"):
        playlist_engine.mood("happy", n=n)


@pytest.mark.parametrize("text", ["", "   \n\t", "🎉🎉🔥", "12345 !!!", "x" * 20_001])
def test_unreadable_text_is_a_clear_error(playlist_engine, text):
    with pytest.raises(InputError):
        playlist_engine.mood(text)
    with pytest.raises(InputError):
        playlist_engine.likesong(text)


def test_non_english_and_markup_text_still_get_a_playlist(playlist_engine):
    for text in [
        "je suis tellement heureux aujourd'hui",
        "**@everyone** <@&123> `so sad`",
        "私はとても悲しい",
    ]:
        assert len(playlist_engine.mood(text, n=3).tracks) == 3


def test_sts_check_reports_repeats_mean_and_interval(playlist_engine):
    result = evaluate_sts(playlist_engine.catalogue, trials=200, repeats=3, seed=1)
    assert len(result["repeats"]) == 3
    assert 0.0 <= result["mean"] <= 1.0
    low, high = result["ci95_binomial"]
    assert low <= result["mean"] <= high


def test_recommend_command_prints_json_last(capsys):
    assert (
        main(["recommend", "mood", "I", "miss", "you", "so", "much", "-n", "3", "--seed", "1", "--json"]) == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    playlist = json.loads(lines[-1])
    assert playlist["mode"] == "mood" and len(playlist["tracks"]) == 3
    assert lines[1].startswith(" 1. ")


def test_recommend_bad_length_exits_2_with_message(capsys):
    assert main(["recommend", "mood", "happy", "-n", "0"]) == 2
    assert "1 to 50" in capsys.readouterr().err


def test_bench_command_prints_its_figures(capsys):
    assert main(["bench", "--calls", "3", "--precision", "fp32", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    for key in ("load_seconds", "mood", "likesong", "naive", "peak_rss_mb"):
        assert key in result
    assert result["precision"] == "fp32"
    assert result["mood"]["p50_ms"] > 0 and result["naive"]["speedup"] > 1
    assert any(line.startswith("mood ") for line in lines)
