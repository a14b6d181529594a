"""The console frontend: try the bot in a terminal, or pipe commands through stdin, without any token."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Iterator
from itertools import takewhile
from typing import TextIO

from bot.config import Settings
from bot.errors import UserFacingError
from bot.formatting import console_help, console_text, user_message_plain
from bot.grammar import HELP, LIKESONG, PLAYLIST_MODES, CommandLine, Grammar, clean_text
from bot.service import EngineService

log = logging.getLogger(__name__)

BANNER = (
    "moodlist console: no DISCORD_TOKEN or TELEGRAM_TOKEN is configured "
    "(set one in .env or the environment to run the chat bot; see .env.example)."
)
HINT = "Type help for usage, quit to leave."
LYRICS_SOURCES = "or send likesong alone, then paste lines and end with an empty line"
QUIT_COMMANDS = ("quit", "exit")
SORRY = "Sorry, something went wrong. See the log above."
UNKNOWN_COMMAND = "I don't know that command. Type help for usage."


class ConsoleSession:
    """Answers one command line at a time with plain text."""

    def __init__(self, settings: Settings, service: EngineService) -> None:
        self.service = service
        self.grammar = Grammar.from_settings(settings, ("", "!"), LYRICS_SOURCES)

    def needs_more_lines(self, command: CommandLine) -> bool:
        """True for `likesong` without lyrics on its line: the lyrics follow on the next lines."""
        if command.name != LIKESONG:
            return False
        try:
            return not clean_text(self.grammar.split_length_option(command.argument)[1])
        except UserFacingError:
            return False

    async def answer(self, command: CommandLine) -> str:
        """The reply to one command."""
        if command.name == HELP:
            return console_help(self.grammar)
        if command.name not in PLAYLIST_MODES:
            return UNKNOWN_COMMAND
        try:
            request = self.grammar.parse(command.name, command.argument)
            playlist = await self.service.playlist(request)
        except UserFacingError as error:
            return user_message_plain(str(error))
        return console_text(playlist, request.notes)


def run_console(settings: Settings, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Load the engine, then answer commands from `stdin` until `quit` or end of input; returns 0."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")  # stray binary input becomes U+FFFD instead of a crash
    interactive = stdin.isatty() and stdout.isatty()
    with asyncio.Runner() as runner:
        if interactive:
            print("Loading the model...", file=sys.stderr, flush=True)
        service = runner.run(EngineService.start(settings))
        try:
            session = ConsoleSession(settings, service)
            print(BANNER, HINT, sep="\n", file=stdout, flush=True)
            _serve(session, runner, _lines(stdin, interactive), stdout, interactive)
        finally:
            service.close()
    return 0


def _serve(
    session: ConsoleSession, runner: asyncio.Runner, lines: Iterator[str], stdout: TextIO, interactive: bool
) -> None:
    for line in lines:
        command = session.grammar.split(line)
        if command is None:
            if line.strip():
                print(UNKNOWN_COMMAND, file=stdout, flush=True)
            continue
        if command.name in QUIT_COMMANDS:
            return
        if session.needs_more_lines(command):
            if interactive:
                print("Paste the lyrics, then an empty line:", file=stdout, flush=True)
            command = CommandLine(command.name, "\n".join([command.argument, *takewhile(str.strip, lines)]))
        try:
            reply = runner.run(session.answer(command))
        except Exception:
            log.exception("console command %r failed", command.name)
            reply = SORRY
        print(reply, "", sep="\n", file=stdout, flush=True)


def _lines(stdin: TextIO, interactive: bool) -> Iterator[str]:
    """Input lines without their line ending; a prompt is shown only on a terminal."""
    if not interactive:
        for line in stdin:
            yield line.rstrip("\r\n")
        return
    while True:
        try:
            yield input("moodlist> ")
        except EOFError:
            print()
            return
