"""The Discord frontend: prefix commands (`!mood`) and the same commands as slash commands (`/mood`)."""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.errors import UsageError, UserFacingError
from bot.formatting import discord_embed, discord_help
from bot.grammar import HELP, LIKESONG, MOOD, Grammar, PlaylistRequest, clean_text, decode_text_file
from bot.service import EngineService
from engine.playlist import MAX_LENGTH

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
LYRICS_SOURCES = "or attach a .txt file, or reply to a message with lyrics"
SORRY = "Sorry, something went wrong on my side. Please try again later."
UNKNOWN_COMMAND = "I don't know that command. Try `{prefix}help`."
LENGTH_OPTION = "How many songs"
_COMMAND_LIKE = re.compile(r"[A-Za-z][\w-]*")


class MoodlistBot(commands.Bot):
    """The moodlist Discord bot: one cog of playlist commands, mentions never pinged."""

    def __init__(self, settings: Settings, service: EngineService, *, sync_commands: bool = False) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # prefix commands read the message text
        super().__init__(
            command_prefix=settings.command_prefix,
            intents=intents,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            case_insensitive=True,
        )
        self.settings = settings
        self.service = service
        self.sync_commands = sync_commands
        self.grammar = Grammar.from_settings(settings, (settings.command_prefix,), LYRICS_SOURCES)

    async def setup_hook(self) -> None:
        """Add the playlist cog; publish the slash commands only when asked to (`--sync`)."""
        await self.add_cog(PlaylistCog(self))
        if self.sync_commands:
            synced = await self.tree.sync()
            log.info("synced %d slash commands: %s", len(synced), ", ".join(c.name for c in synced))

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("logged in to Discord as %s in %d servers", self.user, len(self.guilds))

    async def process_commands(self, message: discord.Message) -> None:
        """Run the command in `message`; other bots are ignored and unknown commands get a short hint."""
        if message.author.bot:
            return
        ctx = await self.get_context(message)
        if ctx.prefix is not None and ctx.command is None:
            # Only answer things that look like commands: "!!!" or "! wow" in a chat are not.
            if ctx.invoked_with and _COMMAND_LIKE.fullmatch(ctx.invoked_with):
                await reply(ctx, UNKNOWN_COMMAND.format(prefix=self.settings.command_prefix))
            return
        await self.invoke(ctx)

    async def on_command_error(self, ctx: commands.Context, error: commands.CommandError) -> None:  # type: ignore[override]
        """Log unexpected failures with their traceback and answer briefly; the bot keeps running."""
        original = getattr(error, "original", error)
        log.error("command %r failed", ctx.command and ctx.command.qualified_name, exc_info=original)
        await reply(ctx, SORRY)


class PlaylistCog(commands.Cog, name="Playlists"):
    """Playlists from a mood or from lyrics."""

    def __init__(self, bot: MoodlistBot) -> None:
        self.bot = bot
        self.grammar = bot.grammar
        self.service = bot.service
        self.max_file_bytes = 4 * bot.settings.max_input_chars + 16  # UTF-8 needs at most 4 bytes a character

    @commands.command(name=MOOD)
    async def mood(self, ctx: commands.Context, *, text: str = "") -> None:
        """A playlist for how your text feels.

        Put the number of songs first if you like: `!mood -n 15 rainy sunday, missing home`.
        """
        await self._reply_with_playlist(ctx, MOOD, text)

    @commands.command(name=LIKESONG)
    async def likesong(self, ctx: commands.Context, *, lyrics: str = "") -> None:
        """Songs like these lyrics.

        Paste the lyrics after the command (line breaks are fine), attach them as a .txt file,
        or reply to a message that holds them.
        """
        await self._reply_with_playlist(ctx, LIKESONG, lyrics)

    @commands.command(name=HELP)
    async def help(self, ctx: commands.Context) -> None:
        """How to use moodlist, with examples."""
        await reply(ctx, discord_help(self.grammar))

    @app_commands.command(name=MOOD, description="A playlist for how your text feels")
    @app_commands.describe(text="How you feel, in your own words", length=LENGTH_OPTION)
    async def mood_slash(
        self,
        interaction: discord.Interaction,
        text: str,
        length: app_commands.Range[int, 1, MAX_LENGTH] | None = None,
    ) -> None:
        """A playlist for how your text feels."""
        await self._respond_with_playlist(interaction, MOOD, text, length)

    @app_commands.command(name=LIKESONG, description="Songs like these lyrics")
    @app_commands.describe(
        lyrics="Some lines of the song",
        file="The lyrics as a .txt file",
        length=LENGTH_OPTION,
    )
    async def likesong_slash(
        self,
        interaction: discord.Interaction,
        lyrics: str | None = None,
        file: discord.Attachment | None = None,
        length: app_commands.Range[int, 1, MAX_LENGTH] | None = None,
    ) -> None:
        """Songs like these lyrics, typed or attached as a .txt file."""
        await self._respond_with_playlist(interaction, LIKESONG, lyrics or "", length, file)

    @app_commands.command(name=HELP, description="How to use moodlist, with examples")
    async def help_slash(self, interaction: discord.Interaction) -> None:
        """How to use moodlist, with examples."""
        await interaction.response.send_message(discord_help(self.grammar), ephemeral=True)

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Log a failing slash command with its traceback and answer briefly."""
        log.error("slash command %r failed", interaction.command and interaction.command.name, exc_info=error)
        await respond(interaction, SORRY, ephemeral=True)

    async def _reply_with_playlist(self, ctx: commands.Context, mode: str, argument: str) -> None:
        try:
            length, text = self.grammar.split_length_option(argument)
            if mode == LIKESONG and not clean_text(text):
                text = await self._lyrics_from_message(ctx.message)
            request = self.grammar.request(mode, text, length)
            async with ctx.typing():
                playlist = await self.service.playlist(request, user=ctx.author.id)
        except UserFacingError as error:
            await reply(ctx, str(error))
            return
        await reply(ctx, embed=discord_embed(playlist, request.notes))

    async def _respond_with_playlist(
        self,
        interaction: discord.Interaction,
        mode: str,
        text: str,
        length: int | None,
        file: discord.Attachment | None = None,
    ) -> None:
        try:
            typed = self._typed_request(mode, text, length, file)
        except UserFacingError as error:
            await respond(interaction, str(error), ephemeral=True)  # a typo: tell only the user, at once
            return
        # Discord allows 3 s for the first answer; the engine (and a file download) may take longer.
        await interaction.response.defer(thinking=True)
        try:
            request = typed or await self._request_from_file(mode, file, length)
            playlist = await self.service.playlist(request, user=interaction.user.id)
        except UserFacingError as error:
            await respond(interaction, str(error))
            return
        await respond(interaction, embed=discord_embed(playlist, request.notes))

    def _typed_request(
        self, mode: str, text: str, length: int | None, file: discord.Attachment | None
    ) -> PlaylistRequest | None:
        """The request from the typed options, or None when the lyrics are in `file` (only `length` is checked)."""
        if file is not None and not clean_text(text):
            if length is not None:
                self.grammar.check_length(length)
            return None
        return self.grammar.request(mode, text, length)

    async def _request_from_file(
        self, mode: str, file: discord.Attachment | None, length: int | None
    ) -> PlaylistRequest:
        if file is None:
            raise UsageError(self.grammar.missing_text_message(mode))
        return self.grammar.request(mode, await self._read_attachment(file), length)

    async def _lyrics_from_message(self, message: discord.Message) -> str:
        """Lyrics from the message's attachment, else from the message it replies to."""
        if message.attachments:
            return await self._read_attachment(message.attachments[0])
        referenced = await referenced_message(message)
        if referenced is None:
            return ""
        if referenced.attachments and not clean_text(referenced.content):
            return await self._read_attachment(referenced.attachments[0])
        return referenced.content

    async def _read_attachment(self, attachment: discord.Attachment) -> str:
        content_type = attachment.content_type or ""
        if not (attachment.filename.lower().endswith(".txt") or content_type.startswith("text/")):
            raise UsageError("I can only read lyrics from a .txt file.")
        if attachment.size > self.max_file_bytes:
            limit = self.bot.settings.max_input_chars
            raise UsageError(f"That file is too long; I read at most {limit:,} characters.")
        try:
            data = await attachment.read()
        except discord.HTTPException as error:
            log.warning("could not download attachment %s: %s", attachment.id, error)
            raise UsageError("I couldn't download that file, please try again.") from error
        return decode_text_file(data)


async def referenced_message(message: discord.Message) -> discord.Message | None:
    """The message `message` replies to, fetched if it is not cached; None if there is none or it is gone."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return None
    if isinstance(reference.resolved, discord.Message):
        return reference.resolved
    if reference.cached_message is not None:
        return reference.cached_message
    try:
        return await message.channel.fetch_message(reference.message_id)
    except discord.HTTPException:
        return None


async def reply(
    ctx: commands.Context, content: str | None = None, *, embed: discord.Embed | None = None
) -> None:
    """Answer the command's message without pinging anyone (not even its author)."""
    await ctx.send(
        content,
        embed=embed,
        reference=ctx.message.to_reference(fail_if_not_exists=False),
        allowed_mentions=NO_MENTIONS,
    )


async def respond(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    ephemeral: bool = False,
) -> None:
    """Answer an interaction, as its first response or as a follow-up once it was deferred."""
    kwargs: dict = {"allowed_mentions": NO_MENTIONS, "ephemeral": ephemeral}
    if embed is not None:
        kwargs["embed"] = embed
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


async def run_discord(settings: Settings, service: EngineService, *, sync_commands: bool = False) -> None:
    """Connect to Discord and serve until cancelled."""
    bot = MoodlistBot(settings, service, sync_commands=sync_commands)
    async with bot:
        await bot.start(settings.discord_token or "")
