"""Settings from the environment and .env, the frontend choice, and logging that never shows a token."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from bot.cli import choose_frontend
from bot.config import ENVIRONMENT, ConfigError, Settings
from bot.logs import REDACTED, RedactSecrets, configure_logging

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
TOKEN = "123456:AAE-very-secret-token"


def test_defaults():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.command_prefix == "!"
    assert (settings.default_playlist_length, settings.max_playlist_length) == (10, 50)
    assert settings.discord_token is None and settings.telegram_base_url is None


def test_values_are_read_and_empty_ones_mean_unset():
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": "  ",
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": "http://127.0.0.1:8081/bot",
            "COMMAND_PREFIX": "?",
            "MAX_PLAYLIST_LENGTH": "20",
            "DEFAULT_PLAYLIST_LENGTH": "5",
            "USER_COOLDOWN_SECONDS": "2.5",
            "MOODLIST_CATALOGUE_DIR": "/srv/catalogue",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.discord_token is None and settings.telegram_token == TOKEN
    assert settings.telegram_base_url == "http://127.0.0.1:8081/bot"
    assert settings.command_prefix == "?"
    assert (settings.max_playlist_length, settings.default_playlist_length) == (20, 5)
    assert settings.user_cooldown_seconds == 2.5
    assert settings.catalogue_dir == Path("/srv/catalogue") and settings.model_dir is None
    assert settings.log_level == "DEBUG"


def test_tokens_are_not_in_the_repr():
    settings = Settings(discord_token=TOKEN, telegram_token=TOKEN + "x")
    assert TOKEN not in repr(settings)
    assert settings.secrets == (TOKEN, TOKEN + "x")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MAX_PLAYLIST_LENGTH": "abc"}, "MAX_PLAYLIST_LENGTH must be a whole number, got 'abc'"),
        ({"MAX_PLAYLIST_LENGTH": "51"}, "MAX_PLAYLIST_LENGTH must be from 1 to 50, got 51"),
        (
            {"DEFAULT_PLAYLIST_LENGTH": "30", "MAX_PLAYLIST_LENGTH": "20"},
            "DEFAULT_PLAYLIST_LENGTH must be from 1 to",
        ),
        ({"ENGINE_THREADS": "0"}, "ENGINE_THREADS must be from 1 to 64"),
        ({"MAX_PENDING_REQUESTS": "-1"}, "MAX_PENDING_REQUESTS must be from 1"),
        ({"USER_COOLDOWN_SECONDS": "soon"}, "USER_COOLDOWN_SECONDS must be a number"),
        ({"MAX_INPUT_CHARS": "50000"}, "MAX_INPUT_CHARS must be from 1 to 20000"),
        ({"COMMAND_PREFIX": "! x"}, "COMMAND_PREFIX must be 1 to 5 characters without spaces"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO"),
        ({"TELEGRAM_BASE_URL": "127.0.0.1:8081/bot"}, "TELEGRAM_BASE_URL must start with http://"),
    ],
)
def test_invalid_values_name_the_setting(environ, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.from_env(environ)


def test_env_example_documents_every_setting_with_valid_values():
    text = ENV_EXAMPLE.read_text()
    documented = dict(re.findall(r"^([A-Z_]+)=(.*)$", text, re.MULTILINE))
    assert set(documented) == set(ENVIRONMENT)
    assert Settings.from_env(documented) == Settings()


@pytest.mark.parametrize(
    ("requested", "tokens", "expected"),
    [
        (None, {"discord_token": "d", "telegram_token": "t"}, "discord"),
        (None, {"telegram_token": "t"}, "telegram"),
        (None, {}, "console"),
        ("console", {"discord_token": "d"}, "console"),
        ("telegram", {"discord_token": "d", "telegram_token": "t"}, "telegram"),
    ],
)
def test_frontend_choice(requested, tokens, expected):
    assert choose_frontend(requested, Settings(**tokens)) == expected


def test_forcing_a_frontend_needs_its_token():
    with pytest.raises(ConfigError, match="needs DISCORD_TOKEN"):
        choose_frontend("discord", Settings(telegram_token="t"))


def test_log_records_never_show_a_token():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
        try:
            raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            logger.exception("sending failed")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count(REDACTED) == 2 and "RuntimeError" in output


def test_configure_logging_silences_request_logs():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", [TOKEN])
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
        assert any(isinstance(f, RedactSecrets) for h in root.handlers for f in h.filters)
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
