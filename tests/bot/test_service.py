"""The async facade over the real engine: worker threads, a bounded queue and the per-user cooldown."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import BusyError, CooldownError, UsageError
from bot.grammar import LIKESONG, MOOD, PlaylistRequest
from bot.service import Cooldown, EngineService

ENTER_TIMEOUT_S = 60
"""Safety net for a broken test; nothing asserts on elapsed time."""


async def until_idle(service: EngineService) -> None:
    while service.pending:
        await asyncio.sleep(0.01)


async def test_event_loop_keeps_serving_while_an_engine_call_is_held(make_service, gated_engine):
    service = make_service(threads=2, max_pending=4)
    gate = gated_engine.hold_next_call()
    held = asyncio.create_task(service.mood("a long day, finally home", n=3))
    await gate.wait_until_entered()

    other = await service.likesong("Hello darkness, my old friend\nI've come to talk with you again", n=2)

    assert len(other.tracks) == 2
    assert not held.done() and service.pending == 1
    gate.release()
    assert len((await held).tracks) == 3
    assert service.pending == 0


async def test_a_full_queue_refuses_at_once_and_frees_its_slot_when_done(make_service, gated_engine):
    service = make_service(threads=1, max_pending=1)
    gate = gated_engine.hold_next_call()
    held = asyncio.create_task(service.mood("a long day, finally home", n=2))
    await gate.wait_until_entered()

    with pytest.raises(BusyError, match="busy"):
        await service.mood("I feel great", n=2)
    gate.release()
    await held
    assert len((await service.mood("I feel great", n=2)).tracks) == 2


async def test_an_abandoned_request_holds_its_slot_until_its_thread_is_done(make_service, gated_engine):
    service = make_service(threads=1, max_pending=1)
    gate = gated_engine.hold_next_call()
    held = asyncio.create_task(service.mood("a long day, finally home", n=2))
    await gate.wait_until_entered()
    held.cancel()
    with pytest.raises(asyncio.CancelledError):
        await held

    with pytest.raises(BusyError):
        await service.mood("I feel great", n=2)
    gate.release()
    await asyncio.wait_for(until_idle(service), ENTER_TIMEOUT_S)  # the thread finishes, then frees the slot
    assert (await service.mood("I feel great", n=1)).tracks


async def test_engine_input_errors_become_usage_errors(make_service):
    service = make_service()
    with pytest.raises(UsageError, match="I need words"):
        await service.playlist(PlaylistRequest(MOOD, "😭😭 🎉", 5))


async def test_playlist_dispatches_on_the_mode(make_service, gated_engine):
    service = make_service()
    playlist = await service.playlist(PlaylistRequest(LIKESONG, "I walk a lonely road", 2))
    assert playlist.mode == "likesong" and len(playlist.tracks) == 2
    assert gated_engine.calls == [("likesong", "I walk a lonely road", 2)]


async def test_cooldown_per_user_and_refused_requests_do_not_count(make_service, gated_engine):
    service = make_service(cooldown_seconds=600)
    with pytest.raises(UsageError):
        await service.playlist(PlaylistRequest(MOOD, "🎉", 2), user="ann")
    await service.playlist(PlaylistRequest(MOOD, "I feel great", 2), user="ann")
    with pytest.raises(CooldownError, match="You can ask for another playlist in 600 s"):
        await service.playlist(PlaylistRequest(MOOD, "I feel great", 2), user="ann")
    await service.playlist(PlaylistRequest(MOOD, "I feel great", 2), user="bob")


def test_cooldown_expires_with_the_clock():
    now = [100.0]
    cooldown = Cooldown(5, clock=lambda: now[0])
    cooldown.start("ann")
    now[0] = 103.0
    with pytest.raises(CooldownError) as refused:
        cooldown.start("ann")
    assert refused.value.retry_after == pytest.approx(2.0)
    now[0] = 105.0
    cooldown.start("ann")


def test_zero_cooldown_never_refuses():
    cooldown = Cooldown(0)
    for _ in range(3):
        cooldown.start("ann")
