"""The SQLite connection (aiosqlite): pragmas, migrations, transactions.

One connection serves the whole bot. aiosqlite runs it on its own thread; an asyncio lock makes
each transaction atomic with respect to other coroutines (without it, two coroutines' statements
would interleave inside one SQLite transaction). WAL + synchronous=NORMAL: a committed row
survives a crash of the process (SIGKILL), which is what the outbox relies on.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from bot.storage.migrations import MIGRATIONS

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


def utc_text(moment: datetime) -> str:
    """How timestamps are stored: ISO 8601 in UTC (sorts as text)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True) -> Database:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA busy_timeout=10000")
        db = cls(conn, path)
        if migrate:
            try:
                await db.migrate()
            except BaseException:
                await conn.close()
                raise
        return db

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> tuple[int, int]:
        """Apply pending migrations, each in its own transaction. Returns (from, to) versions."""
        start = await self.schema_version()
        if start > len(MIGRATIONS):
            raise RuntimeError(f"数据库版本 {start} 比程序认识的 {len(MIGRATIONS)} 新，请升级程序")
        for version, script in enumerate(MIGRATIONS[start:], start=start + 1):
            async with self._lock:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(script):
                        await self._conn.execute(statement)
                    await self._conn.execute(f"PRAGMA user_version={version}")
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
            log.info("database migrated to version %d", version)
        return start, len(MIGRATIONS)

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """An exclusive write transaction; commit on success, roll back on any error."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One statement in its own transaction; returns the affected row count."""
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            return cur.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.tx() as conn:
            await conn.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock:
            cur = await self._conn.execute(sql, params)
            row: sqlite3.Row | None = await cur.fetchone()
            return row

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


def _split_sql(script: str) -> list[str]:
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


class ReadPool:
    """Read-only connections for heavy report queries.

    Reports scan millions of rows; on the bot's one write connection they would hold its lock
    for seconds. With WAL, readers on their own connections run beside the writer, and
    aiosqlite gives each connection its own thread (SQLite releases the GIL while it works),
    so independent report queries also run in parallel on the machine's cores.
    """

    def __init__(self, connections: list[aiosqlite.Connection]) -> None:
        self._free: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all = connections
        for conn in connections:
            self._free.put_nowait(conn)

    @classmethod
    async def open(cls, path: Path, size: int = 2) -> ReadPool:
        connections = []
        for _ in range(size):
            conn = await aiosqlite.connect(str(path), isolation_level=None)
            conn.row_factory = sqlite3.Row
            await conn.execute("PRAGMA query_only=ON")
            await conn.execute("PRAGMA busy_timeout=10000")
            await conn.execute("PRAGMA cache_size=-65536")
            connections.append(conn)
        return cls(connections)

    async def close(self) -> None:
        for conn in self._all:
            await conn.close()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        conn = await self._free.get()
        try:
            cur = await conn.execute(sql, params)
            return list(await cur.fetchall())
        finally:
            self._free.put_nowait(conn)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        rows = await self.fetchall(sql, params)
        return rows[0][0] if rows else None
