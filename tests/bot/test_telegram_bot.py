"""The real python-telegram-bot Application polling a stand-in Bot API served over HTTP on 127.0.0.1.

The stand-in is reached through TELEGRAM_BASE_URL-style `base_url`, as a local Bot API server would be.
It answers getMe, getUpdates (long polling) and records sendMessage; other methods answer `true`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from html.parser import HTMLParser

import pytest
from aiohttp import web

from bot.config import Settings
from bot.formatting import TELEGRAM_MESSAGE_LIMIT, telegram_length
from bot.telegram_bot import run_telegram

TOKEN = "123456:TEST-token-never-logged"
CHAT_ID = 4242
REPLY_TIMEOUT_S = 60
"""Safety net so a broken bot fails the test instead of hanging it; nothing asserts on elapsed time."""


class FakeBotApi:
    """A stand-in for the Telegram Bot API: queues updates for getUpdates, records sendMessage."""

    def __init__(self) -> None:
        self.updates: list[dict] = []
        self.sent: list[dict] = []
        self.methods: list[str] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}/bot"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = dict(await request.post())
        self.methods.append(method)
        answer = getattr(self, f"api_{method.lower()}", None)
        result = await answer(params) if answer else True
        return web.json_response({"ok": True, "result": result})

    async def api_getme(self, params: dict) -> dict:
        return {"id": 777, "is_bot": True, "first_name": "moodlist", "username": "moodlist_bot"}

    async def api_getupdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset", 0))
        wait = min(float(params.get("timeout", 0)), 0.5)
        async with self._changed:
            if not self._pending(offset) and wait > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), wait)
            return self._pending(offset)

    async def api_sendmessage(self, params: dict) -> dict:
        async with self._changed:
            self.sent.append(params)
            self._changed.notify_all()
        chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "Ann"}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "text": params["text"],
        }

    def _pending(self, offset: int) -> list[dict]:
        return [update for update in self.updates if update["update_id"] >= offset]

    async def push_message(self, text: str, *, from_bot: bool = False, reply_to: str | None = None) -> None:
        """Deliver a text message to the bot as the next update."""
        sender = {"id": 99 if from_bot else 1, "is_bot": from_bot, "first_name": "Ann"}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "Ann"},
            "from": sender,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = {**message, "message_id": 1, "text": reply_to, "entities": []}
        async with self._changed:
            self.updates.append({"update_id": next(self._update_ids), "message": message})
            self._changed.notify_all()

    async def wait_for_sent(self, count: int) -> list[dict]:
        """The first `count` sent messages, once there are that many."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), REPLY_TIMEOUT_S)
        return self.sent[:count]


class TelegramChat:
    """A conversation with the running bot through the stand-in API."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    async def ask(self, text: str, *, replies: int = 1, reply_to: str | None = None) -> list[dict]:
        """Send `text` and return the bot's next `replies` messages."""
        already = len(self.api.sent)
        await self.api.push_message(text, reply_to=reply_to)
        return (await self.api.wait_for_sent(already + replies))[already:]


@pytest.fixture
async def telegram(make_service):
    """The bot running against the stand-in API; yields a chat with it and the API."""
    api = FakeBotApi()
    await api.start()
    settings = Settings(telegram_token=TOKEN, telegram_base_url=api.base_url, user_cooldown_seconds=0)
    stop = asyncio.Event()
    running = asyncio.create_task(run_telegram(settings, make_service(), stop))
    yield TelegramChat(api), api
    stop.set()
    await running
    await api.stop()


class LinkCollector(HTMLParser):
    """Parses a message as Telegram would: only known tags, every tag closed; collects links and text."""

    ALLOWED = frozenset({"b", "i", "a", "code"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text = ""
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in self.ALLOWED, f"Telegram rejects <{tag}>"
        self.open.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text += data


def parse_html(text: str) -> LinkCollector:
    parser = LinkCollector()
    parser.feed(text)
    parser.close()
    assert parser.open == []
    return parser


async def test_mood_replies_with_an_html_playlist_of_spotify_links(telegram):
    chat, api = telegram
    [reply] = await chat.ask("/mood -n 5 I just got the job, I can't stop smiling")
    assert reply["parse_mode"] == "HTML"
    assert json.loads(reply["link_preview_options"])["is_disabled"] is True
    assert telegram_length(reply["text"]) <= TELEGRAM_MESSAGE_LIMIT
    parsed = parse_html(reply["text"])
    assert len(parsed.links) == 5
    assert all(link.startswith("https://open.spotify.com/") for link in parsed.links)
    assert "% confidence" in parsed.text and "Mood playlist" in parsed.text
    numbers = [line.split(".")[0] for line in parsed.text.splitlines() if line[:1].isdigit()]
    assert numbers == ["1", "2", "3", "4", "5"]
    assert {"getMe", "deleteWebhook", "getUpdates", "setMyCommands"} <= set(api.methods)


async def test_likesong_from_the_replied_to_message(telegram, gated_engine):
    chat, _ = telegram
    lyrics = "Is this the real life?\nIs this just fantasy?"
    [reply] = await chat.ask("/likesong -n 3", reply_to=lyrics)
    assert len(parse_html(reply["text"]).links) == 3
    assert gated_engine.calls[-1] == ("likesong", lyrics, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/mood", "Tell me how you feel"),
        ("/mood -n 0 sad", "1 to 50 songs"),
        ("/mood -n abc sad", "whole number from 1 to 50"),
        ("/mood " + "la " * 17_000, "I read at most 4,000"),
        ("/mood <b>I</b> &amp; feel", "confidence"),
        ("/likesong", "reply to a message with lyrics"),
        ("/dance", "I don't know that command"),
        ("hello there", "Send /mood"),
        ("/start", "Examples"),
    ],
)
async def test_every_message_gets_a_short_clear_reply(telegram, text, expected):
    chat, _ = telegram
    [reply] = await chat.ask(text)
    parsed = parse_html(reply["text"]) if reply.get("parse_mode") == "HTML" else None
    shown = parsed.text if parsed else reply["text"]
    assert expected in shown
    assert "<b>I</b>" not in reply["text"]  # user text is never echoed raw


async def test_messages_from_bots_are_ignored(telegram, gated_engine):
    chat, api = telegram
    await api.push_message("/mood I am a bot and I am happy", from_bot=True)
    [reply] = await chat.ask("/help")
    assert "Examples" in parse_html(reply["text"]).text
    assert gated_engine.calls == []


async def test_a_failing_handler_is_logged_answered_and_the_bot_runs_on(telegram, gated_engine, caplog):
    chat, _ = telegram
    gated_engine.fail_next_call(RuntimeError("model exploded"))
    [reply] = await chat.ask("/mood I feel great")
    assert "something went wrong" in reply["text"]
    assert any(r.exc_info and "model exploded" in str(r.exc_info[1]) for r in caplog.records)
    [reply] = await chat.ask("/mood -n 2 I feel great")
    assert len(parse_html(reply["text"]).links) == 2
