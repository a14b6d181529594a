"""Playlists and usage text on each target, within each platform's limits, with data escaped."""

from __future__ import annotations

import html
import re

import pytest

from bot.config import Settings
from bot.formatting import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_COUNT_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    TELEGRAM_MESSAGE_LIMIT,
    console_help,
    console_text,
    discord_embed,
    discord_help,
    escape_discord,
    telegram_help,
    telegram_length,
    telegram_messages,
    user_message_html,
    user_message_plain,
)
from bot.grammar import Grammar
from engine.labels import EMOTIONS
from engine.playlist import MAX_LENGTH, Playlist, Track

NASTY_ARTIST = "**Bold** _it_ ~~s~~ ||spoil|| `code` [x](http://evil) @everyone <b>&amp; \\ A*B"
NASTY_SONG = "Song ] [ <script>alert(1)</script> (live)"
LINK = re.compile(r"\*\*(\d+)\.\*\* \[((?:\\.|[^\\\]])*)\]\((https://open\.spotify\.com/[^)\s]+)\)")
UNESCAPED_MARKDOWN = re.compile(r"(?<!\\)(?:\\\\)*[*_~|`\[\]]")


def make_playlist(n: int = 10, artist: str = "Artist", song: str = "Song", mode: str = "mood") -> Playlist:
    distribution = {emotion: 0.1 for emotion in EMOTIONS} | {"joy": 0.5}
    tracks = [
        Track(
            artist=f"{artist} {i}",
            song=f"{song} {i}",
            year=1990 + i,
            url=f"https://open.spotify.com/track/{i:022d}",
            emotion="joy",
            score=0.9,
            reason="joy 0.91 · lyrics similarity 0.62",
        )
        for i in range(1, n + 1)
    ]
    return Playlist(mode, distribution, tracks)


def unescape_discord(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def embed_text(embed) -> str:
    return "\n".join([embed.description or "", *(field.value for field in embed.fields)])


def assert_within_discord_limits(embed) -> None:
    assert len(embed.title) <= EMBED_TITLE_LIMIT
    assert len(embed.description) <= EMBED_DESCRIPTION_LIMIT
    assert len(embed.fields) <= EMBED_FIELD_COUNT_LIMIT
    assert all(len(field.value) <= EMBED_FIELD_VALUE_LIMIT for field in embed.fields)
    assert len(embed.footer.text) <= EMBED_FOOTER_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT


def test_discord_embed_shows_emotion_and_numbered_spotify_links():
    embed = discord_embed(make_playlist(3), notes=("a note",))
    assert embed.title == "😄 joy · 50% confidence"
    links = LINK.findall(embed.description)
    assert [(number, unescape_discord(name)) for number, name, _ in links] == [
        ("1", "Artist 1 — Song 1 (1991)"),
        ("2", "Artist 2 — Song 2 (1992)"),
        ("3", "Artist 3 — Song 3 (1993)"),
    ]
    assert all(url.startswith("https://open.spotify.com/track/") for _, _, url in links)
    assert "joy 0.91 · lyrics similarity 0.62" in embed.description
    assert embed.footer.text == "Mood playlist · 3 songs\na note"


def test_discord_embed_escapes_names_from_the_data():
    embed = discord_embed(make_playlist(2, NASTY_ARTIST, NASTY_SONG))
    links = LINK.findall(embed.description)
    assert len(links) == 2
    for number, name, url in links:
        assert (
            unescape_discord(name)
            == f"{NASTY_ARTIST} {number} — {NASTY_SONG} {number} ({1990 + int(number)})"
        )
        assert not UNESCAPED_MARKDOWN.search(name)
        assert url.startswith("https://open.spotify.com/")


@pytest.mark.parametrize("name_length", [10, 120, 400])
def test_discord_embed_of_the_longest_playlist_fits_discord_limits(name_length):
    playlist = make_playlist(MAX_LENGTH, "A" * name_length, "S*_" * (name_length // 3))
    embed = discord_embed(playlist, notes=("I read English best, so this one may be a rough guess.",))
    assert_within_discord_limits(embed)
    numbers = [int(number) for number, _, _ in LINK.findall(embed_text(embed))]
    assert numbers == list(range(1, len(numbers) + 1))
    if len(numbers) < MAX_LENGTH:
        assert f"Showing {len(numbers)} of {MAX_LENGTH} songs" in embed.footer.text
    else:
        assert "Showing" not in embed.footer.text


def test_discord_embed_drops_reasons_before_dropping_songs():
    embed = discord_embed(make_playlist(MAX_LENGTH, "Artist", "Song"))
    assert len(LINK.findall(embed_text(embed))) == MAX_LENGTH
    assert "joy 0.91" not in embed_text(embed)


def test_empty_playlist_says_so():
    playlist = make_playlist(0)
    assert "no songs" in discord_embed(playlist).description
    assert "no songs" in telegram_messages(playlist)[0]
    assert "no songs" in console_text(playlist)


def test_escape_discord_keeps_text_literal():
    for text in (NASTY_ARTIST, NASTY_SONG, "lone * star", "back\\slash]", "> quote", "# heading", "- item"):
        escaped = escape_discord(text)
        assert unescape_discord(escaped) == text
        assert not UNESCAPED_MARKDOWN.search(escaped)


def test_telegram_html_escapes_names_and_links_each_song():
    [message] = telegram_messages(make_playlist(2, NASTY_ARTIST, NASTY_SONG), notes=("<note>",))
    assert message.startswith("<b>😄 joy · 50% confidence</b>\n<i>Mood playlist · 2 songs</i>")
    assert html.escape(NASTY_ARTIST) in message and html.escape(NASTY_SONG) in message
    assert "<script>" not in message and "<b>&amp;" not in message
    assert message.count('<a href="https://open.spotify.com/track/') == 2
    assert "<i>&lt;note&gt;</i>" in message


def test_telegram_long_playlists_are_split_into_messages_within_the_limit():
    playlist = make_playlist(MAX_LENGTH, "Ä👩‍🎤" * 40, "<&>" * 40)
    messages = telegram_messages(playlist)
    assert len(messages) > 1
    assert all(telegram_length(message) <= TELEGRAM_MESSAGE_LIMIT for message in messages)
    numbers = re.findall(r"^(\d+)\. <a href=", "\n".join(messages), re.MULTILINE)
    assert numbers == [str(i) for i in range(1, MAX_LENGTH + 1)]


def test_console_text_has_urls_and_no_control_characters():
    text = console_text(make_playlist(2, "Evil\x1b[31mRed\x07", "Line\nBreak"))
    assert "\x1b" not in text and "\x07" not in text
    assert "1. Evil[31mRed 1 — Line Break 1 (1991)" in text
    assert "https://open.spotify.com/track/0000000000000000000001" in text


def test_urls_that_are_not_http_are_not_linked():
    playlist = make_playlist(1)
    bad = Track("A", "S", None, "javascript:alert(1)", "joy", 0.5, "")
    playlist = Playlist("likesong", playlist.distribution, [bad])
    assert "javascript" not in discord_embed(playlist).description
    assert "javascript" not in telegram_messages(playlist)[0]
    assert "1. A — S" in console_text(playlist) and "(None)" not in console_text(playlist)


def test_help_texts_show_usage_and_examples():
    settings = Settings()
    discord_text = discord_help(Grammar.from_settings(settings, ("!",)))
    assert "`!mood [-n N] <text>`" in discord_text and "`!mood rainy sunday, missing home`" in discord_text
    assert len(discord_text) <= 2000
    telegram_text = telegram_help(Grammar.from_settings(settings, ("/",)))
    assert "<code>/mood [-n N] &lt;text&gt;</code>" in telegram_text
    assert "mood [-n N] <text>" in console_help(Grammar.from_settings(settings, ("", "!")))


def test_short_replies_render_code_spans_per_target():
    message = "Try `!mood <b>sad</b>` & more"
    assert user_message_html(message) == "Try <code>!mood &lt;b&gt;sad&lt;/b&gt;</code> &amp; more"
    assert user_message_plain(message) == "Try !mood <b>sad</b> & more"
