"""Benchmark: 2,000 people check in to one training session within one minute.

The real Application runs in this process against the fake Bot API on loopback; each person
sends `/checkin CODE` from their own account. Measures the handling time of each check-in
(from the message reaching the fake server's update queue to the bot's reply) and checks that
every person has exactly one attendance record and got exactly one reply.

Two arrival patterns: spread evenly over 60 s (a hall filling up), and all at once (a burst).
Run: python -m tests.bench.checkin_burst [--people 2000] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bot.config import load_config
from bot.domain.clock import ManualClock
from bot.domain.training import Mode
from tests.fakebot import FakeBotApi
from tests.harness import SHANGHAI, Harness, write_config
from tests.rosters import write_csv

FIRST_USER = 800_000_000


async def _bind_all(h: Harness, folder: Path, people: int) -> None:
    rows = [
        (f"学员{i:04d}", f"第{i % 40:02d}村", "法律明白人", f"13{i:09d}") for i in range(people)
    ]
    await h.services.roster.import_file(write_csv(folder / "roster.csv", rows))
    db = h.services.training.store.db
    await db.execute(f"UPDATE people SET telegram_id = {FIRST_USER} + id")
    await db.execute("UPDATE bind_codes SET used_at = created_at")


async def _round(h: Harness, code: str, users: list[int], spread: float) -> list[float]:
    """Send one check-in per user (evenly over `spread` s); per-user handling times in ms."""
    api = h.api
    sent_at: dict[int, float] = {}
    start = time.monotonic()
    for i, user in enumerate(users):
        if spread:
            delay = start + spread * i / len(users) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        sent_at[user] = time.time()
        api.inject_message(user, f"/checkin {code}")
    wanted = set(users)

    def checkin_replies() -> list[tuple[int, float]]:
        return [(c.params["chat_id"], c.at) for c in api.calls_to("sendMessage")
                if c.params["chat_id"] in wanted and "签到" in str(c.params["text"])]  # fmt: skip

    await api.wait_for(lambda: len({c for c, _ in checkin_replies()}) == len(wanted), within=600)
    replied: dict[int, float] = {}
    for chat, at in checkin_replies():
        replied.setdefault(chat, at)
    return [(replied[u] - sent_at[u]) * 1000 for u in users]


def _pcts(values: list[float]) -> str:
    ordered = sorted(values)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"


async def main(people: int, seconds: float) -> None:
    api = FakeBotApi()
    await api.start()
    lines = [f"check-in burst benchmark — {people} people per round, {os.cpu_count()} cores, "
             "real Application + fake Bot API on loopback"]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = load_config(write_config(folder, api))
        clock = ManualClock(datetime(2026, 12, 5, 8, 0, tzinfo=SHANGHAI))
        h = Harness(api=api, config=config, clock=clock)
        await h.start()
        try:
            await _bind_all(h, folder, people * 2)
            for label, spread, offset in ((f"spread over {seconds:g}s", seconds, 0),
                                          ("all at once", 0.0, people)):  # fmt: skip
                clock.set(datetime(2026, 12, 5, 8, 50, tzinfo=SHANGHAI))
                session = await h.services.training.create(
                    title=f"培训 {label}", kind="法律明白人培训", mode=Mode.OFFLINE,
                    starts_at=datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI), hours=2, by="bench",
                )  # fmt: skip
                for column in ("announced_at", "reminded_at"):  # measure check-ins alone
                    await h.services.training.store.stamp(session.id, column, clock.now())
                users = [FIRST_USER + offset + i + 1 for i in range(people)]
                api.calls.clear()
                timings = await _round(h, session.code, users, spread)
                records = await h.services.training.store.records(session.id)
                replies = [c.params["chat_id"] for c in api.calls_to("sendMessage")
                           if "签到" in str(c.params["text"])]  # fmt: skip
                duplicates = len(replies) - len(set(replies))
                ok = sum(
                    1 for c in api.calls_to("sendMessage") if "签到成功" in str(c.params["text"])
                )
                lines.append(
                    f"{label:<16} records {len(records)}/{people}, success replies {ok}, "
                    f"duplicate replies {duplicates}; handling {_pcts(timings)}"
                )
        finally:
            await h.stop()
            await api.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.seconds))
