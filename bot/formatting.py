"""How a playlist and the usage text look on each target: Discord embeds, Telegram HTML, console text.

Artist and song names come from data: they are cleaned and escaped for each target here, and only here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.grammar import Grammar
from engine.labels import EMOTION_EMOJI

if TYPE_CHECKING:
    from engine.playlist import Playlist, Track

EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELD_COUNT_LIMIT = 25
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
DISCORD_MESSAGE_LIMIT = 2000
TELEGRAM_MESSAGE_LIMIT = 4096

NAME_LIMIT = 120
"""Longest artist or song name shown; longer names are cut with an ellipsis."""
REASON_LIMIT = 160

EMOTION_COLOURS: dict[str, int] = {
    "sadness": 0x5B7DB1,
    "joy": 0xF5C542,
    "love": 0xE0557A,
    "anger": 0xD9432F,
    "fear": 0x7B5EA7,
    "surprise": 0x3FB8AF,
}
MODE_TITLES = {"mood": "Mood playlist", "likesong": "Songs like your lyrics"}
_CONTINUED = "\u200b"
"""Name of the embed fields that continue the list (Discord requires a non-empty name)."""
_BRACKET = re.compile(r"([\[\]])")
_SPACES = re.compile(r"\s+")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")


@dataclass(frozen=True)
class TrackText:
    """A track's fields, cleaned to one printable line each and cut to a sane length."""

    number: int
    artist: str
    song: str
    year: int | None
    url: str | None
    reason: str

    @classmethod
    def of(cls, number: int, track: Track) -> TrackText:
        """The displayable text of `track`, numbered from 1."""
        return cls(
            number=number,
            artist=one_line(track.artist, NAME_LIMIT) or "Unknown artist",
            song=one_line(track.song, NAME_LIMIT) or "Untitled",
            year=track.year,
            url=safe_url(track.url),
            reason=one_line(track.reason, REASON_LIMIT),
        )

    @property
    def year_suffix(self) -> str:
        """The year as " (1999)", or nothing when it is unknown."""
        return f" ({self.year})" if self.year else ""


def emotion_heading(playlist: Playlist) -> str:
    """The detected emotion with its emoji and confidence, e.g. "😄 joy · 87% confidence"."""
    emoji = EMOTION_EMOJI.get(playlist.emotion, "🎵")
    return f"{emoji} {playlist.emotion} · {playlist.confidence:.0%} confidence"


def playlist_caption(playlist: Playlist) -> str:
    """What kind of playlist this is and how many songs it has."""
    count = len(playlist.tracks)
    return f"{MODE_TITLES.get(playlist.mode, 'Playlist')} · {count} song{'' if count == 1 else 's'}"


# Discord


def discord_embed(playlist: Playlist, notes: Sequence[str] = ()) -> discord.Embed:
    """The playlist as one embed within Discord's limits; songs that don't fit are counted in the footer."""
    tracks = [TrackText.of(i, track) for i, track in enumerate(playlist.tracks, start=1)]
    title = emotion_heading(playlist)[:EMBED_TITLE_LIMIT]
    footer_lines = [playlist_caption(playlist), *notes]
    # Room for the title, the footer and the "showing X of Y" line that may be added to it.
    budget = EMBED_TOTAL_LIMIT - len(title) - len("\n".join(footer_lines)) - 80
    for with_reason in (True, False):
        blocks = [_discord_block(track, with_reason) for track in tracks]
        description, fields, shown = _pack_blocks(blocks, budget)
        if shown == len(blocks):
            break
    if shown < len(tracks):
        footer_lines.append(f"Showing {shown} of {len(tracks)} songs (Discord's size limit).")
    if not tracks:
        description = "I found no songs for that, sorry."
    embed = discord.Embed(title=title, description=description, colour=EMOTION_COLOURS.get(playlist.emotion))
    for value in fields:
        embed.add_field(name=_CONTINUED, value=value, inline=False)
    embed.set_footer(text="\n".join(footer_lines)[:EMBED_FOOTER_LIMIT])
    return embed


def discord_help(grammar: Grammar) -> str:
    """Usage text as a Discord message (markdown)."""
    lines = ["**moodlist** turns a feeling or some lyrics into a playlist of real songs on Spotify.", ""]
    lines += [f"`{entry.syntax}` — {entry.summary}" for entry in grammar.help_entries()]
    lines += ["", grammar.length_note(), "Slash commands work too: `/mood`, `/likesong`.", "", "**Examples**"]
    lines += [f"`{example}`" for example in grammar.examples()]
    return "\n".join(lines)[:DISCORD_MESSAGE_LIMIT]


def escape_discord(text: str) -> str:
    """`text` shown literally in embed markdown, including inside the text of a masked link."""
    # Brackets are escaped here, between the pieces: escape_markdown would leave the inside of anything
    # shaped like [a](b) unescaped, and a lone "]" would end a masked link's text.
    return "".join(
        "\\" + piece if piece in ("[", "]") else discord.utils.escape_markdown(piece, ignore_links=False)
        for piece in _BRACKET.split(text)
    )


def _discord_block(track: TrackText, with_reason: bool) -> str:
    name = escape_discord(f"{track.artist} — {track.song}{track.year_suffix}")
    line = f"**{track.number}.** [{name}]({track.url})" if track.url else f"**{track.number}.** {name}"
    return f"{line}\n\u2003{escape_discord(track.reason)}" if with_reason and track.reason else line


def _pack_blocks(blocks: Sequence[str], budget: int) -> tuple[str, list[str], int]:
    """Fill the description, then continuation fields, with whole blocks while they fit `budget`."""
    description: list[str] = []
    fields: list[list[str]] = []
    used = 0
    for shown, block in enumerate(blocks):
        cost = len(block) + 1
        if used + cost > budget:
            return "\n".join(description), ["\n".join(f) for f in fields], shown
        if len("\n".join([*description, block])) <= EMBED_DESCRIPTION_LIMIT and not fields:
            description.append(block)
        elif fields and len("\n".join([*fields[-1], block])) <= EMBED_FIELD_VALUE_LIMIT:
            fields[-1].append(block)
        elif len(fields) < EMBED_FIELD_COUNT_LIMIT and len(block) <= EMBED_FIELD_VALUE_LIMIT:
            fields.append([block])
            cost += len(_CONTINUED)
        else:
            return "\n".join(description), ["\n".join(f) for f in fields], shown
        used += cost
    return "\n".join(description), ["\n".join(f) for f in fields], len(blocks)


# Telegram


def telegram_messages(playlist: Playlist, notes: Sequence[str] = ()) -> list[str]:
    """The playlist as Telegram HTML messages of at most 4096 characters each (long lists are split)."""
    header = (
        f"<b>{html.escape(emotion_heading(playlist))}</b>\n<i>{html.escape(playlist_caption(playlist))}</i>"
    )
    blocks = [_telegram_block(TrackText.of(i, t)) for i, t in enumerate(playlist.tracks, start=1)]
    if not blocks:
        blocks = ["I found no songs for that, sorry."]
    blocks += [f"<i>{html.escape(note)}</i>" for note in notes]
    return _chunk([header, *blocks], TELEGRAM_MESSAGE_LIMIT, separator="\n\n")


def telegram_help(grammar: Grammar) -> str:
    """Usage text as Telegram HTML."""
    lines = ["<b>moodlist</b> turns a feeling or some lyrics into a playlist of real songs on Spotify.", ""]
    lines += [
        f"<code>{html.escape(entry.syntax)}</code> — {html.escape(entry.summary)}"
        for entry in grammar.help_entries()
    ]
    lines += ["", html.escape(grammar.length_note()), "", "<b>Examples</b>"]
    lines += [f"<code>{html.escape(example)}</code>" for example in grammar.examples()]
    return "\n".join(lines)


def telegram_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _telegram_block(track: TrackText) -> str:
    name = html.escape(f"{track.artist} — {track.song}")
    link = f'<a href="{html.escape(track.url)}">{name}</a>' if track.url else name
    reason = f"\n<i>{html.escape(track.reason)}</i>" if track.reason else ""
    return f"{track.number}. {link}{html.escape(track.year_suffix)}{reason}"


def _chunk(blocks: Iterable[str], limit: int, separator: str) -> list[str]:
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}{separator}{block}" if current else block
        if telegram_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


# Console


def console_text(playlist: Playlist, notes: Sequence[str] = ()) -> str:
    """The playlist as plain text with the full URLs."""
    lines = [emotion_heading(playlist), playlist_caption(playlist)]
    width = len(str(len(playlist.tracks)))
    for number, track in enumerate(playlist.tracks, start=1):
        text = TrackText.of(number, track)
        indent = " " * (width + 2)
        lines.append(f"{number:>{width}}. {text.artist} — {text.song}{text.year_suffix}")
        lines += [f"{indent}{value}" for value in (text.url, text.reason) if value]
    if not playlist.tracks:
        lines.append("I found no songs for that, sorry.")
    lines += list(notes)
    return "\n".join(lines)


def console_help(grammar: Grammar) -> str:
    """Usage text for the console."""
    entries = [*((e.syntax, e.summary) for e in grammar.help_entries()), ("quit", "leave (or Ctrl-D)")]
    width = max(len(syntax) for syntax, _ in entries)
    lines = [f"  {syntax:<{width}}  {summary}" for syntax, summary in entries]
    lines += ["", grammar.length_note(), "Examples:"]
    lines += [f"  {example}" for example in grammar.examples()]
    return "\n".join(lines)


# Short replies (errors, hints): their `code` spans are rendered for each target.


def user_message_html(text: str) -> str:
    """A short reply as Telegram HTML: escaped, with `code` spans as <code>."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(text))


def user_message_plain(text: str) -> str:
    """A short reply as plain text: `code` spans lose their backticks."""
    return _CODE_SPAN.sub(r"\1", text)


# Shared cleaning


def one_line(text: object, limit: int) -> str:
    """`text` as one printable line of at most `limit` characters (cut with an ellipsis)."""
    cleaned = "".join(ch for ch in _SPACES.sub(" ", str(text)) if ch.isprintable()).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def safe_url(url: object) -> str | None:
    """An http(s) URL fit for a link (parentheses and brackets encoded), or None if it isn't one."""
    text = str(url or "").strip()
    if not text.startswith(("https://", "http://")) or not text.isprintable() or " " in text:
        return None
    return text.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
