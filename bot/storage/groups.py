"""Study groups: group chats registered to receive a track's daily item."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.people import StudyGroup, Track
from bot.storage.db import Database, utc_text


def _group(row: sqlite3.Row) -> StudyGroup:
    return StudyGroup(
        id=row["id"],
        chat_id=row["chat_id"],
        title=row["title"],
        track=Track(row["track"]),
        unit_id=row["unit_id"],
        active=bool(row["active"]) and row["blocked_at"] is None,
    )


class GroupStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def bind(
        self,
        chat_id: int,
        title: str,
        track: Track,
        unit_id: int | None,
        by: int,
        now: datetime,
    ) -> StudyGroup:
        """Register (or re-register) a group; re-binding updates track/unit and reactivates."""
        await self.db.execute(
            "INSERT INTO study_groups(chat_id, title, track, unit_id, bound_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET"
            " title = excluded.title, track = excluded.track, unit_id = excluded.unit_id,"
            " bound_by = excluded.bound_by, active = 1, blocked_at = NULL",
            (chat_id, title, track.value, unit_id, by, utc_text(now)),
        )
        group = await self.by_chat(chat_id)
        assert group is not None
        return group

    async def unbind(self, chat_id: int) -> bool:
        return (
            await self.db.execute(
                "UPDATE study_groups SET active = 0 WHERE chat_id = ? AND active = 1", (chat_id,)
            )
            > 0
        )

    async def by_chat(self, chat_id: int) -> StudyGroup | None:
        row = await self.db.fetchone("SELECT * FROM study_groups WHERE chat_id = ?", (chat_id,))
        return _group(row) if row else None

    async def active(self, track: Track | None = None) -> list[StudyGroup]:
        sql = "SELECT * FROM study_groups WHERE active = 1 AND blocked_at IS NULL"
        params: tuple[str, ...] = ()
        if track is not None:
            sql += " AND track = ?"
            params = (track.value,)
        return [_group(r) for r in await self.db.fetchall(sql + " ORDER BY id", params)]

    async def mark_blocked(self, group_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE study_groups SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL",
            (utc_text(now), group_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup with a new id."""
        await self.db.execute(
            "UPDATE study_groups SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )
