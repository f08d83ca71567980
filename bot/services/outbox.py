"""The outbox: the one path every bulk message takes (study pushes, reminders, later broadcasts).

Rows are written first (`enqueue`), then a dispatcher sends them concurrently within limits:
- an overall rate (token spacing, `outbox.rate_per_second`, default 25 msg/s);
- per chat: `per_chat_interval` seconds between messages to one private chat, and
  `group_per_minute` messages per minute to one group;
- at most `concurrency` sends in flight.
Outcomes: 429 → wait `retry_after` for that chat, then retry (not counted as a failed attempt);
403 → the recipient is marked blocked, no retry; network error / 5xx → exponential backoff, at
most `max_attempts` tries, then failed; a bad request → failed at once. Every delivered part is
committed before the next is sent, so after a crash only in-flight sends can repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.delivery import DeliveryStatus, NewDelivery, RecipientKind
from bot.domain.errors import (
    ChatMoved,
    PermanentSendError,
    RateLimited,
    RecipientBlocked,
    TransientSendError,
)
from bot.domain.messages import OutMessage, Part, Payload, Sent, payload_from_json, payload_to_json
from bot.storage.outbox import DueDelivery, OutboxStore

log = logging.getLogger(__name__)


class Sender(Protocol):
    """Port: delivers one message or poll; returns what was sent, or raises a SendError."""

    async def send(self, chat_id: int, part: Part) -> Sent: ...

    async def edit(self, chat_id: int, message_id: int, message: OutMessage) -> bool:
        """Replace a sent message's text and buttons; False if Telegram refused."""
        ...


BlockedHook = Callable[[RecipientKind, int], Awaitable[None]]
MovedHook = Callable[[int, int], Awaitable[None]]


class RateGate:
    """At most `rate` starts per second overall; slots are absolute, so sleep jitter does not
    accumulate into a lower rate."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(self._next, now)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class ChatGate:
    """Spacing per chat: private chats `private_interval` s apart, groups `group_interval` s."""

    def __init__(self, private_interval: float, group_interval: float) -> None:
        self.private_interval = private_interval
        self.group_interval = group_interval
        self._next: dict[int, float] = {}

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if chat_id < 0 else self.private_interval

    async def wait(self, chat_id: int) -> None:
        while True:
            now = time.monotonic()
            ready = self._next.get(chat_id, 0.0)
            if ready <= now:
                self._next[chat_id] = now + self._interval(chat_id)
                return
            await asyncio.sleep(ready - now)

    def hold(self, chat_id: int, seconds: float) -> None:
        self._next[chat_id] = max(self._next.get(chat_id, 0.0), time.monotonic() + seconds)

    def prune(self) -> None:
        now = time.monotonic()
        for chat_id in [c for c, t in self._next.items() if t < now]:
            del self._next[chat_id]


class Outbox:
    def __init__(
        self,
        store: OutboxStore,
        sender: Sender,
        clock: Clock,
        *,
        rate_per_second: float,
        per_chat_interval: float,
        group_per_minute: float,
        concurrency: int,
        max_attempts: int,
        backoff_seconds: float,
        backoff_max_seconds: float,
        on_blocked: BlockedHook,
        on_moved: MovedHook,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.concurrency = concurrency
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.backoff_max = backoff_max_seconds
        self._rate = RateGate(rate_per_second)
        self._chats = ChatGate(per_chat_interval, 60.0 / group_per_minute)
        self._on_blocked = on_blocked
        self._on_moved = on_moved
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._changed = asyncio.Event()
        self._payloads: dict[int, Payload] = {}
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False

    # --- writing -------------------------------------------------------------------------

    async def payload_id(self, payload: Payload) -> int:
        return await self.store.payload_id(payload_to_json(payload))

    async def enqueue(self, rows: list[NewDelivery]) -> int:
        """Write delivery rows (duplicates of recipient + day + kind are ignored) and wake the
        dispatcher; returns how many rows are new."""
        added = await self.store.enqueue(rows, self.clock.now()) if rows else 0
        if added:
            self.wake()
        return added

    # --- running -------------------------------------------------------------------------

    def start(self) -> None:
        if self._runner is None:
            self._stopping = False
            self._runner = asyncio.create_task(self._run(), name="outbox")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop taking new rows; let in-flight sends finish (up to `grace` s), then cancel."""
        self._stopping = True
        self.wake()
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
            self._runner = None
        tasks = list(self._inflight.values())
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    def wake(self) -> None:
        self._changed.set()

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    async def wait_idle(self, within: float = 30.0) -> bool:
        """True once nothing is in flight and no row is pending, due or not (tests, CLI)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if not self._inflight and await self.store.next_due_at() is None:
                return True
            await asyncio.sleep(0.01)
        return False

    async def _run(self) -> None:
        refill_at = max(1, self.concurrency // 4)
        prune_at = time.monotonic() + 600
        while not self._stopping:
            self._changed.clear()
            free = self.concurrency - len(self._inflight)
            rows: list[DueDelivery] = []
            if free >= refill_at or not self._inflight:
                try:
                    rows = await self.store.due(time.time(), free, self._inflight.keys())
                except Exception:
                    log.exception("outbox: reading due rows failed")
                    await asyncio.sleep(1)
                    continue
            for row in rows:
                task = asyncio.create_task(self._deliver(row), name=f"delivery-{row.id}")
                self._inflight[row.id] = task
                task.add_done_callback(functools.partial(self._done, row.id))
            if rows:
                await asyncio.sleep(0)
                continue
            timeout = 1.0
            if not self._inflight:
                nxt = await self.store.next_due_at()
                if nxt is not None:
                    timeout = min(1.0, max(0.0, nxt - time.time()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
            if time.monotonic() > prune_at:
                self._chats.prune()
                prune_at = time.monotonic() + 600

    def _done(self, delivery_id: int, _task: object = None) -> None:
        self._inflight.pop(delivery_id, None)
        self._changed.set()

    async def _payload(self, payload_id: int) -> Payload:
        cached = self._payloads.get(payload_id)
        if cached is None:
            cached = payload_from_json(await self.store.payload(payload_id))
            if len(self._payloads) > 256:
                self._payloads.clear()
            self._payloads[payload_id] = cached
        return cached

    async def _deliver(self, row: DueDelivery) -> None:
        try:
            await self._deliver_parts(row)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("outbox: delivery %d crashed; will retry", row.id)
            await self._retry(row, "internal error")

    async def _deliver_parts(self, row: DueDelivery) -> None:
        payload = await self._payload(row.payload_id)
        chat_id = row.chat_id
        for index in range(row.parts_sent, len(payload)):
            await self._chats.wait(chat_id)
            await self._rate.wait()
            try:
                sent = await self.sender.send(chat_id, payload[index])
            except RateLimited as e:
                self._chats.hold(chat_id, e.retry_after)
                await self.store.retry_later(
                    row.id, time.time() + e.retry_after, row.attempts, f"429 ({e.retry_after}s)"
                )
                self.wake()
                return
            except RecipientBlocked as e:
                await self.store.finish(row.id, DeliveryStatus.BLOCKED, str(e))
                await self._on_blocked(row.recipient_kind, row.ref_id)
                return
            except ChatMoved as e:
                await self._on_moved(chat_id, e.new_chat_id)
                await self.store.move_chat(chat_id, e.new_chat_id)
                await self.store.retry_later(row.id, time.time(), row.attempts, "chat moved")
                return
            except TransientSendError as e:
                await self._retry(row, str(e))
                return
            except PermanentSendError as e:
                log.warning("outbox: delivery %d failed permanently: %s", row.id, e)
                await self.store.finish(row.id, DeliveryStatus.FAILED, str(e))
                return
            done = index + 1 == len(payload)
            await self.store.part_sent(row.id, index + 1, sent.message_id, done, self.clock.now())

    async def _retry(self, row: DueDelivery, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            log.warning("outbox: delivery %d failed after %d attempts: %s", row.id, attempts, error)
            await self.store.finish(row.id, DeliveryStatus.FAILED, error)
            return
        delay = min(self.backoff_max, self.backoff * (2 ** (attempts - 1)))
        await self.store.retry_later(row.id, time.time() + delay, attempts, error)
