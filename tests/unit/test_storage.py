"""The SQLite layer: pragmas, migrations, atomic transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS


async def test_pragmas_and_migrations(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "bot.sqlite3"
    db = await Database.open(path)
    try:
        assert await db.scalar("PRAGMA journal_mode") == "wal"
        assert await db.scalar("PRAGMA foreign_keys") == 1
        assert await db.scalar("PRAGMA busy_timeout") == 10000
        assert await db.schema_version() == len(MIGRATIONS)
        tables = {
            r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {"units", "people", "bind_codes", "study_groups", "audit_log", "deliveries",
                "payloads", "push_days", "study_records"} <= tables  # fmt: skip
        assert await db.migrate() == (len(MIGRATIONS), len(MIGRATIONS))  # nothing to do
    finally:
        await db.close()


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute(
                "INSERT INTO people(name, unit_id, role, created_at, updated_at)"
                " VALUES ('x', 999, '干部', 'now', 'now')"
            )
    finally:
        await db.close()


async def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.tx() as conn:
                await conn.execute(
                    "INSERT INTO units(name, kind, created_at) VALUES ('甲村', '村', 'x')"
                )
                await conn.execute(
                    "INSERT INTO units(name, kind, created_at) VALUES ('甲村', '村', 'x')"
                )
        assert await db.scalar("SELECT COUNT(*) FROM units") == 0
    finally:
        await db.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="升级程序"):
        await Database.open(path)
