"""Units, people and bind codes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.errors import BindError
from bot.domain.people import Person, Role, Track, Unit, UnitKind
from bot.storage.db import Database, from_utc_text, utc_text

_PERSON_COLUMNS = """p.id, p.name, p.unit_id, u.name AS unit_name, p.role, p.phone, p.telegram_id,
    p.active, p.blocked_at, p.created_at"""


def _person(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        name=row["name"],
        unit_id=row["unit_id"],
        unit_name=row["unit_name"],
        role=Role(row["role"]),
        phone=row["phone"],
        telegram_id=row["telegram_id"],
        active=bool(row["active"]),
        blocked_at=from_utc_text(row["blocked_at"]) if row["blocked_at"] else None,
        created_at=from_utc_text(row["created_at"]),
    )


@dataclass(frozen=True, slots=True)
class RosterKey:
    """What the roster import needs to know about an existing person."""

    id: int
    name: str
    unit: str
    role: Role
    phone: str | None


@dataclass(frozen=True, slots=True)
class NewPerson:
    name: str
    unit: str
    unit_kind: UnitKind
    role: Role
    phone: str | None
    code: str


@dataclass(frozen=True, slots=True)
class PersonUpdate:
    id: int
    role: Role
    phone: str | None


@dataclass(frozen=True, slots=True)
class CodeRow:
    name: str
    unit: str
    role: Role
    code: str


class PeopleStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- roster --------------------------------------------------------------------------

    async def roster_keys(self) -> list[RosterKey]:
        rows = await self.db.fetchall(
            "SELECT p.id, p.name, u.name AS unit, p.role, p.phone"
            " FROM people p JOIN units u ON u.id = p.unit_id"
        )
        return [RosterKey(r["id"], r["name"], r["unit"], Role(r["role"]), r["phone"]) for r in rows]

    async def apply_roster(
        self, added: Iterable[NewPerson], updated: Iterable[PersonUpdate], now: datetime
    ) -> None:
        """Insert new people (creating their units) and update changed ones, atomically."""
        stamp = utc_text(now)
        async with self.db.tx() as conn:
            for p in added:
                await conn.execute(
                    "INSERT INTO units(name, kind, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(name) DO NOTHING",
                    (p.unit, p.unit_kind.value, stamp),
                )
                cur = await conn.execute(
                    "INSERT INTO people(name, unit_id, role, phone, created_at, updated_at)"
                    " SELECT ?, id, ?, ?, ?, ? FROM units WHERE name = ?",
                    (p.name, p.role.value, p.phone, stamp, stamp, p.unit),
                )
                await conn.execute(
                    "INSERT INTO bind_codes(code, person_id, created_at) VALUES (?, ?, ?)",
                    (p.code, cur.lastrowid, stamp),
                )
            await conn.executemany(
                "UPDATE people SET role = ?, phone = ?, updated_at = ? WHERE id = ?",
                [(u.role.value, u.phone, stamp, u.id) for u in updated],
            )

    async def existing_codes(self) -> set[str]:
        rows = await self.db.fetchall("SELECT code FROM bind_codes")
        return {r[0] for r in rows}

    async def people_without_open_code(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT p.id FROM people p WHERE p.telegram_id IS NULL AND p.active = 1"
            " AND NOT EXISTS (SELECT 1 FROM bind_codes c"
            "                 WHERE c.person_id = p.id AND c.used_at IS NULL)"
        )
        return [r[0] for r in rows]

    async def add_codes(self, codes: dict[int, str], now: datetime) -> None:
        stamp = utc_text(now)
        await self.db.executemany(
            "INSERT INTO bind_codes(code, person_id, created_at) VALUES (?, ?, ?)",
            [(code, pid, stamp) for pid, code in codes.items()],
        )

    async def open_codes(self) -> list[CodeRow]:
        """Codes of people not yet bound, in roster order."""
        rows = await self.db.fetchall(
            "SELECT p.name, u.name AS unit, p.role, c.code FROM bind_codes c"
            " JOIN people p ON p.id = c.person_id JOIN units u ON u.id = p.unit_id"
            " WHERE c.used_at IS NULL AND p.telegram_id IS NULL AND p.active = 1"
            " ORDER BY u.name, p.id"
        )
        return [CodeRow(r["name"], r["unit"], Role(r["role"]), r["code"]) for r in rows]

    # --- binding -------------------------------------------------------------------------

    async def bind(self, code: str, telegram_id: int, now: datetime) -> Person:
        """Bind `telegram_id` to the person holding `code`; BindError says why not."""
        async with self.db.tx() as conn:
            cur = await conn.execute(
                "SELECT c.person_id, c.used_at, p.telegram_id, p.active FROM bind_codes c"
                " JOIN people p ON p.id = c.person_id WHERE c.code = ?",
                (code,),
            )
            row = await cur.fetchone()
            if row is None:
                raise BindError("unknown")
            cur = await conn.execute("SELECT id FROM people WHERE telegram_id = ?", (telegram_id,))
            mine = await cur.fetchone()
            if mine is not None:
                raise BindError("same" if mine[0] == row["person_id"] else "already_bound")
            if row["used_at"] is not None:
                raise BindError("used")
            if row["telegram_id"] is not None:
                raise BindError("person_taken")
            if not row["active"]:
                raise BindError("inactive")
            stamp = utc_text(now)
            await conn.execute(
                "UPDATE bind_codes SET used_at = ?, used_by = ? WHERE code = ?",
                (stamp, telegram_id, code),
            )
            await conn.execute(
                "UPDATE people SET telegram_id = ?, bound_at = ?, blocked_at = NULL,"
                " updated_at = ? WHERE id = ?",
                (telegram_id, stamp, stamp, row["person_id"]),
            )
        person = await self.by_id(row["person_id"])
        assert person is not None
        return person

    # --- lookups -------------------------------------------------------------------------

    async def by_id(self, person_id: int) -> Person | None:
        row = await self.db.fetchone(
            f"SELECT {_PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id"
            " WHERE p.id = ?",
            (person_id,),
        )
        return _person(row) if row else None

    async def by_telegram(self, telegram_id: int) -> Person | None:
        row = await self.db.fetchone(
            f"SELECT {_PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id"
            " WHERE p.telegram_id = ?",
            (telegram_id,),
        )
        return _person(row) if row else None

    async def organizer_telegram_ids(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT telegram_id FROM people WHERE role = ? AND active = 1"
            " AND telegram_id IS NOT NULL",
            (Role.ORGANIZER.value,),
        )
        return [r[0] for r in rows]

    async def recipients(self, track: Track) -> list[tuple[int, int]]:
        """(person id, telegram id) of every bound, active, not-blocked person of a track."""
        roles = [r.value for r in track.roles]
        marks = ",".join("?" * len(roles))
        rows = await self.db.fetchall(
            f"SELECT id, telegram_id FROM people WHERE role IN ({marks}) AND active = 1"
            " AND telegram_id IS NOT NULL AND blocked_at IS NULL ORDER BY id",
            roles,
        )
        return [(r[0], r[1]) for r in rows]

    async def count(self) -> int:
        return int(await self.db.scalar("SELECT COUNT(*) FROM people"))

    async def units(self) -> list[Unit]:
        rows = await self.db.fetchall("SELECT id, name, kind FROM units ORDER BY name")
        return [Unit(r["id"], r["name"], UnitKind(r["kind"])) for r in rows]

    async def unit_by_name(self, name: str) -> Unit | None:
        row = await self.db.fetchone("SELECT id, name, kind FROM units WHERE name = ?", (name,))
        return Unit(row["id"], row["name"], UnitKind(row["kind"])) if row else None

    # --- blocked users -------------------------------------------------------------------

    async def mark_blocked(self, person_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE people SET blocked_at = ? WHERE id = ? AND blocked_at IS NULL",
            (utc_text(now), person_id),
        )

    async def clear_blocked(self, telegram_id: int) -> bool:
        """A blocked user wrote to the bot again: they unblocked it. True if they were blocked."""
        n = await self.db.execute(
            "UPDATE people SET blocked_at = NULL WHERE telegram_id = ? AND blocked_at IS NOT NULL",
            (telegram_id,),
        )
        return n > 0

    async def blocked_names(self, limit: int = 50) -> list[str]:
        """'姓名（单位）' of people who blocked the bot, most recent first (organizers only)."""
        rows = await self.db.fetchall(
            "SELECT p.name, u.name FROM people p JOIN units u ON u.id = p.unit_id"
            " WHERE p.blocked_at IS NOT NULL AND p.active = 1 ORDER BY p.blocked_at DESC LIMIT ?",
            (limit,),
        )
        return [f"{r[0]}（{r[1]}）" for r in rows]

    async def active_people(self) -> list[Person]:
        rows = await self.db.fetchall(
            f"SELECT {_PERSON_COLUMNS} FROM people p JOIN units u ON u.id = p.unit_id"
            " WHERE p.active = 1 ORDER BY u.name, p.id"
        )
        return [_person(r) for r in rows]

    async def bound_ids(self) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT id FROM people WHERE telegram_id IS NOT NULL AND active = 1"
            " AND blocked_at IS NULL"
        )
        return [r[0] for r in rows]
