"""`python -m bot [discord|telegram|console]`: start the bot on the frontend the settings call for."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import TYPE_CHECKING

from bot.config import ConfigError, Settings
from bot.logs import configure_logging

if TYPE_CHECKING:
    from bot.service import EngineService

log = logging.getLogger(__name__)

FRONTENDS = ("discord", "telegram", "console")
EXIT_ARTIFACT = 1
EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    """The command line: an optional frontend and --sync."""
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="moodlist: a playlist of real songs for a mood sentence or some lyrics.",
        epilog=(
            "Without a frontend: Discord when DISCORD_TOKEN is set, else Telegram when TELEGRAM_TOKEN "
            "is set, else the console. Settings come from the environment and .env (see .env.example)."
        ),
    )
    parser.add_argument("frontend", nargs="?", choices=FRONTENDS, help="force a frontend")
    parser.add_argument(
        "--sync",
        action="store_true",
        help="Discord: publish the slash commands (/mood, /likesong, /help) at start",
    )
    return parser


def choose_frontend(requested: str | None, settings: Settings) -> str:
    """The frontend to run: the requested one, else the first with a token, else the console."""
    if requested == "discord" and not settings.discord_token:
        raise ConfigError("the discord frontend needs DISCORD_TOKEN")
    if requested == "telegram" and not settings.telegram_token:
        raise ConfigError("the telegram frontend needs TELEGRAM_TOKEN")
    if requested:
        return requested
    if settings.discord_token:
        return "discord"
    return "telegram" if settings.telegram_token else "console"


def main(argv: list[str] | None = None) -> int:
    """Run the bot; returns the process exit code (1: a bad artifact, 2: bad settings)."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        frontend = choose_frontend(args.frontend, settings)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.secrets)
    if args.sync and frontend != "discord":
        log.warning("--sync only applies to the discord frontend; ignoring it")
    from engine.errors import ArtifactError

    try:
        return run_frontend(frontend, settings, sync_commands=args.sync)
    except ArtifactError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ARTIFACT
    except KeyboardInterrupt:
        return 0


def run_frontend(frontend: str, settings: Settings, *, sync_commands: bool = False) -> int:
    """Load the engine and serve on `frontend` until stopped."""
    if frontend == "console":
        from bot.console import run_console

        return run_console(settings)
    return asyncio.run(_serve_chat(frontend, settings, sync_commands))


async def _serve_chat(frontend: str, settings: Settings, sync_commands: bool) -> int:
    from bot.service import EngineService

    service = await EngineService.start(settings)
    try:
        if frontend == "discord":
            return await _serve_discord(settings, service, sync_commands)
        return await _serve_telegram(settings, service)
    finally:
        service.close()


async def _serve_telegram(settings: Settings, service: EngineService) -> int:
    from telegram.error import InvalidToken

    from bot.telegram_bot import run_telegram

    try:
        await run_telegram(settings, service)
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_TOKEN; copy the token from @BotFather again", file=sys.stderr
        )
        return EXIT_CONFIG
    return 0


async def _serve_discord(settings: Settings, service: EngineService, sync_commands: bool) -> int:
    import discord

    from bot.discord_bot import run_discord

    try:
        await run_discord(settings, service, sync_commands=sync_commands)
    except discord.LoginFailure:
        print(
            "error: Discord rejected DISCORD_TOKEN; copy the bot token again from the developer portal",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print(
            "error: enable the Message Content intent for this bot in the Discord developer portal "
            "(Bot > Privileged Gateway Intents); prefix commands need it",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    return 0
