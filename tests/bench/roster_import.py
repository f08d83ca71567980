"""Benchmark: import a 5,000-row roster .xlsx into a fresh database, then re-import it.

Target (issue 2): under 10 s. Run: python -m tests.bench.roster_import [--rows N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bot.domain.clock import ManualClock
from bot.services.roster import RosterService
from bot.storage.audit import AuditStore
from bot.storage.db import Database
from bot.storage.people import PeopleStore
from tests.harness import SHANGHAI
from tests.rosters import write_xlsx

ROLES = ["干部", "法律明白人", "法治带头人", "法治示范户"]


def make_rows(n: int) -> list[tuple[str, str, str, str]]:
    return [
        (f"人员{i:05d}", f"第{i % 120:03d}村" if i % 5 else f"镇{i % 12:02d}站", ROLES[i % 4],
         f"13{i:09d}")
        for i in range(n)
    ]  # fmt: skip


async def main(rows: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path = write_xlsx(folder / "名单.xlsx", make_rows(rows))
        t_write = time.perf_counter() - t0
        db = await Database.open(folder / "bench.sqlite3")
        service = RosterService(
            PeopleStore(db), AuditStore(db), ManualClock(datetime.now(SHANGHAI))
        )
        t0 = time.perf_counter()
        first = await service.import_file(path)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = await service.import_file(path)
        t_again = time.perf_counter() - t0
        t0 = time.perf_counter()
        codes = await service.write_codes(folder / "codes.xlsx", "legal_study_bot")
        t_codes = time.perf_counter() - t0
        await db.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"roster import benchmark — {rows} rows, {os.cpu_count()} cores")
    print(f"{'step':<34}{'seconds':>10}  result")
    print(f"{'write the test .xlsx (setup)':<34}{t_write:>10.2f}")
    print(f"{'first import (fresh database)':<34}{t_first:>10.2f}  added {first.added}")
    print(f"{'re-import (all unchanged)':<34}{t_again:>10.2f}  unchanged {again.unchanged}")
    print(f"{'export bind codes .xlsx':<34}{t_codes:>10.2f}  {codes} codes")
    print(f"peak RSS {peak_mb:.0f} MB; target: first import < 10 s → "
          f"{'PASS' if t_first < 10 else 'FAIL'}")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    asyncio.run(main(parser.parse_args().rows))
