"""`python -m bot` as a user runs it: the console fed through stdin, and start-up errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120
"""Safety net for a hung process; no assertion depends on how long it takes."""

SPOTIFY_LINE = re.compile(r"^\s+https://open\.spotify\.com/\S+$", re.MULTILINE)
SETTINGS = (
    "DISCORD_TOKEN",
    "TELEGRAM_TOKEN",
    "TELEGRAM_BASE_URL",
    "COMMAND_PREFIX",
    "DEFAULT_PLAYLIST_LENGTH",
    "MAX_PLAYLIST_LENGTH",
    "ENGINE_THREADS",
    "MAX_PENDING_REQUESTS",
    "USER_COOLDOWN_SECONDS",
    "MAX_INPUT_CHARS",
    "MOODLIST_MODEL_DIR",
    "MOODLIST_CATALOGUE_DIR",
    "LOG_LEVEL",
)


def run_bot(tmp_path: Path, *args: str, stdin: bytes = b"", **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` from an empty directory (no .env) with only the given settings."""
    environ = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    environ.update(PYTHONPATH=str(REPO_ROOT), PYTHONIOENCODING="utf-8", **env)
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=tmp_path,
        env=environ,
        timeout=TIMEOUT_S,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def test_console_answers_piped_commands_and_exits_0_at_end_of_input(tmp_path):
    commands = [
        "!mood I just got the job, I can't stop smiling",
        "mood -n 3 rainy sunday, missing home",
        "!mood -n 0 sad",
        "!mood -n abc sad",
        "!mood",
        "!mood 😭😭😭",
        "!mood " + "so happy " * 6000,
        "!dance",
        "likesong -n 2",
        "I walk a lonely road",
        "The only one that I have ever known",
        "",
        "help",
    ]
    binary_line = b"!mood \xff\xfe\x00 so \xc3\x28 happy\n"
    result = run_bot(tmp_path, "console", stdin=("\n".join(commands) + "\n").encode() + binary_line)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "no DISCORD_TOKEN or TELEGRAM_TOKEN is configured" in out.splitlines()[0]
    assert "Type help" in out
    assert len(SPOTIFY_LINE.findall(out)) == 10 + 3 + 2 + 10
    assert out.count("% confidence") == 4
    assert "Songs like your lyrics · 2 songs" in out
    for reply in (
        "A playlist can have 1 to 50 songs (you asked for 0).",
        "The length after -n must be a whole number from 1 to 50",
        "Tell me how you feel, e.g. mood rainy sunday, missing home.",
        "I need words",
        "I read at most 4,000",
        "I don't know that command. Type help for usage.",
        "mood -n 15 just got the job!!!",
    ):
        assert reply in out
    assert "Traceback" not in result.stderr


def test_console_forced_even_when_a_token_is_set_and_quit_ends_it(tmp_path):
    result = run_bot(tmp_path, "console", stdin=b"quit\n!mood happy\n", DISCORD_TOKEN="not-used-here")
    assert result.returncode == 0
    assert "open.spotify.com" not in result.stdout


def test_missing_artifact_stops_start_up_naming_the_file_and_the_rebuild_command(tmp_path):
    empty = tmp_path / "empty-catalogue"
    empty.mkdir()
    result = run_bot(tmp_path, "console", stdin=b"!mood happy\n", MOODLIST_CATALOGUE_DIR=str(empty))
    assert result.returncode == 1
    assert str(empty) in result.stderr
    assert "python -m engine build-index" in result.stderr
    assert "Traceback" not in result.stderr
    assert "open.spotify.com" not in result.stdout


def test_corrupt_artifact_stops_start_up_with_the_rebuild_command(tmp_path):
    catalogue = tmp_path / "catalogue"
    shutil.copytree(REPO_ROOT / "artifacts" / "catalogue", catalogue)
    (catalogue / "manifest.json").write_text("{not json")
    result = run_bot(tmp_path, "console", MOODLIST_CATALOGUE_DIR=str(catalogue))
    assert result.returncode == 1
    assert str(catalogue) in result.stderr
    assert "python -m engine build-index" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("MAX_PLAYLIST_LENGTH", "abc", "MAX_PLAYLIST_LENGTH must be a whole number, got 'abc'"),
        ("MAX_PLAYLIST_LENGTH", "80", "MAX_PLAYLIST_LENGTH must be from 1 to 50, got 80"),
        ("ENGINE_THREADS", "0", "ENGINE_THREADS must be from 1 to 64"),
        ("TELEGRAM_BASE_URL", "localhost:8081", "TELEGRAM_BASE_URL must start with http:// or https://"),
    ],
)
def test_invalid_settings_stop_start_up_with_a_clear_message(tmp_path, setting, value, expected):
    result = run_bot(tmp_path, **{setting: value, "DISCORD_TOKEN": "sekrit-token-value"})
    assert result.returncode == 2
    assert expected in result.stderr
    assert "sekrit-token-value" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_forcing_a_frontend_without_its_token_is_a_clear_error(tmp_path):
    result = run_bot(tmp_path, "telegram")
    assert result.returncode == 2
    assert "needs TELEGRAM_TOKEN" in result.stderr


def test_help_option(tmp_path):
    result = run_bot(tmp_path, "--help")
    assert result.returncode == 0
    assert "discord,telegram,console" in result.stdout and "--sync" in result.stdout
