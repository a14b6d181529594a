"""The six emotions of the dair-ai/emotion dataset: the one label order for the whole project."""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("sadness", "joy", "love", "anger", "fear", "surprise")
"""Emotion names, indexed by the dataset's label ids 0..5."""

EMOTION_TO_ID: dict[str, int] = {name: i for i, name in enumerate(EMOTIONS)}

EMOTION_EMOJI: dict[str, str] = {
    "sadness": "😢",
    "joy": "😄",
    "love": "❤️",
    "anger": "😠",
    "fear": "😨",
    "surprise": "😲",
}


def label_id(label: str | int) -> int:
    """Return the id of an emotion given by name (any case) or by id; raise ValueError otherwise."""
    if isinstance(label, int) or (isinstance(label, str) and label.strip().isdigit()):
        value = int(label)
        if 0 <= value < len(EMOTIONS):
            return value
        raise ValueError(f"label id {value} is out of range 0..{len(EMOTIONS) - 1}")
    name = str(label).strip().lower()
    if name not in EMOTION_TO_ID:
        raise ValueError(f"unknown emotion label {label!r}; expected one of {', '.join(EMOTIONS)}")
    return EMOTION_TO_ID[name]
