"""Shared fixtures: the real shipped engine, loaded once per test session, and data locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"

requires_shared_data = pytest.mark.skipif(
    not (SHARED_DATA / "emotion" / "val.txt").is_file(),
    reason=f"needs the project data at {SHARED_DATA} (present in CI, absent from a user's clone)",
)


@pytest.fixture(scope="session")
def playlist_engine():
    """The shipped emotion model, sentence model and catalogue index."""
    from engine import PlaylistEngine

    return PlaylistEngine.load()


@pytest.fixture(scope="session")
def emotion_model(playlist_engine):
    return playlist_engine.emotion_model


@pytest.fixture(scope="session")
def sentence_encoder(playlist_engine):
    return playlist_engine.encoder
