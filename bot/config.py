"""Every setting of the bot, read once from the environment and an optional `.env` file."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from engine.playlist import DEFAULT_LENGTH, MAX_LENGTH
from engine.playlist import MAX_INPUT_CHARS as ENGINE_MAX_INPUT_CHARS

T = TypeVar("T")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_KIND_NAMES: dict[object, str] = {int: "a whole number", float: "a number"}


class ConfigError(ValueError):
    """A setting has a value the bot cannot use; the message names the setting and what it accepts."""


@dataclass(frozen=True)
class Settings:
    """The bot's configuration. Tokens are left out of `repr` so they never reach a log."""

    discord_token: str | None = field(default=None, repr=False)
    telegram_token: str | None = field(default=None, repr=False)
    telegram_base_url: str | None = None
    command_prefix: str = "!"
    default_playlist_length: int = DEFAULT_LENGTH
    max_playlist_length: int = MAX_LENGTH
    engine_threads: int = 1
    max_pending_requests: int = 8
    user_cooldown_seconds: float = 3.0
    max_input_chars: int = 4000
    model_dir: Path | None = None
    catalogue_dir: Path | None = None
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        self._check()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read the settings from `environ` (default: the process environment after loading `.env`).

        Unset or empty variables keep their defaults; a bad value raises ConfigError.
        """
        if environ is None:
            if dotenv:
                load_dotenv_file()
            environ = os.environ
        values = {}
        for name, (field_name, parse) in ENVIRONMENT.items():
            raw = environ.get(name, "").strip()
            if raw:
                values[field_name] = _parse(name, raw, parse)
        return cls(**values)

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values that must never be written to a log."""
        return tuple(token for token in (self.discord_token, self.telegram_token) if token)

    def _check(self) -> None:
        _require(
            1 <= len(self.command_prefix) <= 5 and not any(c.isspace() for c in self.command_prefix),
            "COMMAND_PREFIX must be 1 to 5 characters without spaces",
            self.command_prefix,
        )
        _require(
            1 <= self.max_playlist_length <= MAX_LENGTH,
            f"MAX_PLAYLIST_LENGTH must be from 1 to {MAX_LENGTH}",
            self.max_playlist_length,
        )
        _require(
            1 <= self.default_playlist_length <= self.max_playlist_length,
            f"DEFAULT_PLAYLIST_LENGTH must be from 1 to MAX_PLAYLIST_LENGTH ({self.max_playlist_length})",
            self.default_playlist_length,
        )
        _require(1 <= self.engine_threads <= 64, "ENGINE_THREADS must be from 1 to 64", self.engine_threads)
        _require(
            1 <= self.max_pending_requests <= 10_000,
            "MAX_PENDING_REQUESTS must be from 1 to 10000",
            self.max_pending_requests,
        )
        _require(
            0 <= self.user_cooldown_seconds <= 3600,
            "USER_COOLDOWN_SECONDS must be from 0 to 3600",
            self.user_cooldown_seconds,
        )
        _require(
            1 <= self.max_input_chars <= ENGINE_MAX_INPUT_CHARS,
            f"MAX_INPUT_CHARS must be from 1 to {ENGINE_MAX_INPUT_CHARS}",
            self.max_input_chars,
        )
        _require(
            self.log_level in LOG_LEVELS, f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}", self.log_level
        )
        if self.telegram_base_url is not None:
            _require(
                self.telegram_base_url.startswith(("http://", "https://")),
                "TELEGRAM_BASE_URL must start with http:// or https://",
                self.telegram_base_url,
            )


ENVIRONMENT: dict[str, tuple[str, Callable[[str], object]]] = {
    "DISCORD_TOKEN": ("discord_token", str),
    "TELEGRAM_TOKEN": ("telegram_token", str),
    "TELEGRAM_BASE_URL": ("telegram_base_url", str),
    "COMMAND_PREFIX": ("command_prefix", str),
    "DEFAULT_PLAYLIST_LENGTH": ("default_playlist_length", int),
    "MAX_PLAYLIST_LENGTH": ("max_playlist_length", int),
    "ENGINE_THREADS": ("engine_threads", int),
    "MAX_PENDING_REQUESTS": ("max_pending_requests", int),
    "USER_COOLDOWN_SECONDS": ("user_cooldown_seconds", float),
    "MAX_INPUT_CHARS": ("max_input_chars", int),
    "MOODLIST_MODEL_DIR": ("model_dir", Path),
    "MOODLIST_CATALOGUE_DIR": ("catalogue_dir", Path),
    "LOG_LEVEL": ("log_level", str.upper),
}
"""Each environment variable the bot reads: the Settings field it sets and how its text is parsed."""


def load_dotenv_file() -> None:
    """Load `.env` from the working directory (or a parent); real environment variables win."""
    from dotenv import find_dotenv, load_dotenv

    load_dotenv(find_dotenv(usecwd=True), override=False)


def _parse(name: str, raw: str, parse: Callable[[str], T]) -> T:
    try:
        return parse(raw)
    except ValueError:
        raise ConfigError(f"{name} must be {_KIND_NAMES.get(parse, 'valid')}, got {raw!r}") from None


def _require(condition: bool, message: str, value: object = None) -> None:
    if not condition:
        raise ConfigError(message if value is None else f"{message}, got {value!r}")
