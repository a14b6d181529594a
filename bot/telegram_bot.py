"""The Telegram frontend: /mood, /likesong, /help and /start on a python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import BotCommand, LinkPreviewOptions, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import Settings
from bot.errors import UserFacingError
from bot.formatting import telegram_help, telegram_messages, user_message_html
from bot.grammar import HELP, LIKESONG, MOOD, Grammar, clean_text
from bot.service import EngineService

log = logging.getLogger(__name__)

LYRICS_SOURCES = "or reply to a message with lyrics"
SORRY = "Sorry, something went wrong on my side. Please try again later."
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
PRIVATE_TEXT_HINT = "Send /mood followed by how you feel, or /help for more."
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_ADDRESSED_COMMAND = re.compile(r"/\w+@(\w+)")


class TelegramHandlers:
    """The update handlers, sharing the grammar and the engine service."""

    def __init__(self, settings: Settings, service: EngineService) -> None:
        self.service = service
        self.grammar = Grammar.from_settings(settings, ("/",), LYRICS_SOURCES)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/start and /help: usage with examples."""
        message = _message_from_person(update)
        if message is not None:
            await message.reply_html(telegram_help(self.grammar), link_preview_options=NO_PREVIEW)

    async def mood(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/mood [-n N] <text>"""
        await self._answer_playlist(update, context, MOOD)

    async def likesong(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/likesong [-n N] <lyrics>, or as a reply to a message holding the lyrics."""
        await self._answer_playlist(update, context, LIKESONG)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any other /command addressed to us gets a short hint."""
        message = _message_from_person(update)
        if message is None:
            return
        addressed = _ADDRESSED_COMMAND.match(message.text or "")
        if addressed and addressed[1].casefold() != (context.bot.username or "").casefold():
            return  # meant for another bot in the group
        await message.reply_text(UNKNOWN_COMMAND)

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text in a private chat: explain how to ask for a playlist."""
        message = _message_from_person(update)
        if message is not None:
            await message.reply_text(PRIVATE_TEXT_HINT)

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failing handler with its traceback and answer briefly; the Application keeps running."""
        log.error("handling a Telegram update failed", exc_info=context.error)
        if isinstance(update, Update) and update.effective_message is not None:
            await update.effective_message.reply_text(SORRY)

    async def _answer_playlist(self, update: Update, context: ContextTypes.DEFAULT_TYPE, mode: str) -> None:
        message = _message_from_person(update)
        if message is None or message.from_user is None:
            return
        command = self.grammar.split(message.text or "")
        try:
            length, text = self.grammar.split_length_option(command.argument if command else "")
            if mode == LIKESONG and not clean_text(text) and message.reply_to_message is not None:
                text = message.reply_to_message.text or message.reply_to_message.caption or ""
            request = self.grammar.request(mode, text, length)
            await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
            playlist = await self.service.playlist(request, user=message.from_user.id)
        except UserFacingError as error:
            await message.reply_html(user_message_html(str(error)))
            return
        for chunk in telegram_messages(playlist, request.notes):
            await message.reply_html(chunk, link_preview_options=NO_PREVIEW)


def build_application(settings: Settings, service: EngineService) -> Application:
    """The Application with every handler; it talks to TELEGRAM_BASE_URL when that is set."""
    builder = ApplicationBuilder().token(settings.telegram_token or "").concurrent_updates(True)
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    application = builder.build()
    handlers = TelegramHandlers(settings, service)
    application.add_handler(CommandHandler(["start", HELP], handlers.help))
    application.add_handler(CommandHandler(MOOD, handlers.mood))
    application.add_handler(CommandHandler(LIKESONG, handlers.likesong))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, handlers.private_text)
    )
    application.add_error_handler(handlers.error)
    return application


async def run_telegram(settings: Settings, service: EngineService, stop: asyncio.Event | None = None) -> None:
    """Poll Telegram for updates until `stop` is set (or the task is cancelled)."""
    application = build_application(settings, service)
    updater = application.updater
    if updater is None:  # only an Application built with .updater(None) has none
        raise RuntimeError("the Telegram application has no updater to poll with")
    async with application:
        await _publish_command_menu(application)
        await application.start()
        await updater.start_polling(allowed_updates=[Update.MESSAGE])
        log.info("Telegram bot @%s is running", application.bot.username)
        try:
            await (stop or asyncio.Event()).wait()
        finally:
            await updater.stop()
            await application.stop()


async def _publish_command_menu(application: Application) -> None:
    """Show the commands in Telegram's "/" menu; the bot works without it, so a failure is only logged."""
    commands = [
        BotCommand(MOOD, "a playlist for how your text feels"),
        BotCommand(LIKESONG, "songs like these lyrics"),
        BotCommand(HELP, "usage with examples"),
    ]
    try:
        await application.bot.set_my_commands(commands)
    except TelegramError as error:
        log.warning("could not publish the command menu: %s", error)


def _message_from_person(update: Update) -> Message | None:
    """The update's message, or None when there is none or it comes from a bot (bots are ignored)."""
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    return message
