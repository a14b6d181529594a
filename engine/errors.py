"""Errors the engine raises on purpose; their messages are written to be shown to users."""

from __future__ import annotations


class InputError(ValueError):
    """The request cannot be served as given (empty text, length out of range...)."""


class ArtifactError(RuntimeError):
    """A model or index file is missing or unreadable; the message names it and how to rebuild it."""
