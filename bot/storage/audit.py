"""The audit log of organizer actions (who did what, when)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.db import Database, from_utc_text, utc_text


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


class AuditStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, actor: str, action: str, now: datetime, **detail: Any) -> None:
        await self.db.execute(
            "INSERT INTO audit_log(at, actor, action, detail) VALUES (?, ?, ?, ?)",
            (utc_text(now), actor, action, json.dumps(detail, ensure_ascii=False)),
        )

    async def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = await self.db.fetchall(
            "SELECT at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [AuditEntry(from_utc_text(r[0]), r[1], r[2], json.loads(r[3] or "{}")) for r in rows]
