"""The engine behind an async facade: it runs in a bounded thread pool so the event loop never blocks."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.config import Settings
from bot.errors import BusyError, CooldownError, UsageError
from bot.grammar import MOOD, PlaylistRequest
from engine.errors import InputError
from engine.playlist import DEFAULT_LENGTH

if TYPE_CHECKING:
    from engine.playlist import Playlist

log = logging.getLogger(__name__)
T = TypeVar("T")


class Recommender(Protocol):
    """What the bot needs from `engine.PlaylistEngine`."""

    def mood(self, text: str, n: int = ..., seed: int | None = ...) -> Playlist: ...

    def likesong(self, lyrics: str, n: int = ..., seed: int | None = ...) -> Playlist: ...


class EngineService:
    """Admission to the engine: worker threads, a bound on waiting calls, and a per-user cooldown.

    Calls beyond `max_pending` (running or queued) are refused with BusyError at once, so a burst
    never builds an unbounded backlog.
    """

    def __init__(
        self, engine: Recommender, *, threads: int = 1, max_pending: int = 8, cooldown_seconds: float = 0
    ) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self.cooldown = Cooldown(cooldown_seconds)
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="engine")
        self._pending = 0
        self._lock = threading.Lock()

    @classmethod
    async def start(cls, settings: Settings) -> EngineService:
        """Load the engine once, on a worker thread; raises engine.errors.ArtifactError if an artifact is bad."""
        engine = await asyncio.to_thread(load_engine, settings.model_dir, settings.catalogue_dir)
        return cls(
            engine,
            threads=settings.engine_threads,
            max_pending=settings.max_pending_requests,
            cooldown_seconds=settings.user_cooldown_seconds,
        )

    @property
    def pending(self) -> int:
        """Engine calls accepted and not finished yet (running or waiting for a thread)."""
        return self._pending

    async def playlist(self, request: PlaylistRequest, user: Hashable | None = None) -> Playlist:
        """The playlist for a checked request from `user` (None: no cooldown).

        Raises CooldownError if `user` asked too recently, BusyError when every slot is taken, and
        UsageError when the engine refuses the text; refused requests don't start the user's cooldown.
        """
        if user is not None:
            self.cooldown.start(user)
        call = self.engine.mood if request.mode == MOOD else self.engine.likesong
        try:
            return await self._run(call, request.text, request.length)
        except (BusyError, UsageError):
            if user is not None:
                self.cooldown.reset(user)
            raise

    async def mood(self, text: str, n: int = DEFAULT_LENGTH, seed: int | None = None) -> Playlist:
        """`engine.mood` on a worker thread."""
        return await self._run(self.engine.mood, text, n, seed)

    async def likesong(self, lyrics: str, n: int = DEFAULT_LENGTH, seed: int | None = None) -> Playlist:
        """`engine.likesong` on a worker thread."""
        return await self._run(self.engine.likesong, lyrics, n, seed)

    def close(self) -> None:
        """Stop accepting work; running calls finish on their threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _run(self, call: Callable[..., T], *args: object) -> T:
        future = self._submit(call, *args)
        try:
            return await asyncio.wrap_future(future)
        except InputError as error:
            raise UsageError(str(error)) from error

    def _submit(self, call: Callable[..., T], *args: object) -> Future[T]:
        with self._lock:
            if self._pending >= self.max_pending:
                raise BusyError()
            self._pending += 1
        future = self._executor.submit(call, *args)
        # The slot is freed when the thread is done, not when the awaiting coroutine is cancelled,
        # so abandoned requests still count against the bound while they run.
        future.add_done_callback(self._release)
        return future

    def _release(self, _future: Future) -> None:
        with self._lock:
            self._pending -= 1


def load_engine(model_dir: Path | None = None, catalogue_dir: Path | None = None) -> Recommender:
    """`engine.PlaylistEngine.load` (imports torch: call it off the event loop)."""
    from engine import PlaylistEngine

    started = time.perf_counter()
    engine = PlaylistEngine.load(model_dir=model_dir, catalogue_dir=catalogue_dir)
    log.info("engine loaded in %.1f s", time.perf_counter() - started)
    return engine


class Cooldown:
    """At most one accepted request per user every `seconds`; the clock is injectable for tests."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[Hashable, float] = {}

    def start(self, user: Hashable) -> None:
        """Record a request by `user`, or raise CooldownError if their previous one was too recent."""
        if self.seconds <= 0:
            return
        now = self._clock()
        last = self._last.get(user)
        if last is not None and now - last < self.seconds:
            raise CooldownError(self.seconds - (now - last))
        self._forget_expired(now)
        self._last[user] = now

    def reset(self, user: Hashable) -> None:
        """Forget `user`'s last request (it was refused, so it should not count)."""
        self._last.pop(user, None)

    def _forget_expired(self, now: float) -> None:
        if len(self._last) > 1000:
            self._last = {user: t for user, t in self._last.items() if now - t < self.seconds}
