"""The design's STS check (section 4.2): is a song of the same emotion rated more similar?"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from engine.catalogue import Catalogue
from engine.labels import EMOTIONS
from engine.vectors import normalise_rows


def sts_trial_accuracy(
    embeddings: np.ndarray, emotions: np.ndarray, trials: int, rng: np.random.Generator
) -> float:
    """Share of trials where an anchor song is closer to a same-emotion song than to another one.

    Each trial draws an emotion (among those with two or more songs), an anchor and a positive
    song of that emotion, and a negative song of any other emotion.
    """
    groups = {e: np.flatnonzero(emotions == e) for e in np.unique(emotions)}
    eligible = [e for e, rows in groups.items() if len(rows) >= 2]
    others = {e: np.flatnonzero(emotions != e) for e in eligible}
    if not eligible or any(len(rows) == 0 for rows in others.values()):
        raise ValueError("the STS check needs two or more songs of one emotion and songs of another")
    wins = 0
    for _ in range(trials):
        emotion = eligible[rng.integers(len(eligible))]
        anchor, positive = rng.choice(groups[emotion], size=2, replace=False)
        negative = rng.choice(others[emotion])
        wins += float(embeddings[anchor] @ embeddings[positive]) > float(
            embeddings[anchor] @ embeddings[negative]
        )
    return wins / trials


def evaluate_sts(catalogue: Catalogue, trials: int = 1000, repeats: int = 3, seed: int = 0) -> dict:
    """Run the check `repeats` times; report each accuracy, the mean, the spread and a 95% interval."""
    embeddings = normalise_rows(catalogue.embeddings.astype(np.float32))
    emotions = catalogue.probabilities.argmax(axis=1)
    rng = np.random.default_rng(seed)
    accuracies = [sts_trial_accuracy(embeddings, emotions, trials, rng) for _ in range(repeats)]
    mean = float(np.mean(accuracies))
    std = float(np.std(accuracies, ddof=1)) if repeats > 1 else 0.0
    half = float(stats.t.ppf(0.975, repeats - 1) * std / math.sqrt(repeats)) if repeats > 1 else float("nan")
    pooled = mean * trials * repeats
    binomial = stats.binomtest(round(pooled), trials * repeats).proportion_ci(0.95)
    return {
        "trials": trials,
        "repeats": [round(a, 4) for a in accuracies],
        "mean": round(mean, 4),
        "std": round(std, 4),
        "ci95_between_repeats": [round(mean - half, 4), round(mean + half, 4)] if repeats > 1 else None,
        "ci95_binomial": [round(binomial.low, 4), round(binomial.high, 4)],
        "songs_per_emotion": {EMOTIONS[e]: int((emotions == e).sum()) for e in range(len(EMOTIONS))},
        "seed": seed,
    }
