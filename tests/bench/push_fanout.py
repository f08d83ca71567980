"""Benchmark: the daily push to 10,000 bound recipients against the fake Bot API on loopback.

The fake server runs in its own process (`python -m tests.fakebot`), the bot is a real
`legalbot run` process; this script prepares the database, starts both, watches the server's
counters and measures the bot process with psutil. Scenarios (issue 3):

  a  throughput with the rate limit lifted: msg/s, CPU seconds, peak RSS
     (targets ≥ 1,000 msg/s on 2 cores, peak RSS ≤ 200 MB)
  b  achieved ÷ configured rate with the outbox limited to 200 msg/s (target ≥ 0.95)
  c  5% of requests answered 429 (retry_after 1) and 1% dropped connections:
     delivered = 10,000, duplicates = 0
  d  the bot killed with SIGKILL mid-push and restarted: delivered = 10,000,
     duplicates ≤ sends in flight at the kill (≤ outbox.concurrency)

Run: python -m tests.bench.push_fanout [--people 10000] [--only abcd]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import yaml

from bot.domain.clock import ManualClock
from bot.services.roster import RosterService
from bot.storage.audit import AuditStore
from bot.storage.db import Database
from bot.storage.people import PeopleStore
from tests.fakebot import FakeBotApi
from tests.harness import SHANGHAI
from tests.rosters import write_csv

ROOT = Path(__file__).resolve().parents[2]
TOKEN = FakeBotApi.token
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fakebot", "--port", str(self.port), "--token", TOKEN],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert self.proc.stdout is not None
        self.proc.stdout.readline()  # "fake Bot API on …"

    def _call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        url = f"http://127.0.0.1:{self.port}/_control/{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result

    def stats(self) -> dict[str, Any]:
        return self._call("stats")

    def reset(self) -> None:
        self._call("reset", {})

    def faults(self, faults: list[dict[str, Any]]) -> None:
        self._call("faults", {"faults": faults})

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


async def prepare_db(path: Path, people: int) -> None:
    """A roster of `people` villagers, all bound (setup, not measured)."""
    rows = [
        (f"村民{i:05d}", f"第{i % 100:02d}村", "法律明白人", f"13{i:09d}") for i in range(people)
    ]
    csv = write_csv(path.parent / "roster.csv", rows)
    db = await Database.open(path)
    roster = RosterService(PeopleStore(db), AuditStore(db), ManualClock(datetime.now(SHANGHAI)))
    await roster.import_file(csv)
    await db.execute("UPDATE people SET telegram_id = 100000000 + id, bound_at = created_at")
    await db.execute("UPDATE bind_codes SET used_at = created_at")
    await db.close()


def write_config(folder: Path, port: int, db: Path, rate: float, concurrency: int) -> Path:
    config = {
        "telegram": {
            "base_url": f"http://127.0.0.1:{port}/bot",
            "base_file_url": f"http://127.0.0.1:{port}/file/bot",
            "overall_rate_per_second": 1_000_000, "group_per_minute": 1_000_000,
            "poll_timeout": 1,
        },
        "database": str(db),
        "content_dir": str(ROOT / "content"),
        "study": {"push_time": "00:00", "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]},
        "outbox": {"rate_per_second": rate, "concurrency": concurrency, "per_chat_interval": 1.0,
                   "backoff_seconds": 0.5, "max_attempts": 8},
        "log_level": "WARNING",
    }  # fmt: skip
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Run:
    delivered: int
    duplicates: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    first_at: float
    last_at: float


class Bot:
    def __init__(self, config: Path) -> None:
        env = {**os.environ, "LEGALBOT_TOKEN": TOKEN}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(config)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.ps = psutil.Process(self.proc.pid)
        self.peak_rss = 0

    def sample(self) -> None:
        try:
            self.peak_rss = max(self.peak_rss, self.ps.memory_info().rss)
            with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        self.peak_rss = max(self.peak_rss, int(line.split()[1]) * 1024)
        except (psutil.Error, OSError):
            pass

    def cpu(self) -> float:
        try:
            t = self.ps.cpu_times()
            return float(t.user + t.system)
        except psutil.Error:
            return 0.0

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(server: Server, bot: Bot, target: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    stats = server.stats()
    while time.monotonic() < deadline:
        bot.sample()
        stats = server.stats()
        if stats["chats"] >= target:
            return stats
        if bot.proc.poll() is not None:
            err = bot.proc.stderr.read().decode() if bot.proc.stderr else ""
            raise SystemExit(f"bot exited early ({bot.proc.returncode}): {err[-2000:]}")
        time.sleep(0.05)
    raise SystemExit(f"timed out: {stats['chats']} of {target} delivered")


def scenario(folder: Path, server: Server, people: int, rate: float, name: str,
             faults: list[dict[str, Any]] | None = None) -> Run:  # fmt: skip
    db = folder / f"{name}.sqlite3"
    asyncio.run(prepare_db(db, people))
    server.reset()
    server.faults(faults or [])
    bot = Bot(write_config(folder, server.port, db, rate, CONCURRENCY))
    t0 = time.monotonic()
    stats = wait_until(server, bot, people, timeout=900)
    elapsed = time.monotonic() - t0
    cpu = bot.cpu()
    bot.sample()
    time.sleep(1.5)  # anything sent twice would arrive now
    stats = server.stats()
    bot.stop()
    return Run(stats["chats"], stats["duplicates"], elapsed, cpu, bot.peak_rss / 2**20,
               stats["first_sent_at"], stats["last_sent_at"])  # fmt: skip


def scenario_kill(folder: Path, server: Server, people: int) -> tuple[Run, int]:
    db = folder / "d.sqlite3"
    asyncio.run(prepare_db(db, people))
    server.reset()
    server.faults([])
    config = write_config(folder, server.port, db, 2000, CONCURRENCY)
    bot = Bot(config)
    wait_until(server, bot, people * 3 // 10, timeout=300)
    bot.kill()
    at_kill = server.stats()["chats"]
    t0 = time.monotonic()
    bot = Bot(config)
    stats = wait_until(server, bot, people, timeout=600)
    time.sleep(1.5)
    stats = server.stats()
    bot.stop()
    return Run(stats["chats"], stats["duplicates"], time.monotonic() - t0, 0, 0, 0, 0), at_kill


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--only", default="abcd")
    args = parser.parse_args()
    n = args.people
    server = Server()
    lines = [f"push fan-out benchmark — {n} recipients, {os.cpu_count()} cores, "
             f"fake Bot API on loopback (separate process), outbox concurrency {CONCURRENCY}"]  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            if "a" in args.only:
                r = scenario(folder, server, n, 1_000_000, "a")
                rate = (n - 1) / max(1e-9, r.last_at - r.first_at)
                lines.append(f"(a) rate limit lifted: {rate:,.0f} msg/s over the send window; "
                             f"{r.cpu_seconds:.1f} CPU s in the bot process (incl. start-up); "
                             f"peak RSS {r.peak_rss_mb:.0f} MB; delivered {r.delivered}, "
                             f"duplicates {r.duplicates}  [target ≥ 1,000 msg/s, ≤ 200 MB]")  # fmt: skip
            if "b" in args.only:
                r = scenario(folder, server, n, 200, "b")
                rate = (n - 1) / max(1e-9, r.last_at - r.first_at)
                lines.append(f"(b) limiter at 200 msg/s: achieved {rate:.1f} msg/s → ratio "
                             f"{rate / 200:.3f}; delivered {r.delivered}  [target ≥ 0.95]")  # fmt: skip
            if "c" in args.only:
                faults = [{"status": 429, "method": "sendMessage", "probability": 0.05,
                           "times": None, "retry_after": 1},
                          {"status": 0, "method": "sendMessage", "probability": 0.01,
                           "times": None}]  # fmt: skip
                r = scenario(folder, server, n, 1_000_000, "c", faults)
                lines.append(f"(c) 5% 429 (retry_after 1) + 1% dropped connections: delivered "
                             f"{r.delivered}, duplicates {r.duplicates}, took {r.seconds:.1f} s"
                             f"  [target 10,000 and 0]")  # fmt: skip
            if "d" in args.only:
                r, at_kill = scenario_kill(folder, server, n)
                lines.append(f"(d) SIGKILL after {at_kill} delivered, then restart: delivered "
                             f"{r.delivered}, duplicates {r.duplicates} (sends in flight at the "
                             f"kill ≤ {CONCURRENCY})  [target 10,000 and ≤ in-flight]")  # fmt: skip
    finally:
        server.stop()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
