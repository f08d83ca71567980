"""The outbox: durable delivery rows and their (deduplicated) payloads.

A row is written before anything is sent; its status moves pending → sent / failed / blocked.
`parts_sent` is committed after every delivered part, so a restart never re-sends a part that
was recorded as sent.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.delivery import (
    DeliveryCounts,
    DeliveryKind,
    DeliveryStatus,
    NewDelivery,
    RecipientKind,
)
from bot.storage.db import Database, utc_text


@dataclass(frozen=True, slots=True)
class DueDelivery:
    id: int
    recipient_kind: RecipientKind
    ref_id: int
    chat_id: int
    payload_id: int
    parts_sent: int
    attempts: int


def _due(row: sqlite3.Row) -> DueDelivery:
    return DueDelivery(
        id=row["id"],
        recipient_kind=RecipientKind(row["recipient_kind"]),
        ref_id=row["ref_id"],
        chat_id=row["chat_id"],
        payload_id=row["payload_id"],
        parts_sent=row["parts_sent"],
        attempts=row["attempts"],
    )


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def payload_id(self, body: str) -> int:
        digest = hashlib.sha256(body.encode()).hexdigest()
        await self.db.execute(
            "INSERT INTO payloads(digest, body) VALUES (?, ?) ON CONFLICT(digest) DO NOTHING",
            (digest, body),
        )
        return int(await self.db.scalar("SELECT id FROM payloads WHERE digest = ?", (digest,)))

    async def payload(self, payload_id: int) -> str:
        return str(await self.db.scalar("SELECT body FROM payloads WHERE id = ?", (payload_id,)))

    async def enqueue(self, rows: Sequence[NewDelivery], now: datetime) -> int:
        """Insert rows that do not exist yet (unique on recipient + day + kind); returns how many."""
        stamp = utc_text(now)
        async with self.db.tx() as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT OR IGNORE INTO deliveries(recipient_key, recipient_kind, ref_id, chat_id,"
                " day, kind, payload_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        r.recipient.key,
                        r.recipient.kind.value,
                        r.recipient.ref_id,
                        r.recipient.chat_id,
                        r.day.isoformat(),
                        str(r.kind),
                        r.payload_id,
                        stamp,
                    )
                    for r in rows
                ],
            )
            return conn.total_changes - before

    async def due(
        self, now_epoch: float, limit: int, skip: Iterable[int] = ()
    ) -> list[DueDelivery]:
        skip = set(skip)
        rows = await self.db.fetchall(
            "SELECT id, recipient_kind, ref_id, chat_id, payload_id, parts_sent, attempts"
            " FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at, id LIMIT ?",
            (now_epoch, limit + len(skip)),
        )
        return [_due(r) for r in rows if r["id"] not in skip][:limit]

    async def next_due_at(self) -> float | None:
        value = await self.db.scalar(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'"
        )
        return None if value is None else float(value)

    async def part_sent(
        self, delivery_id: int, parts_sent: int, message_id: int, done: bool, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE deliveries SET parts_sent = ?, message_ids = message_ids || ? || ',',"
            " status = CASE WHEN ? THEN 'sent' ELSE status END,"
            " sent_at = CASE WHEN ? THEN ? ELSE sent_at END, last_error = NULL WHERE id = ?",
            (parts_sent, str(message_id), done, done, utc_text(now), delivery_id),
        )

    async def retry_later(
        self, delivery_id: int, next_epoch: float, attempts: int, error: str
    ) -> None:
        await self.db.execute(
            "UPDATE deliveries SET next_attempt_at = ?, attempts = ?, last_error = ? WHERE id = ?",
            (next_epoch, attempts, error[:500], delivery_id),
        )

    async def finish(self, delivery_id: int, status: DeliveryStatus, error: str) -> None:
        await self.db.execute(
            "UPDATE deliveries SET status = ?, last_error = ? WHERE id = ?",
            (status.value, error[:500], delivery_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        await self.db.execute(
            "UPDATE deliveries SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
            (new_chat_id, old_chat_id),
        )

    async def counts(self, day: date, kind: DeliveryKind) -> DeliveryCounts:
        rows = await self.db.fetchall(
            "SELECT status, COUNT(*) FROM deliveries WHERE day = ? AND kind = ? GROUP BY status",
            (day.isoformat(), kind.value),
        )
        by = {r[0]: r[1] for r in rows}
        return DeliveryCounts(
            sent=by.get("sent", 0),
            pending=by.get("pending", 0),
            failed=by.get("failed", 0),
            blocked=by.get("blocked", 0),
        )

    async def sent_people(self, day: date, kind: DeliveryKind) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT ref_id FROM deliveries WHERE day = ? AND kind = ? AND status = 'sent'"
            " AND recipient_kind = 'person'",
            (day.isoformat(), kind.value),
        )
        return [r[0] for r in rows]
