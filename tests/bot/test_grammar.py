"""The command grammar every frontend shares."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.errors import UsageError
from bot.grammar import LIKESONG, MOOD, NON_ENGLISH_NOTE, CommandLine, Grammar, decode_text_file

DISCORD = Grammar.from_settings(Settings(), ("!",))
TELEGRAM = Grammar.from_settings(Settings(), ("/",), "or reply to a message with lyrics")
CONSOLE = Grammar.from_settings(Settings(), ("", "!"))


@pytest.mark.parametrize(
    ("grammar", "line", "expected"),
    [
        (DISCORD, "!mood I feel great", CommandLine("mood", " I feel great")),
        (DISCORD, "  !MOOD hi", CommandLine("mood", " hi")),
        (DISCORD, "!likesong\nline one\nline two", CommandLine("likesong", "\nline one\nline two")),
        (TELEGRAM, "/mood@moodlist_bot -n 3 hi", CommandLine("mood", " -n 3 hi")),
        (CONSOLE, "mood hi", CommandLine("mood", " hi")),
        (CONSOLE, "!mood hi", CommandLine("mood", " hi")),
        (DISCORD, "!dance", CommandLine("dance", "")),
    ],
)
def test_split_finds_the_command_and_keeps_the_raw_rest(grammar, line, expected):
    assert grammar.split(line) == expected


@pytest.mark.parametrize("line", ["hello", "!!!", "! wow", "", "   ", "!123"])
def test_split_ignores_text_that_is_not_a_command(line):
    assert DISCORD.split(line) is None


@pytest.mark.parametrize(
    ("argument", "length", "text"),
    [
        (" -n 15 rainy day", 15, "rainy day"),
        ("-n15 rainy day", 15, "rainy day"),
        ("-n=7 rainy day", 7, "rainy day"),
        ("--length 3 rainy day", 3, "rainy day"),
        (" rainy day", 10, "rainy day"),
        ("-nice day -n 5", 10, "-nice day -n 5"),
        ("-n 2\nline one\nline two", 2, "line one\nline two"),
    ],
)
def test_length_option(argument, length, text):
    request = DISCORD.parse(MOOD, argument)
    assert (request.length, request.text) == (length, text)


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("-n 0 sad", "A playlist can have 1 to 50 songs (you asked for 0)."),
        ("-n 999 sad", "A playlist can have 1 to 50 songs (you asked for 999)."),
        ("-n abc sad", "The length after -n must be a whole number from 1 to 50"),
        ("-n -3 sad", "The length after -n must be a whole number from 1 to 50"),
        ("-n", "The length after -n must be a whole number"),
    ],
)
def test_bad_lengths_are_explained(argument, message):
    with pytest.raises(UsageError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        DISCORD.parse(MOOD, argument)


def test_the_maximum_length_is_configurable():
    grammar = Grammar.from_settings(Settings(max_playlist_length=20, default_playlist_length=5), ("!",))
    assert grammar.parse(MOOD, "happy").length == 5
    with pytest.raises(UsageError, match="1 to 20 songs"):
        grammar.parse(MOOD, "-n 21 happy")


@pytest.mark.parametrize(
    "argument", ["", "   ", "\n\t", "@everyone", "<@&123456789012345678> @here", "\u200b"]
)
def test_empty_text_gets_an_example(argument):
    with pytest.raises(UsageError, match=r"Tell me how you feel, e.g. `!mood rainy sunday"):
        DISCORD.parse(MOOD, argument)


def test_empty_lyrics_mention_the_other_sources_of_this_frontend():
    with pytest.raises(
        UsageError, match=r"Paste some lyrics after `/likesong`.*reply to a message with lyrics"
    ):
        TELEGRAM.parse(LIKESONG, "-n 3")


def test_mentions_and_custom_emoji_are_removed_but_lines_and_markdown_kept():
    request = DISCORD.parse(
        LIKESONG, " <@123456789012345678> **so** happy <:party:987654321098765432>\nline two "
    )
    assert [line.strip() for line in request.text.splitlines()] == ["**so** happy", "line two"]


def test_text_over_the_limit_is_refused_with_the_limit():
    with pytest.raises(UsageError, match=r"That's 50,000 characters; I read at most 4,000\."):
        DISCORD.parse(MOOD, "x" * 50_000)


def test_non_english_text_is_served_with_a_note():
    assert DISCORD.parse(MOOD, "今日はとても悲しい").notes == (NON_ENGLISH_NOTE,)
    assert DISCORD.parse(MOOD, "Je suis très heureux aujourd'hui").notes == ()
    assert DISCORD.parse(MOOD, "I feel great").notes == ()


def test_help_entries_use_the_frontend_prefix():
    assert [entry.syntax for entry in TELEGRAM.help_entries()] == [
        "/mood [-n N] <text>",
        "/likesong [-n N] <lyrics>",
        "/help",
    ]
    assert all(example.startswith("/") for example in TELEGRAM.examples())
    assert CONSOLE.help_entries()[0].syntax == "mood [-n N] <text>"


def test_decode_text_file():
    assert decode_text_file("\ufeffline one\nline two é".encode()) == "line one\nline two é"
    with pytest.raises(UsageError, match="isn't UTF-8"):
        decode_text_file(b"\xff\xfe\x80 lyrics")
    with pytest.raises(UsageError, match="looks binary"):
        decode_text_file(b"PK\x03\x04\x00\x00")
