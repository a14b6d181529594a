"""The real discord.py bot answering real Message objects (dpytest) and a slash command (real CommandTree).

dpytest replaces only Discord's HTTP client and gateway. Its `message()` re-raises any error that reached
`on_command_error` (after our handler ran), which is why the failing-command test expects one.

Slash commands: dpytest has no interactions, so the test feeds an INTERACTION_CREATE payload to the
bot's real connection state (`parse_interaction_create`, what the gateway does). The real CommandTree
routes it to the cog's app command; only Discord's webhook HTTP adapter is replaced by a recorder.
"""

from __future__ import annotations

import asyncio
import re
from types import SimpleNamespace

import discord
import discord.ext.test as dpytest
import pytest
from discord.ext import commands
from discord.ext.test import backend, factories
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.config import Settings
from bot.discord_bot import MoodlistBot
from bot.formatting import EMBED_DESCRIPTION_LIMIT, EMBED_TITLE_LIMIT, EMBED_TOTAL_LIMIT
from engine.labels import EMOTION_EMOJI

TRACK_LINK = re.compile(r"\*\*(\d+)\.\*\* \[[^\n]+?\]\((https://open\.spotify\.com/[^)\s]+)\)")
NO_MENTIONS = {"parse": []}


@pytest.fixture
async def make_bot(make_service):
    """Start MoodlistBot on dpytest's fake Discord; returns (bot, service, payloads sent to Discord)."""

    async def make(threads: int = 2, max_pending: int = 4, cooldown_seconds: float = 0) -> SimpleNamespace:
        service = make_service(threads=threads, max_pending=max_pending, cooldown_seconds=cooldown_seconds)
        bot = MoodlistBot(Settings(user_cooldown_seconds=cooldown_seconds), service)
        await bot._async_setup_hook()
        # dpytest fabricates members through the client's member cache, which needs the (privileged)
        # members intent; the bot itself doesn't ask for it, so it is switched on for the fake only.
        bot._connection._intents.members = True
        bot._connection.member_cache_flags = discord.MemberCacheFlags.all()
        dpytest.configure(bot, members=["ann"])
        # dpytest's state predates discord.py 2.7: give it the loop and the command tree a real state has.
        bot._connection.loop = bot.loop
        bot._connection._command_tree = bot.tree
        await bot.setup_hook()
        return SimpleNamespace(bot=bot, service=service, payloads=record_payloads(bot))

    yield make
    await dpytest.empty_queue()  # dpytest's fake gateway can't `close()`; emptying its queues is its teardown


def record_payloads(bot: discord.Client) -> list[dict]:
    """Keep the JSON payload of every message the bot sends (dpytest drops allowed_mentions)."""
    payloads: list[dict] = []
    send = bot.http.send_message

    async def send_and_record(channel_id, *, params):
        payloads.append(params.payload)
        channel = bot.get_channel(channel_id)  # noqa: F841 (dpytest reads its caller's `channel` local)
        return await send(channel_id, params=params)

    bot.http.send_message = send_and_record
    return payloads


def track_links(embed: discord.Embed) -> list[tuple[int, str]]:
    text = "\n".join([embed.description or "", *(field.value or "" for field in embed.fields)])
    return [(int(number), url) for number, url in TRACK_LINK.findall(text)]


def assert_playlist_embed(embed: discord.Embed, length: int) -> None:
    assert [number for number, _ in track_links(embed)] == list(range(1, length + 1))
    assert any(emoji in embed.title for emoji in EMOTION_EMOJI.values())
    assert "% confidence" in embed.title
    assert len(embed.title) <= EMBED_TITLE_LIMIT
    assert len(embed.description) <= EMBED_DESCRIPTION_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT


async def test_mood_replies_with_numbered_spotify_links_and_the_emotion(make_bot):
    env = await make_bot()
    await dpytest.message("!mood I just got the job, I can't stop smiling")
    embed = dpytest.get_embed()
    assert_playlist_embed(embed, 10)
    assert "Mood playlist" in embed.footer.text
    assert env.payloads[-1]["allowed_mentions"] == NO_MENTIONS


async def test_mood_length_option(make_bot):
    await make_bot()
    await dpytest.message("!mood -n 3 rainy sunday, missing home")
    assert_playlist_embed(dpytest.get_embed(), 3)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("!mood -n 0 sad", "1 to 50 songs"),
        ("!mood -n 999 sad", "1 to 50 songs"),
        ("!mood -n abc sad", "whole number from 1 to 50"),
        ("!mood", "Tell me how you feel"),
        ("!mood    ", "Tell me how you feel"),
        ("!likesong", "Paste some lyrics"),
        ("!mood 😭😭😭 🎉", "I need words"),
        ("!mood " + ("so happy " * 5600)[:50_000], "That's 50,000 characters; I read at most 4,000."),
        ("!dance", "I don't know that command"),
    ],
)
async def test_bad_input_gets_a_short_reply(make_bot, content, expected):
    env = await make_bot()
    await dpytest.message(content)
    reply = dpytest.get_message()
    assert expected in reply.content
    assert len(reply.content) < 300
    assert env.payloads[-1]["allowed_mentions"] == NO_MENTIONS


async def test_mentions_and_markdown_are_not_pinged_or_echoed(make_bot):
    env = await make_bot()
    guild = dpytest.get_config().guilds[0]
    role = backend.make_role("fans", guild)
    await dpytest.message(f"!mood @everyone <@&{role.id}> **I love** you all __so__ much @here")
    embed = dpytest.get_embed()
    assert_playlist_embed(embed, 10)
    payload = env.payloads[-1]
    assert payload["allowed_mentions"] == NO_MENTIONS
    assert "@everyone" not in str(payload) and "@here" not in str(payload)
    assert str(role.id) not in str(payload)


def test_the_bot_never_pings_by_default(settings, make_service):
    bot = MoodlistBot(settings, make_service())
    assert bot.allowed_mentions.to_dict() == NO_MENTIONS
    assert bot.intents.message_content and not bot.intents.members


async def test_mention_only_text_is_treated_as_empty(make_bot):
    await make_bot()
    await dpytest.message("!mood @everyone")
    assert "Tell me how you feel" in dpytest.get_message().content


async def test_non_english_text_gets_a_playlist_and_a_note(make_bot):
    await make_bot()
    await dpytest.message("!mood 今日はとても悲しい気持ちです")
    embed = dpytest.get_embed()
    assert track_links(embed)
    assert "English" in embed.footer.text


async def test_likesong_reads_a_txt_attachment_with_its_line_breaks(make_bot, tmp_path, gated_engine):
    await make_bot()
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text("I walk a lonely road\nThe only one that I have ever known\n", encoding="utf-8")
    await dpytest.message("!likesong -n 4", attachments=[str(lyrics)])
    embed = dpytest.get_embed()
    assert_playlist_embed(embed, 4)
    assert "Songs like your lyrics" in embed.footer.text
    assert gated_engine.calls[-1] == (
        "likesong",
        "I walk a lonely road\nThe only one that I have ever known",
        4,
    )


async def test_likesong_keeps_line_breaks_of_pasted_lyrics(make_bot, gated_engine):
    await make_bot()
    await dpytest.message("!likesong\nHello darkness, my old friend\nI've come to talk with you again")
    assert track_links(dpytest.get_embed())
    assert gated_engine.calls[-1][1] == "Hello darkness, my old friend\nI've come to talk with you again"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("long.txt", b"la " * 17_000, "That's 50,999 characters; I read at most 4,000."),
        ("noise.bin", bytes(range(256)) * 4, "only read lyrics from a .txt file"),
        ("lyrics.txt", b"\xff\xfe\x00\x00\x80\x81 not utf-8 \xc3\x28", "isn't UTF-8"),
        ("lyrics.txt", b"la la\x00\x00\x00", "looks binary"),
    ],
)
async def test_likesong_rejects_unreadable_attachments(
    make_bot, tmp_path, name, data, expected, gated_engine
):
    await make_bot()
    path = tmp_path / name
    path.write_bytes(data)
    await dpytest.message("!likesong", attachments=[str(path)])
    assert expected in dpytest.get_message().content
    assert gated_engine.calls == []


async def test_likesong_takes_the_lyrics_from_the_replied_to_message(make_bot, gated_engine):
    env = await make_bot()
    config = dpytest.get_config()
    channel, member = config.channels[0], config.members[0]
    lyrics = await dpytest.message("Is this the real life?\nIs this just fantasy?")
    data = factories.make_message_dict(channel, member, content="!likesong -n 3")
    data["message_reference"] = {
        "message_id": lyrics.id,
        "channel_id": channel.id,
        "guild_id": channel.guild.id,
    }
    data["referenced_message"] = factories.dict_from_message(lyrics)
    env.bot._connection.parse_message_create(data)  # what the gateway does with a MESSAGE_CREATE event
    await dpytest.run_all_events()
    assert_playlist_embed(dpytest.get_embed(), 3)
    assert gated_engine.calls[-1] == ("likesong", "Is this the real life?\nIs this just fantasy?", 3)


async def test_messages_from_bots_are_ignored(make_bot, gated_engine):
    await make_bot()
    guild = dpytest.get_config().guilds[0]
    user = backend.get_state().store_user(factories.make_user_dict("otherbot", "0001", None, bot=True))
    other_bot = backend.make_member(user, guild)
    await dpytest.message("!mood I am so happy", member=other_bot)
    await dpytest.message("!nonsense", member=other_bot)
    assert dpytest.verify().message().nothing()
    assert gated_engine.calls == []


async def test_help_replaces_the_default_help(make_bot):
    await make_bot()
    await dpytest.message("!help")
    text = dpytest.get_message().content
    assert "!mood [-n N] <text>" in text and "!likesong" in text and "Examples" in text
    assert "No Category" not in text  # the default help command's layout


async def test_keeps_serving_while_the_engine_is_busy(make_bot, gated_engine):
    """One engine call is held on its thread; other commands are answered meanwhile."""
    env = await make_bot(threads=2, max_pending=2)
    gate = gated_engine.hold_next_call()
    held = asyncio.create_task(env.service.mood("a long day, finally home", n=5))
    await gate.wait_until_entered()

    await dpytest.message("!help")
    assert "Examples" in dpytest.get_message().content
    await dpytest.message("!mood -n 2 dancing in the kitchen")
    assert_playlist_embed(dpytest.get_embed(), 2)
    assert not held.done()

    gate.release()
    assert len((await held).tracks) == 5


async def test_full_queue_answers_busy(make_bot, gated_engine):
    env = await make_bot(threads=1, max_pending=1)
    gate = gated_engine.hold_next_call()
    held = asyncio.create_task(env.service.mood("a long day, finally home", n=3))
    await gate.wait_until_entered()

    await dpytest.message("!mood I feel great")
    assert "busy" in dpytest.get_message().content
    gate.release()
    await held
    await dpytest.message("!mood -n 2 I feel great")
    assert_playlist_embed(dpytest.get_embed(), 2)


async def test_per_user_cooldown_is_polite_and_bad_input_does_not_start_it(make_bot):
    await make_bot(cooldown_seconds=600)
    await dpytest.message("!mood -n 0 happy")
    assert "1 to 50" in dpytest.get_message().content
    await dpytest.message("!mood -n 2 happy")
    assert_playlist_embed(dpytest.get_embed(), 2)
    await dpytest.message("!mood -n 2 happy again")
    assert "You can ask for another playlist in" in dpytest.get_message().content


async def test_a_failing_command_is_logged_answered_and_the_bot_runs_on(make_bot, gated_engine, caplog):
    await make_bot()
    gated_engine.fail_next_call(RuntimeError("model exploded"))
    with pytest.raises(commands.CommandInvokeError):
        await dpytest.message("!mood I feel great")
    assert "something went wrong" in dpytest.get_message().content
    assert any(r.exc_info and "model exploded" in str(r.exc_info[1]) for r in caplog.records)
    await dpytest.message("!mood -n 2 I feel great")
    assert_playlist_embed(dpytest.get_embed(), 2)


# Slash commands


class RecordingWebhookAdapter(AsyncWebhookAdapter):
    """discord.py's own webhook adapter with the HTTP request replaced: records it and answers like Discord."""

    def __init__(self, bot: discord.Client, channel: discord.abc.GuildChannel) -> None:
        super().__init__()
        self.bot = bot
        self.channel = channel
        self.requests: list[tuple[str, str, dict]] = []

    async def request(self, route, session, *, payload=None, multipart=None, **kwargs):
        if multipart:  # discord.py sends JSON as the "payload_json" part when it uses multipart
            payload = next(part["value"] for part in multipart if part["name"] == "payload_json")
            payload = discord.utils._from_json(payload)
        self.requests.append((route.method, route.path, payload or {}))
        if route.path.endswith("/callback"):
            return {"interaction": {"id": str(route.webhook_id), "type": 2}}
        return self.created_message(payload or {})

    def created_message(self, payload: dict) -> dict:
        """What Discord answers to a follow-up: the message it created."""
        return {
            "id": str(factories.make_id()),
            "channel_id": str(self.channel.id),
            "type": 0,
            "content": payload.get("content") or "",
            "embeds": payload.get("embeds", []),
            "author": factories.dict_from_user(self.bot.user),
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": "2024-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "flags": payload.get("flags", 0),
        }


def interaction_payload(
    bot: discord.Client, name: str, options: list[dict], resolved: dict | None = None
) -> dict:
    config = dpytest.get_config()
    channel, member = config.channels[0], config.members[0]
    return {
        "id": str(factories.make_id()),
        "application_id": str(bot.user.id),
        "type": 2,
        "token": "interaction-token",
        "version": 1,
        "attachment_size_limit": 8_000_000,
        "guild_id": str(channel.guild.id),
        "channel_id": str(channel.id),
        "channel": {
            "id": str(channel.id),
            "type": 0,
            "guild_id": str(channel.guild.id),
            "name": channel.name,
        },
        "member": {
            "user": factories.dict_from_user(member._user),
            "roles": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "permissions": "0",
            "flags": 0,
        },
        "data": {
            "id": str(factories.make_id()),
            "name": name,
            "type": 1,
            "options": options,
            "resolved": resolved or {},
        },
    }


async def invoke_slash(
    bot: discord.Client, name: str, options: list[dict], resolved: dict | None = None
) -> RecordingWebhookAdapter:
    """Deliver an application command interaction as the gateway would and wait until it is answered."""
    adapter = RecordingWebhookAdapter(bot, dpytest.get_config().channels[0])
    token = async_context.set(adapter)
    try:
        bot._connection.parse_interaction_create(interaction_payload(bot, name, options, resolved))
        tasks = [t for t in asyncio.all_tasks() if t.get_name() == "CommandTree-invoker"]
        await asyncio.gather(*tasks)
    finally:
        async_context.reset(token)
    return adapter


async def test_slash_mood_defers_then_follows_up_with_the_playlist(make_bot):
    env = await make_bot()
    adapter = await invoke_slash(
        env.bot,
        "mood",
        [{"name": "text", "type": 3, "value": "I love you"}, {"name": "length", "type": 4, "value": 5}],
    )
    (_, defer_path, defer), (follow_method, follow_path, followup) = adapter.requests
    assert defer_path.endswith("/callback") and defer["type"] == 5  # deferred channel message: "thinking"
    assert follow_method == "POST" and "/webhooks/" in follow_path
    assert followup["allowed_mentions"] == NO_MENTIONS
    assert_playlist_embed(discord.Embed.from_dict(followup["embeds"][0]), 5)


async def test_slash_mood_bad_input_is_answered_privately_without_deferring(make_bot):
    env = await make_bot()
    adapter = await invoke_slash(env.bot, "mood", [{"name": "text", "type": 3, "value": "  @everyone  "}])
    [(_, path, response)] = adapter.requests
    assert path.endswith("/callback") and response["type"] == 4  # an immediate message
    assert "Tell me how you feel" in response["data"]["content"]
    assert response["data"]["flags"] & discord.MessageFlags.ephemeral.flag
    assert response["data"]["allowed_mentions"] == NO_MENTIONS


async def test_slash_likesong_reads_an_attached_txt_file(make_bot, tmp_path, gated_engine):
    env = await make_bot()
    lyrics = tmp_path / "lyrics.txt"
    lyrics.write_text("Is this the real life?\nIs this just fantasy?\n", encoding="utf-8")
    attachment_id = str(factories.make_id())
    resolved = {
        "attachments": {
            attachment_id: factories.make_attachment_dict(
                "lyrics.txt", lyrics.stat().st_size, lyrics.as_uri(), lyrics.as_uri(), int(attachment_id)
            )
        }
    }
    options = [
        {"name": "file", "type": 11, "value": attachment_id},
        {"name": "length", "type": 4, "value": 3},
    ]
    adapter = await invoke_slash(env.bot, "likesong", options, resolved)
    (_, _, defer), (_, _, followup) = adapter.requests
    assert defer["type"] == 5
    assert_playlist_embed(discord.Embed.from_dict(followup["embeds"][0]), 3)
    assert gated_engine.calls[-1] == ("likesong", "Is this the real life?\nIs this just fantasy?", 3)


async def test_slash_help_is_private(make_bot):
    env = await make_bot()
    [(_, _, response)] = (await invoke_slash(env.bot, "help", [])).requests
    assert "/mood" in response["data"]["content"] and "Examples" in response["data"]["content"]
    assert response["data"]["flags"] & discord.MessageFlags.ephemeral.flag


async def test_slash_commands_are_published_only_on_request(settings, make_service):
    published: list[str] = []

    async def record_sync(*, guild=None):  # stands in for Discord's bulk-overwrite endpoint
        published.extend(command.name for command in bot.tree.get_commands())
        return []

    for sync_commands in (False, True):
        bot = MoodlistBot(settings, make_service(), sync_commands=sync_commands)
        bot.tree.sync = record_sync
        await bot.setup_hook()
    assert sorted(published) == ["help", "likesong", "mood"]
