"""The command grammar shared by every frontend: names, the length option, text checks and usage.

    <prefix>mood [-n N] <text>        a playlist for how the text feels
    <prefix>likesong [-n N] <lyrics>  songs like these lyrics (line breaks kept)
    <prefix>help                      usage with examples

The length option comes first and may be written `-n 15`, `-n15`, `-n=15` or `--length 15`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Settings
from bot.errors import UsageError

MOOD = "mood"
LIKESONG = "likesong"
HELP = "help"
PLAYLIST_MODES = (MOOD, LIKESONG)
COMMANDS = (MOOD, LIKESONG, HELP)

_COMMAND = re.compile(r"([A-Za-z][\w-]*)(?:@\w+)?(?=\s|$)(.*)", re.DOTALL)
_LENGTH_OPTION = re.compile(r"\s*(?:-n|--length)(?=[\s=\d]|$)[ \t=]*(\S*)(.*)", re.DOTALL)
# Discord mentions (<@id>, <@!id>, <@&role>, <#channel>, @everyone, @here) and custom emoji (<:name:id>)
# carry no feeling and must not reach the engine as words.
_PLATFORM_MARKUP = re.compile(r"<a?:\w+:\d+>|<@[!&]?\d+>|<#\d+>|@(?:everyone|here)\b")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")

NON_ENGLISH_NOTE = "I read English best, so this one may be a rough guess."


@dataclass(frozen=True)
class CommandLine:
    """A command found at the start of a message: its lower-case name and the raw text after it."""

    name: str
    argument: str


@dataclass(frozen=True)
class PlaylistRequest:
    """A checked request for the engine, with notes to show beside the playlist."""

    mode: str
    text: str
    length: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class HelpEntry:
    """One line of usage: how to write a command and what it does."""

    syntax: str
    summary: str


@dataclass(frozen=True)
class Grammar:
    """The grammar as one frontend writes it: its prefixes and the configured limits."""

    prefixes: tuple[str, ...]
    """Accepted command prefixes; the first is the one shown in usage text."""
    default_length: int
    max_length: int
    max_input_chars: int
    lyrics_sources: str = ""
    """Where else lyrics may come from on this frontend, e.g. "or reply to a message with lyrics"."""

    @classmethod
    def from_settings(
        cls, settings: Settings, prefixes: tuple[str, ...], lyrics_sources: str = ""
    ) -> Grammar:
        """The grammar with the limits of `settings`."""
        return cls(
            prefixes=prefixes,
            default_length=settings.default_playlist_length,
            max_length=settings.max_playlist_length,
            max_input_chars=settings.max_input_chars,
            lyrics_sources=lyrics_sources,
        )

    @property
    def prefix(self) -> str:
        """The prefix shown in usage text."""
        return self.prefixes[0]

    def split(self, line: str) -> CommandLine | None:
        """The command at the start of `line` (a `/cmd@botname` suffix is dropped), or None if there is none."""
        stripped = line.lstrip()
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            if stripped.startswith(prefix):
                match = _COMMAND.fullmatch(stripped[len(prefix) :])
                if match:
                    return CommandLine(match[1].lower(), match[2])
        return None

    def parse(self, mode: str, argument: str) -> PlaylistRequest:
        """Parse `[-n N] <text>` after a playlist command; raise UsageError with a reply for bad input."""
        length, text = self.split_length_option(argument)
        return self.request(mode, text, length)

    def split_length_option(self, argument: str) -> tuple[int | None, str]:
        """Separate a leading length option from the text; the length is checked, the text is not."""
        match = _LENGTH_OPTION.match(argument)
        if not match:
            return None, argument
        value, rest = match[1], match[2]
        if not value.isdecimal():
            raise UsageError(
                f"The length after -n must be a whole number from 1 to {self.max_length}, "
                f"e.g. `{self.prefix}{MOOD} -n 15 rainy sunday`."
            )
        return self.check_length(int(value)), rest

    def check_length(self, length: int) -> int:
        """Return `length` if it is a playlist length this bot allows, else raise UsageError."""
        if not 1 <= length <= self.max_length:
            raise UsageError(f"A playlist can have 1 to {self.max_length} songs (you asked for {length:,}).")
        return length

    def request(self, mode: str, text: str, length: int | None = None) -> PlaylistRequest:
        """A checked request for `mode` from already separated text and length."""
        if mode not in PLAYLIST_MODES:
            raise ValueError(f"unknown playlist mode {mode!r}")
        length = self.default_length if length is None else self.check_length(length)
        text = clean_text(text)
        if not text:
            raise UsageError(self.missing_text_message(mode))
        if len(text) > self.max_input_chars:
            raise UsageError(
                f"That's {len(text):,} characters; I read at most {self.max_input_chars:,}. "
                "Please send a shorter text."
            )
        notes = (NON_ENGLISH_NOTE,) if looks_non_english(text) else ()
        return PlaylistRequest(mode, text, length, notes)

    def missing_text_message(self, mode: str) -> str:
        """What to tell a user who sent a playlist command without text."""
        if mode == MOOD:
            return f"Tell me how you feel, e.g. `{self.prefix}{MOOD} rainy sunday, missing home`."
        sources = f", {self.lyrics_sources}" if self.lyrics_sources else ""
        return f"Paste some lyrics after `{self.prefix}{LIKESONG}` (line breaks are fine){sources}."

    def help_entries(self) -> tuple[HelpEntry, ...]:
        """Usage lines for every command."""
        p = self.prefix
        sources = f"; {self.lyrics_sources}" if self.lyrics_sources else ""
        return (
            HelpEntry(f"{p}{MOOD} [-n N] <text>", "a playlist for how the text feels"),
            HelpEntry(
                f"{p}{LIKESONG} [-n N] <lyrics>", f"songs like these lyrics (line breaks are fine){sources}"
            ),
            HelpEntry(f"{p}{HELP}", "this message"),
        )

    def examples(self) -> tuple[str, ...]:
        """Commands a new user can copy."""
        p = self.prefix
        return (
            f"{p}{MOOD} rainy sunday, missing home",
            f"{p}{MOOD} -n 15 just got the job!!!",
            f"{p}{LIKESONG} -n 5 I walk a lonely road, the only one that I have ever known",
        )

    def length_note(self) -> str:
        """The rule for N, for usage text."""
        return f"N is the number of songs, 1 to {self.max_length} (default {self.default_length})."


def clean_text(text: str) -> str:
    """The text without platform mentions, custom emoji and invisible characters, stripped; lines are kept."""
    text = _PLATFORM_MARKUP.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    return text.strip()


def looks_non_english(text: str) -> bool:
    """True when most letters are outside the Latin alphabet (the emotion model was trained on English)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
    return latin < len(letters) / 2


def decode_text_file(data: bytes) -> str:
    """The text of an uploaded lyrics file; raise UsageError if it is binary or not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("That file isn't UTF-8 text, so I can't read lyrics from it.") from None
    if "\x00" in text:
        raise UsageError("That file looks binary, not text, so I can't read lyrics from it.")
    return text
