"""moodlist engine: emotion recognition, the song catalogue, and playlists.

Heavy modules (torch, transformers) load on first use, so `engine.labels` stays cheap to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.labels import EMOTIONS

if TYPE_CHECKING:
    from engine.emotion import EmotionModel
    from engine.playlist import Playlist, PlaylistEngine, Track

__all__ = ["EMOTIONS", "EmotionModel", "Playlist", "PlaylistEngine", "Track"]

_LAZY = {
    "EmotionModel": "engine.emotion",
    "PlaylistEngine": "engine.playlist",
    "Playlist": "engine.playlist",
    "Track": "engine.playlist",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
