"""Errors whose message is written for the person who sent the command."""

from __future__ import annotations

BUSY_MESSAGE = "I'm busy with other playlists right now, try again in a moment."


class UserFacingError(Exception):
    """A request that cannot be served; `str(error)` is a short reply fit to show the user."""


class UsageError(UserFacingError):
    """The command was malformed: missing text, a bad length, an unreadable attachment..."""


class BusyError(UserFacingError):
    """Every engine slot is taken; the user should try again shortly."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


class CooldownError(UserFacingError):
    """The user sent requests faster than the per-user cooldown allows."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        seconds = max(1, round(retry_after))
        super().__init__(f"Easy there! You can ask for another playlist in {seconds} s.")
