"""Playlists from a mood sentence or from lyrics: the design's two modes over the catalogue."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from engine.catalogue import Catalogue
from engine.errors import InputError
from engine.labels import EMOTIONS
from engine.text import clean_lyrics
from engine.vectors import normalise_rows

DEFAULT_LENGTH = 10
MAX_LENGTH = 50
MAX_PER_ARTIST = 2


@dataclass(frozen=True)
class Track:
    """One song of a playlist, with why it was picked."""

    artist: str
    song: str
    year: int | None
    url: str
    emotion: str
    """The emotion the song was picked for."""
    score: float
    reason: str
    """One line, e.g. "joy 0.91 · lyrics similarity 0.62"."""


@dataclass(frozen=True)
class Playlist:
    """The result of a request: the input's emotion distribution and the ranked tracks."""

    mode: str
    """"mood" or "likesong"."""
    distribution: dict[str, float]
    """Probability of each emotion for the input text, in `EMOTIONS` order."""
    tracks: list[Track] = field(default_factory=list)

    @property
    def emotion(self) -> str:
        """The input's dominant emotion."""
        return max(self.distribution, key=self.distribution.__getitem__)

    @property
    def confidence(self) -> float:
        """Probability of the dominant emotion."""
        return self.distribution[self.emotion]


MAX_INPUT_CHARS = 20_000
SAME_SONG_SIMILARITY = 0.9
"""Lyrics this similar to the input are the input song itself (or a copy of it) and are left out."""
MOOD_POOL = 60
MOOD_TEMPERATURE = 0.05
"""Mood playlists sample among strong songs with weights score^(1/T): low T keeps the strongest first."""


def check_length(n: int) -> int:
    """Return `n` if it is a valid playlist length, else raise InputError with a user-facing message."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise InputError(f"The playlist length must be a whole number from 1 to {MAX_LENGTH}.")
    if not 1 <= n <= MAX_LENGTH:
        raise InputError(f"The playlist length must be from 1 to {MAX_LENGTH} (got {n}).")
    return int(n)


def check_text(text: str, what: str) -> str:
    """Return the stripped text if there is something to read in it, else raise InputError."""
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"Nothing to read in the {what}: give me some words to work with.")
    if len(text) > MAX_INPUT_CHARS:
        raise InputError(f"That is {len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}.")
    if not any(ch.isalpha() for ch in text):
        raise InputError(f"I need words in the {what}: emoji, numbers or symbols alone don't tell me enough.")
    return text.strip()


class PlaylistEngine:
    """Playlists from the catalogue: by mood (ER) and by lyrics (ER to filter, STS to rank)."""

    def __init__(
        self,
        emotion_model,
        encoder,
        catalogue: Catalogue,
        max_per_artist: int = MAX_PER_ARTIST,
        precision: Callable[[], AbstractContextManager] = contextlib.nullcontext,
    ) -> None:
        self.emotion_model = emotion_model
        self.encoder = encoder
        self.catalogue = catalogue
        self.max_per_artist = max_per_artist
        # One model call at a time: torch already uses every core for one call, and a fast tokenizer
        # shared between threads can fail with "Already borrowed".
        self._model_lock = threading.Lock()
        self.precision = precision
        """Context manager factory the model calls run in (bfloat16 autocast or nothing)."""
        songs = catalogue.songs
        self._probs = catalogue.probabilities
        # The similarity pass runs in torch, not numpy: numpy's OpenBLAS keeps its own worker threads
        # spinning after a call, and on a small machine they fight torch's threads for the cores
        # (measured on 2 cores: likesong p50 175 ms with a numpy product, 97 ms with torch).
        self._embeddings = torch.from_numpy(normalise_rows(catalogue.embeddings.astype(np.float32)))
        logit_columns = [f"logit_{e}" for e in EMOTIONS]
        if all(c in songs.columns for c in logit_columns):
            self._present = songs[logit_columns].to_numpy(dtype=np.float32) > 0
        else:  # an index without logits: fall back to the dominant emotion
            self._present = self._probs == self._probs.max(axis=1, keepdims=True)
        self._artist_keys = songs["artist"].str.casefold().to_numpy()
        self._by_emotion = [np.argsort(-self._probs[:, e], kind="stable") for e in range(len(EMOTIONS))]
        self._years = [None if pd.isna(y) else int(y) for y in songs["year"]]

    @classmethod
    def load(
        cls,
        model_dir: str | Path | None = None,
        catalogue_dir: str | Path | None = None,
        sentence_model: str | Path | None = None,
        precision: str = "auto",
    ) -> PlaylistEngine:
        """The shipped emotion model, sentence model and catalogue index (each path overridable).

        `precision` "auto" runs the models in bfloat16 on CPUs with native support (about 1.4x
        faster queries, same validation accuracy), else "fp32"; see `engine.precision`.
        """
        from engine.emotion import EmotionModel
        from engine.precision import cpu_precision, resolve_precision
        from engine.sts import SentenceEncoder

        catalogue = Catalogue.load(catalogue_dir)
        return cls(
            EmotionModel.load(model_dir),
            SentenceEncoder.load(sentence_model),
            catalogue,
            precision=functools.partial(cpu_precision, resolve_precision(precision)),
        )

    def __len__(self) -> int:
        return len(self.catalogue.songs)

    def candidate_count(self, emotion: str) -> int:
        """How many songs carry `emotion` by the design's rule (positive logit)."""
        return int(self._present[:, EMOTIONS.index(emotion)].sum())

    def mood(self, text: str, n: int = DEFAULT_LENGTH, seed: int | None = None) -> Playlist:
        """Songs that most strongly express the emotion of `text`; `seed` makes the draw repeatable."""
        n = check_length(n)
        text = check_text(text, "mood text")
        with self._model_lock, self.precision():
            distribution = self.emotion_model.predict([text])[0]
        emotion = int(distribution.argmax())
        pool = self._by_emotion[emotion][: max(MOOD_POOL, 4 * n)]
        scores = self._probs[pool, emotion]
        rng = np.random.default_rng(seed)
        keys = np.log(np.maximum(scores, 1e-9)) / MOOD_TEMPERATURE + rng.gumbel(size=len(pool))
        chosen = self._cap_artists(pool[np.argsort(-keys)], n)
        chosen = sorted(chosen, key=lambda i: -self._probs[i, emotion])
        tracks = [self._track(i, emotion, float(self._probs[i, emotion]), None) for i in chosen]
        return Playlist("mood", _as_distribution(distribution), tracks)

    def likesong(self, lyrics: str, n: int = DEFAULT_LENGTH, seed: int | None = None) -> Playlist:
        """Songs of the lyrics' emotion ranked by lyrics similarity, leaving out the song itself.

        Candidates follow the design: songs in which that emotion is present (positive logit); when
        too few remain, the songs strongest in that emotion are added. `seed` is accepted for a
        uniform API; the ranking is deterministic.
        """
        n = check_length(n)
        cleaned = clean_lyrics(check_text(lyrics, "lyrics"))
        with self._model_lock:
            with self.precision():
                distribution = self.emotion_model.predict([cleaned])[0]
                query = self.encoder.embed([cleaned])[0]
            similarity = torch.mv(self._embeddings, torch.from_numpy(query)).numpy()
        emotion = int(distribution.argmax())
        candidates = np.flatnonzero(self._present[:, emotion] & (similarity < SAME_SONG_SIMILARITY))
        if len(candidates) < 3 * n:
            strongest = self._by_emotion[emotion][: max(200, 10 * n)]
            extra = strongest[similarity[strongest] < SAME_SONG_SIMILARITY]
            candidates = np.union1d(candidates, extra)
        ranked = candidates[np.argsort(-similarity[candidates], kind="stable")]
        chosen = self._cap_artists(ranked, n)
        tracks = [
            self._track(i, emotion, float(similarity[i]), float(self._probs[i, emotion])) for i in chosen
        ]
        return Playlist("likesong", _as_distribution(distribution), tracks)

    def _cap_artists(self, ranked: np.ndarray, n: int) -> list[int]:
        """The first `n` songs of `ranked` with at most `max_per_artist` songs per artist."""
        per_artist: dict[str, int] = {}
        chosen: list[int] = []
        for index in ranked:
            artist = self._artist_keys[index]
            if per_artist.get(artist, 0) >= self.max_per_artist:
                continue
            per_artist[artist] = per_artist.get(artist, 0) + 1
            chosen.append(int(index))
            if len(chosen) == n:
                break
        return chosen

    def _track(self, index: int, emotion: int, score: float, emotion_score: float | None) -> Track:
        row = self.catalogue.songs.iloc[index]
        name = EMOTIONS[emotion]
        if emotion_score is None:
            reason = f"{name} {score:.2f}"
        else:
            reason = f"{name} {emotion_score:.2f} · lyrics similarity {score:.2f}"
        return Track(
            artist=str(row["artist"]),
            song=str(row["song"]),
            year=self._years[index],
            url=str(row["url"]),
            emotion=name,
            score=round(score, 4),
            reason=reason,
        )


def _as_distribution(probabilities: np.ndarray) -> dict[str, float]:
    return {name: round(float(p), 4) for name, p in zip(EMOTIONS, probabilities, strict=True)}
