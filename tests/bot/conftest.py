"""Fixtures for the chat layer: the real engine behind a gate that can hold or fail one call."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

import pytest

from bot.config import Settings
from bot.service import EngineService

ENTER_TIMEOUT_S = 60
"""A safety net so a broken test fails instead of hanging; no assertion depends on elapsed time."""


@dataclass
class Gate:
    """Holds one engine call on its worker thread until released."""

    entered: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    async def wait_until_entered(self) -> None:
        """Return once the held call is inside the engine (waiting in a thread, not on the event loop)."""
        assert await asyncio.to_thread(self.entered.wait, ENTER_TIMEOUT_S), "the engine call never started"

    def release(self) -> None:
        self.released.set()


class GatedEngine:
    """The real PlaylistEngine; `hold_next_call` and `fail_next_call` affect only the next call."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.calls: list[tuple[str, str, int]] = []
        self._gate: Gate | None = None
        self._failure: Exception | None = None
        self._lock = threading.Lock()

    def hold_next_call(self) -> Gate:
        self._gate = Gate()
        return self._gate

    def fail_next_call(self, error: Exception) -> None:
        self._failure = error

    def mood(self, text: str, n: int = 10, seed: int | None = None):
        self._before_call("mood", text, n)
        return self.engine.mood(text, n=n, seed=seed)

    def likesong(self, lyrics: str, n: int = 10, seed: int | None = None):
        self._before_call("likesong", lyrics, n)
        return self.engine.likesong(lyrics, n=n, seed=seed)

    def _before_call(self, mode: str, text: str, n: int) -> None:
        with self._lock:
            self.calls.append((mode, text, n))
            gate, self._gate = self._gate, None
            failure, self._failure = self._failure, None
        if gate is not None:
            gate.entered.set()
            gate.released.wait(ENTER_TIMEOUT_S)
        if failure is not None:
            raise failure


@pytest.fixture
def gated_engine(playlist_engine) -> GatedEngine:
    """The session's real engine, wrapped so a test can hold or fail its next call."""
    return GatedEngine(playlist_engine)


@pytest.fixture
def make_service(gated_engine):
    """Build EngineServices over the gated real engine; they are closed after the test."""
    services: list[EngineService] = []

    def make(threads: int = 2, max_pending: int = 4, cooldown_seconds: float = 0) -> EngineService:
        service = EngineService(
            gated_engine, threads=threads, max_pending=max_pending, cooldown_seconds=cooldown_seconds
        )
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


@pytest.fixture
def settings() -> Settings:
    """Default settings without a cooldown (tests of the cooldown set their own)."""
    return Settings(user_cooldown_seconds=0)
