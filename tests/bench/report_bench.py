"""Benchmark: reports over a year of history for 10,000 people.

Generates (straight into SQLite, as setup) 10,000 people in 100 units, 365 push days with a
delivery per person per day (3.65M), ~3.6M study records, 1M quiz answers,
500 training sessions with attendance, and 20,000 consultations; then times the annual
figures, the .xlsx workbook, the chart, and the peak memory.
Targets (issue 8): annual figures ≤ 3 s, .xlsx ≤ 20 s, chart ≤ 3 s, peak RSS ≤ 400 MB.

Run: python -m tests.bench.report_bench [--people 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.domain.clock import ManualClock
from bot.exports import charts, excel
from bot.services.reports import ReportService
from bot.storage.db import Database, ReadPool
from bot.storage.people import PeopleStore
from bot.storage.reports import ReportStore
from tests.harness import SHANGHAI

YEAR = 2026
KINDS = ("中心组学法", "干部职工学习", "法律明白人培训", "送法进企业", "广场咨询", "其他培训")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _push_days() -> list[date]:
    """Every day of the year (the issue's 10,000 people × 365 days)."""
    return [date(YEAR, 1, 1) + timedelta(days=n) for n in range(365)]


def fill(path: Path, people: int) -> dict[str, int]:
    """Setup: write the history with sqlite3 directly (not what is measured)."""
    rng = random.Random(2026)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    created = _stamp(datetime(YEAR - 1, 12, 1, tzinfo=SHANGHAI))
    conn.executemany("INSERT INTO units(id, name, kind, created_at) VALUES (?, ?, '村', ?)",
                     [(u, f"第{u:03d}村", created) for u in range(1, 101)])  # fmt: skip
    roles = ("干部", "法律明白人", "法治带头人", "法治示范户")
    conn.executemany(
        "INSERT INTO people(id, name, unit_id, role, telegram_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(p, f"人员{p:05d}", 1 + p % 100, roles[p % 4], 10_000_000 + p, created, created)
         for p in range(1, people + 1)],
    )  # fmt: skip
    conn.execute("INSERT INTO payloads(id, digest, body) VALUES (1, 'x', '[]')")
    days = _push_days()
    counts = {"deliveries": 0, "study": 0, "answers": 0}
    for i, day in enumerate(days):
        iso = day.isoformat()
        conn.execute("INSERT INTO push_days(track, day, item_id, cycle, created_at)"
                     " VALUES ('villager', ?, 'x', 1, ?)", (iso, created))  # fmt: skip
        conn.executemany(
            "INSERT INTO deliveries(recipient_key, recipient_kind, ref_id, chat_id, day, kind,"
            " payload_id, status, created_at) VALUES (?, 'person', ?, ?, ?, 'study', 1, 'sent', ?)",
            [(f"person:{p}", p, 10_000_000 + p, iso, created) for p in range(1, people + 1)],
        )  # fmt: skip
        counts["deliveries"] += people
        studied_at = _stamp(
            datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=9)
        )
        rows = [(p, "x", iso, studied_at, iso, 10, 1) for p in range(1, people + 1)
                if rng.random() < 0.985]  # fmt: skip
        conn.executemany(
            "INSERT INTO study_records(person_id, item_id, push_day, studied_at, studied_day,"
            " minutes, delivered, via) VALUES (?, ?, ?, ?, ?, ?, ?, 'private')",
            rows,
        )
        counts["study"] += len(rows)
        if i % 25 == 0:
            conn.commit()
    # 1M answers on 250 days, through sittings and asks like the bot writes them
    answers_per_day = 1_000_000 // len(days)
    ask_id = 0
    for day in days:
        at = _stamp(datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=10))
        persons = [rng.randrange(1, people + 1) for _ in range(answers_per_day // 3)]
        sit_rows, ask_rows, ans_rows = [], [], []
        for p in persons:
            sit_rows.append((p, at))
        cur = conn.executemany(
            "INSERT INTO sittings(person_id, kind, chat_id, question_ids, started_at, finished_at)"
            " VALUES (?, 'daily', 0, '[]', ?, NULL)", sit_rows,
        )  # fmt: skip
        first_sitting = (
            conn.execute("SELECT MAX(id) FROM sittings").fetchone()[0] - len(persons) + 1
        )
        for n, p in enumerate(persons):
            for q in range(3):
                ask_id += 1
                ask_rows.append((ask_id, f"q{q}", first_sitting + n, p, at, at))
                ans_rows.append(
                    (
                        ask_id,
                        p,
                        f"q{q}",
                        "A",
                        rng.random() < 0.8,
                        at,
                        day.isoformat(),
                        first_sitting + n,
                    )
                )
        conn.executemany("INSERT INTO quiz_asks(id, question_id, context, chat_id, person_id,"
                         " sitting_id, created_at, expires_at) VALUES (?, ?, 'daily', 0, ?, ?, ?, ?)",
                         [(a, q, p, s, c, e) for a, q, s, p, c, e in ask_rows])  # fmt: skip
        conn.executemany("INSERT INTO quiz_answers(ask_id, person_id, question_id, context, choice,"
                         " correct, answered_at, answered_day, sitting_id) VALUES (?, ?, ?, 'daily', ?, ?, ?, ?, ?)",
                         ans_rows)  # fmt: skip
        counts["answers"] += len(ans_rows)
        del cur
    conn.commit()
    for s in range(1, 501):
        start = datetime(YEAR, 1, 5, 9, tzinfo=SHANGHAI) + timedelta(days=(s * 7) % 350)
        conn.execute(
            "INSERT INTO sessions(id, title, kind, mode, starts_at, hours, units, opens_at,"
            " closes_at, late_after, code, token, created_by, created_at, closed_at)"
            " VALUES (?, ?, ?, '线下', ?, 2, ?, ?, ?, ?, ?, ?, 'bench', ?, ?)",
            (s, f"培训{s}", KINDS[s % len(KINDS)], _stamp(start), json.dumps([f"第{s % 100:03d}村"]),
             _stamp(start), _stamp(start + timedelta(hours=1)), _stamp(start), str(s), f"t{s}",
             created, _stamp(start + timedelta(hours=1))),
        )  # fmt: skip
        members = [p for p in range(1 + s % 100, people + 1, 100)]
        conn.executemany(
            "INSERT INTO attendance(session_id, person_id, status, via, at) VALUES (?, ?, ?, 'code', ?)",
            [(s, p, rng.choice(("present", "present", "present", "late", "absent", "excused")),
              _stamp(start)) for p in members],
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO consultations(person_id, telegram_id, chat_id, question, matched_id, score,"
        " outcome, asked_at, asked_day) VALUES (?, ?, ?, '问题', 'faq-x', 0.9, ?, ?, ?)",
        [(1 + n % people, 10_000_000 + 1 + n % people, 10_000_000 + 1 + n % people,
          "answered" if n % 5 else "handed_over",
          _stamp(datetime(YEAR, 1 + n % 12, 10, 12, tzinfo=SHANGHAI)),
          date(YEAR, 1 + n % 12, 10).isoformat()) for n in range(20_000)],
    )  # fmt: skip
    conn.commit()
    conn.close()
    return counts


async def measure(path: Path) -> tuple[float, float, float, str, int]:
    db = await Database.open(path)
    pool = await ReadPool.open(path)
    service = ReportService(
        ReportStore(pool),
        PeopleStore(db),
        ManualClock(datetime(YEAR, 12, 31, 12, tzinfo=SHANGHAI)),
        late_credit=1.0,
        minutes_per_class_hour=45,
        kinds=KINDS,
    )
    start = time.perf_counter()
    scope, label = await service.scope(str(YEAR))
    report = await service.build(scope, label)
    paragraph = service.annual_paragraph(report, YEAR)
    t_annual = time.perf_counter() - start
    await pool.close()
    await db.close()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        excel.write_xlsx(report, Path(tmp) / "report.xlsx")
        t_xlsx = time.perf_counter() - start
        size = (Path(tmp) / "report.xlsx").stat().st_size
    start = time.perf_counter()
    charts.cjk_font()
    png = charts.combined_png(report)
    t_chart = time.perf_counter() - start
    assert png.startswith(b"\x89PNG")
    return t_annual, t_xlsx, t_chart, paragraph, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        asyncio.run(_schema(path))
        started = time.perf_counter()
        counts = fill(path, args.people)
        setup = time.perf_counter() - started
        t_annual, t_xlsx, t_chart, paragraph, size = asyncio.run(measure(path))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"report benchmark — {args.people:,} people, {counts['deliveries']:,} deliveries, "
          f"{counts['study']:,} study records, {counts['answers']:,} answers, 500 sessions; "
          f"{os.cpu_count()} cores (setup {setup:.0f} s)")  # fmt: skip
    print(f"annual figures (build + paragraph): {t_annual:.2f} s   [target ≤ 3 s]")
    print(f".xlsx workbook ({size / 1e6:.1f} MB):   {t_xlsx:.2f} s   [target ≤ 20 s]")
    print(f"chart (both, PNG):                  {t_chart:.2f} s   [target ≤ 3 s]")
    print(f"peak RSS: {peak:.0f} MB   [target ≤ 400 MB]")
    print(paragraph)


async def _schema(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


if __name__ == "__main__":
    main()
