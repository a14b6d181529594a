"""`python -m engine bench`: latency of both modes, load time and peak memory of the engine."""

from __future__ import annotations

import resource
import time

import numpy as np

from engine.playlist import PlaylistEngine
from engine.precision import resolve_precision

MOOD_SENTENCES = [
    "I aced my exam and can't stop smiling",
    "my dog died this morning and the house feels empty",
    "why does nobody ever listen to me, I am so done with this",
    "I miss holding her hand on the way home",
    "there is a noise downstairs and I am home alone",
    "wait, they actually gave me the job?!",
    "rainy sunday, coffee, nothing to do",
    "first day at a new school tomorrow and my stomach is in knots",
]

# An invented lyric of about 300 words (no real song's words), standing in for pasted lyrics.
BENCH_LYRIC = "\n".join(
    [
        "Streetlights hum a tune I used to know",
        "Every window on this avenue is glowing gold",
        "I kept your jacket folded by the door",
        "Like you might come back for it once more",
        "And the city never sleeps but I do, I do",
        "Dreaming of a summer when the sky was new",
        "We were running down the platform, missing every train",
        "Laughing at the thunder, dancing in the rain",
        "Oh, hold on, hold on to the little things",
        "The way the morning cracks and the kettle sings",
        "Oh, hold on, hold on to the afterglow",
        "Some days you are everything I know",
        "Paper cups and postcards from a seaside town",
        "Your handwriting leaning like it's falling down",
        "I read them when the evening gets too long",
        "And hum the middle eight of our old song",
        "Now the neighbours' radio is playing something sweet",
        "Children drawing rockets on the concrete street",
        "I can feel the weather turning in my bones",
        "I can hear the echo of a thousand telephones",
        "Oh, hold on, hold on to the little things",
        "The quiet in between what tomorrow brings",
        "Oh, hold on, hold on, don't let the moment go",
        "Some nights you are everything I know",
        "If the river takes the bridges and the lanterns all go out",
        "I will find you by the singing, I will find you by the shout",
        "There's a candle in the kitchen and a light above the stair",
        "And a space beside the window that is waiting for you there",
        "So I count the falling stars until the count is through",
        "Every wish I ever wasted was a wish for you",
        "Streetlights hum a tune I used to know",
        "And I'm learning how to whistle it, slow",
        "Hold on, hold on, the night is nearly gone",
        "Hold on, hold on, the radio plays on",
        "Every colour of the evening bleeding into blue",
        "Every road I ever travelled bending back to you",
    ]
)


def _percentiles(samples: list[float]) -> dict[str, float]:
    values = np.array(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def run_bench(
    calls: int = 200, naive_sample: int = 20, model_dir=None, catalogue_dir=None, precision: str = "auto"
) -> dict:
    """Load the engine once, time `calls` requests of each mode, and compare with naive re-encoding."""
    started = time.perf_counter()
    engine = PlaylistEngine.load(model_dir, catalogue_dir, precision=precision)
    engine.mood("warm-up")
    load_seconds = time.perf_counter() - started

    mood_times = []
    for i in range(calls):
        t0 = time.perf_counter()
        engine.mood(MOOD_SENTENCES[i % len(MOOD_SENTENCES)], n=10)
        mood_times.append(time.perf_counter() - t0)

    like_times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        playlist = engine.likesong(BENCH_LYRIC, n=10)
        like_times.append(time.perf_counter() - t0)

    # The design re-encoded every candidate song's lyrics at query time. Time that on a sample of
    # lyric-sized texts and extrapolate to this query's candidate count.
    emotion = playlist.emotion
    candidates = engine.candidate_count(emotion)
    with engine.precision():
        t0 = time.perf_counter()
        engine.encoder.embed([BENCH_LYRIC] * naive_sample)
    per_song = (time.perf_counter() - t0) / naive_sample
    like = _percentiles(like_times)
    naive_ms = per_song * candidates * 1000 + like["p50_ms"]
    return {
        "songs": len(engine),
        "precision": resolve_precision(precision),
        "load_seconds": round(load_seconds, 2),
        "mood": _percentiles(mood_times),
        "likesong": like,
        "likesong_words": len(BENCH_LYRIC.split()),
        "calls": calls,
        "naive": {
            "candidates": candidates,
            "encode_ms_per_song": round(per_song * 1000, 2),
            "estimated_query_ms": round(naive_ms, 1),
            "speedup": round(naive_ms / like["p50_ms"], 1),
        },
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def format_bench(result: dict) -> str:
    naive = result["naive"]
    return "\n".join(
        [
            f"songs in index      {result['songs']}",
            f"precision           {result['precision']}",
            f"ready in            {result['load_seconds']:.2f} s (models + index + first query)",
            f"mood      p50 {result['mood']['p50_ms']:7.2f} ms   p95 {result['mood']['p95_ms']:7.2f} ms  ({result['calls']} calls)",
            f"likesong  p50 {result['likesong']['p50_ms']:7.2f} ms   p95 {result['likesong']['p95_ms']:7.2f} ms  "
            f"({result['calls']} calls, {result['likesong_words']}-word lyric)",
            f"naive re-encoding   {naive['encode_ms_per_song']:.1f} ms/song x {naive['candidates']} candidates "
            f"= ~{naive['estimated_query_ms'] / 1000:.1f} s per query ({naive['speedup']:.0f}x slower)",
            f"peak RSS            {result['peak_rss_mb']:.0f} MB",
        ]
    )
