"""The song catalogue index: per-song emotion profile and lyrics embedding, without the lyrics."""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from engine.errors import ArtifactError, InputError
from engine.labels import EMOTIONS
from engine.paths import CATALOGUE_DIR, file_sha256
from engine.text import clean_lyrics

REQUIRED_COLUMNS = ("artist", "song", "text")
OPTIONAL_COLUMNS = ("link", "year", "spotify_id", "genres")
SONGS_FILE = "songs.parquet"
EMBEDDINGS_FILE = "embeddings.npy"
MANIFEST_FILE = "manifest.json"
REBUILD_HINT = "python -m engine build-index --songs FILE --out artifacts/catalogue"
_TRACK_URL = re.compile(r"open\.spotify\.com/(?:intl-[a-z-]+/)?track/([A-Za-z0-9]{22})")
_TRACK_ID = re.compile(r"^[A-Za-z0-9]{22}$")
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


@dataclass(frozen=True)
class SongTable:
    """Songs read from a CSV: metadata, cleaned lyrics and their hashes, plus what was skipped."""

    songs: pd.DataFrame
    skipped: dict[str, int]


def read_songs(path: str | Path) -> SongTable:
    """Read a songs CSV (gzip allowed) with the Kaggle "Spotify Million Song Dataset" columns.

    Rows without lyrics, artist or title are skipped and counted; duplicate (artist, song) pairs
    (compared case-insensitively) are merged, keeping the first non-empty value of each field.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, compression="infer")
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError) as error:
        raise InputError(f"{path}: not a readable CSV file ({error})") from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing required column(s) {', '.join(missing)}; "
            f"expected at least {', '.join(REQUIRED_COLUMNS)} (found {', '.join(frame.columns)})"
        )
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)].copy()
    for column in frame.columns:
        frame[column] = frame[column].astype(str).str.replace(_INVISIBLE, "", regex=True).str.strip()
    for column in ("artist", "song"):
        frame[column] = frame[column].str.replace(r"\s+", " ", regex=True)
    frame["lyrics"] = frame["text"].map(clean_lyrics)
    skipped = {
        "no_artist": int((frame["artist"] == "").sum()),
        "no_title": int((frame["song"] == "").sum()),
        "no_lyrics": int((frame["lyrics"] == "").sum()),
    }
    frame = frame[(frame["artist"] != "") & (frame["song"] != "") & (frame["lyrics"] != "")]
    before = len(frame)
    frame = _merge_duplicates(frame)
    skipped["duplicates_merged"] = before - len(frame)
    frame["spotify_id"] = [
        _track_id(sid, link) for sid, link in zip(frame["spotify_id"], frame["link"], strict=True)
    ]
    frame["url"] = [
        spotify_url(sid, artist, song)
        for sid, artist, song in zip(frame["spotify_id"], frame["artist"], frame["song"], strict=True)
    ]
    frame["year"] = pd.to_numeric(frame["year"].str[:4], errors="coerce").astype("Int64")
    frame["lyrics_sha256"] = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in frame["lyrics"]]
    columns = ["artist", "song", "year", "spotify_id", "url", "genres", "lyrics", "lyrics_sha256"]
    return SongTable(frame[columns].reset_index(drop=True), skipped)


def _merge_duplicates(frame: pd.DataFrame) -> pd.DataFrame:
    key = frame["artist"].str.casefold() + "\x00" + frame["song"].str.casefold()
    frame = frame.assign(_key=key).replace("", np.nan)
    merged = frame.groupby("_key", sort=False).first().reset_index(drop=True)
    return merged.fillna("")


def _track_id(spotify_id: str, link: str) -> str:
    if _TRACK_ID.match(spotify_id):
        return spotify_id
    match = _TRACK_URL.search(link)
    return match.group(1) if match else ""


def spotify_url(spotify_id: str, artist: str, song: str) -> str:
    """The track's Spotify URL when its id is known, else a Spotify search for "artist song"."""
    if spotify_id:
        return f"https://open.spotify.com/track/{spotify_id}"
    return "https://open.spotify.com/search/" + quote(f"{artist} {song}", safe="")


@dataclass
class Catalogue:
    """A loaded index: one row per song (`songs`) and row-aligned unit-length `embeddings`."""

    songs: pd.DataFrame
    embeddings: np.ndarray
    manifest: dict

    @property
    def probabilities(self) -> np.ndarray:
        """(N, 6) emotion probabilities, columns in `EMOTIONS` order."""
        return self.songs[list(EMOTIONS)].to_numpy(dtype=np.float32)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Catalogue:
        """Load an index directory; a missing or corrupt file raises ArtifactError naming it."""
        directory = Path(directory) if directory is not None else CATALOGUE_DIR
        files = {name: directory / name for name in (SONGS_FILE, EMBEDDINGS_FILE, MANIFEST_FILE)}
        for file in files.values():
            if not file.is_file():
                raise ArtifactError(f"catalogue index file {file} is missing; build it with: {REBUILD_HINT}")
        try:
            songs = pd.read_parquet(files[SONGS_FILE])
            embeddings = np.load(files[EMBEDDINGS_FILE], allow_pickle=False)
            manifest = json.loads(files[MANIFEST_FILE].read_text())
        except Exception as error:  # parquet, numpy and json each raise their own kinds
            raise ArtifactError(
                f"catalogue index in {directory} is unreadable ({error}); rebuild it with: {REBUILD_HINT}"
            ) from error
        missing = [c for c in ("artist", "song", "year", "url", *EMOTIONS) if c not in songs.columns]
        if missing or len(songs) != len(embeddings) or embeddings.ndim != 2:
            raise ArtifactError(
                f"catalogue index in {directory} is inconsistent (missing columns {missing}, "
                f"{len(songs)} songs vs {len(embeddings)} embeddings); rebuild it with: {REBUILD_HINT}"
            )
        return cls(songs, embeddings, manifest)


def build_index(
    songs_csv: str | Path,
    out_dir: str | Path,
    emotion_model,
    encoder,
    batch_size: int = 64,
    checkpoint_every: int = 2000,
    progress: bool = True,
    model_info: dict | None = None,
) -> dict:
    """Build (or update) the catalogue index in `out_dir` and return its manifest.

    Songs whose cleaned lyrics and models are unchanged since the last build in `out_dir` keep
    their vectors; the rest are scored by `emotion_model` (`EmotionModel`) and embedded by
    `encoder` (`SentenceEncoder`). Progress is saved every `checkpoint_every` new songs, so an
    interrupted build resumes where it stopped.
    """
    from tqdm.auto import tqdm

    started = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = read_songs(songs_csv)
    songs = table.songs
    if songs.empty:
        raise InputError(f"{songs_csv}: no usable songs (skipped: {table.skipped})")
    model_info = model_info or {}
    score_cache, vector_cache, history = _previous_build(out, model_info)
    n = len(songs)
    probs = np.zeros((n, len(EMOTIONS)), dtype=np.float32)
    logits = np.zeros_like(probs)
    vectors = np.zeros((n, encoder.dimension), dtype=np.float32)
    need_scores: set[int] = set()
    need_vectors: set[int] = set()
    for row, digest in enumerate(songs["lyrics_sha256"]):
        if digest in score_cache:
            probs[row], logits[row] = score_cache[digest]
        else:
            need_scores.add(row)
        if digest in vector_cache:
            vectors[row] = vector_cache[digest]
        else:
            need_vectors.add(row)
    lengths = songs["lyrics"].str.len().to_numpy()
    # similar lengths batch together: less padding
    todo = sorted(need_scores | need_vectors, key=lambda row: lengths[row])
    reused = n - len(todo)
    done = np.ones(n, dtype=bool)
    done[todo] = False
    bar = tqdm(total=len(todo), desc="indexing songs", unit="song", disable=not progress)
    since_checkpoint = 0
    for start in range(0, len(todo), batch_size):
        rows = todo[start : start + batch_size]
        score_rows = [row for row in rows if row in need_scores]
        if score_rows:
            scores = emotion_model.score(songs["lyrics"].iloc[score_rows].tolist())
            probs[score_rows], logits[score_rows] = scores.probabilities, scores.logits
        vector_rows = [row for row in rows if row in need_vectors]
        if vector_rows:
            vectors[vector_rows] = encoder.embed(songs["lyrics"].iloc[vector_rows].tolist())
        done[rows] = True
        bar.update(len(rows))
        since_checkpoint += len(rows)
        if since_checkpoint >= checkpoint_every and start + batch_size < len(todo):
            _save(
                out,
                songs[done],
                probs[done],
                logits[done],
                vectors[done],
                {"complete": False, "models": model_info},
            )
            since_checkpoint = 0
    bar.close()
    seconds = time.time() - started
    run = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scored": len(need_scores),
        "embedded": len(need_vectors),
        "reused": reused,
        "seconds": round(seconds, 1),
        "songs_per_second": round(len(todo) / seconds, 2) if todo else None,
        "precision": model_info.get("precision"),
    }
    manifest = {
        "complete": True,
        "created": run["created"],
        "source": {"file": Path(songs_csv).name, "sha256": file_sha256(songs_csv)},
        "models": model_info,
        "counts": {
            "songs": n,
            "scored": len(need_scores),
            "embedded": len(need_vectors),
            "reused": reused,
            **table.skipped,
        },
        "dominant_emotion_counts": _dominant_counts(probs),
        "build_seconds": run["seconds"],
        "songs_per_second": run["songs_per_second"],
        "builds": [*history, run],
    }
    _save(out, songs, probs, logits, vectors, manifest)
    return manifest


def _previous_build(
    out: Path, model_info: dict
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, np.ndarray], list[dict]]:
    """From the index already in `out`, keyed by lyrics hash: its emotion scores (when it used the
    same emotion model) and its embeddings (when it used the same sentence model); and its
    recorded build runs, oldest first. Swapping one model re-runs only that model."""
    try:
        old = Catalogue.load(out)
    except ArtifactError:
        return {}, {}, []
    history = list(old.manifest.get("builds", []))
    if "lyrics_sha256" not in old.songs.columns:
        return {}, {}, history
    old_info = old.manifest.get("models") or {}
    digests = old.songs["lyrics_sha256"]
    score_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if _same_model(old_info, model_info, "emotion_"):
        old_probs = old.probabilities
        old_logits = old.songs[[f"logit_{e}" for e in EMOTIONS]].to_numpy(dtype=np.float32)
        score_cache = {digest: (old_probs[i], old_logits[i]) for i, digest in enumerate(digests)}
    vector_cache: dict[str, np.ndarray] = {}
    if _same_model(old_info, model_info, "sentence_"):
        old_vectors = old.embeddings.astype(np.float32)
        vector_cache = {digest: old_vectors[i] for i, digest in enumerate(digests)}
    return score_cache, vector_cache, history


def _same_model(old_info: dict, new_info: dict, prefix: str) -> bool:
    """True when two builds agree on the settings of one model (keys starting with `prefix`) and
    on the precision."""
    keys = {key for key in (*old_info, *new_info) if key.startswith(prefix)} | {"precision"}
    return all(old_info.get(key) == new_info.get(key) for key in keys)


def _save(
    out: Path, songs: pd.DataFrame, probs: np.ndarray, logits: np.ndarray, vectors: np.ndarray, manifest: dict
) -> None:
    """Write songs.parquet, embeddings.npy and the manifest; the lyrics themselves are dropped."""
    table = songs.drop(columns=["lyrics"]).reset_index(drop=True).copy()
    for i, emotion in enumerate(EMOTIONS):
        table[emotion] = probs[:, i].astype(np.float32)
    for i, emotion in enumerate(EMOTIONS):
        table[f"logit_{emotion}"] = logits[:, i].astype(np.float32)
    table["present"] = [",".join(e for e, on in zip(EMOTIONS, row > 0, strict=True) if on) for row in logits]
    table["dominant"] = [EMOTIONS[i] for i in probs.argmax(axis=1)] if len(probs) else []
    table.to_parquet(out / f"{SONGS_FILE}.tmp", index=False)
    np.save(out / f"{EMBEDDINGS_FILE}.tmp.npy", vectors.astype(np.float16))
    (out / f"{MANIFEST_FILE}.tmp").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / f"{SONGS_FILE}.tmp").replace(out / SONGS_FILE)
    (out / f"{EMBEDDINGS_FILE}.tmp.npy").replace(out / EMBEDDINGS_FILE)
    (out / f"{MANIFEST_FILE}.tmp").replace(out / MANIFEST_FILE)


def _dominant_counts(probs: np.ndarray) -> dict[str, int]:
    counts = np.bincount(probs.argmax(axis=1), minlength=len(EMOTIONS)) if len(probs) else np.zeros(6)
    return {e: int(c) for e, c in zip(EMOTIONS, counts, strict=True)}
