"""Benchmark: quiz question banks and choosing a daily quiz.

`bench_import`: write a 2,000-question .xlsx bank (mixed types, realistic lengths), then time
read_bank + write_bank_yaml + load_library (the shipped library plus the bank). Target: < 10 s.

`bench_choose`: 10,000 questions and 1,000,000 recorded answers (5,000 people × 200) in a real
SQLite file; time QuizService.choose_daily for one person (on-item questions, due reviews,
unseen questions). Target: < 20 ms.

Run: python -m tests.bench.quiz_bench [--questions N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.content.loader import load_library
from bot.domain.clock import ManualClock
from bot.domain.content import Law, Library, QuestionType, QuizQuestion
from bot.domain.people import Person, Role
from bot.services.question_bank import read_bank, write_bank_yaml
from bot.services.quiz import QuizService, QuizSettings
from bot.sheets import write_table
from bot.storage.db import Database
from bot.storage.quiz import QuizStore

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
TARGET_SECONDS = 10.0
HEADER = (
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "答案",
    "解析",
    "出处",
    "难度",
)
PHRASES = (
    "村民委员会", "依照法律规定", "在承包期内", "经村民会议讨论决定", "当事人可以",
    "向人民法院提起诉讼", "行政机关应当", "公民的合法的私有财产", "不受侵犯", "宅基地使用权",
    "用人单位", "劳动者", "未成年人", "监护人", "应当依法承担", "民事责任", "按照国家有关规定",
    "申请行政复议", "人民调解委员会", "经营者", "消费者", "法律援助机构", "家庭暴力", "告诫书",
)  # fmt: skip
KINDS = (("单选题", 2), ("单选", 2), ("多选题", 1), ("多项选择", 1), ("判断题", 2), ("是非题", 1))


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _text(rng: random.Random, low: int, high: int, end: str) -> str:
    """Chinese-looking text of low–high characters made of legal phrases, ending in `end`."""
    size = rng.randint(low, high)
    parts: list[str] = []
    while sum(len(p) for p in parts) < size:
        parts.append(rng.choice(PHRASES))
        parts.append(rng.choice("，，、") if len(parts) % 6 else "。")
    return "".join(parts)[: size - 1].rstrip("，、。") + end


def _source(rng: random.Random, laws: Sequence[Law]) -> str:
    law = rng.choice(laws)
    article = rng.randint(1, 300)
    return rng.choice((
        f"{law.short}第{article}条",
        f"《{law.short}》第{article}条",
        f"《{law.name}》第{article}条第1款",
        "",
        "《某县村规民约》第三条",
    ))  # fmt: skip


def make_rows(n: int, laws: Sequence[Law], seed: int = 2026) -> list[list[object]]:
    """`n` bank rows: half single, a quarter multiple, a quarter judge; most with 解析 and 出处."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    rows: list[list[object]] = []
    for i in range(n):
        kind = rng.choice(kinds)
        question = f"第{i + 1}题：" + _text(rng, 20, 180 if i % 25 else 420, "？")
        if kind in ("判断题", "是非题"):
            options = [""] * 5
            answer = rng.choice(("对", "错", "√", "×", "正确", "错误"))
        else:
            count = rng.choice((4, 4, 4, 5)) if kind.startswith("单") else rng.choice((4, 5))
            options = [f"{letter}项：" + _text(rng, 4, 40, "") for letter in "ABCDE"[:count]]
            options += [""] * (5 - count)
            letters = rng.sample("ABCDE"[:count], 1 if kind.startswith("单") else rng.randint(2, 3))
            answer = "、".join(sorted(letters)) if i % 2 else "".join(sorted(letters))
        explanation = _text(rng, 30, 260, "。") if rng.random() < 0.85 else ""
        difficulty = rng.choice(("易", "中", "难", "", "2"))
        rows.append([kind, question, *options, answer, explanation, _source(rng, laws), difficulty])
    return rows


def bench_import(questions: int = 2000) -> dict[str, float]:
    """Time reading, writing and loading a bank of `questions` questions; print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = folder / "content"
        shutil.copytree(ROOT / "content", content)
        library, t_base = _timed(lambda: load_library(content))
        bank = folder / "题库.xlsx"
        _, t_setup = _timed(lambda: write_table(bank, HEADER, make_rows(questions, library.laws)))
        result, t_read = _timed(lambda: read_bank(bank, library.laws, "bench"))
        if result.problems:
            raise SystemExit("bench bank has problems:\n" + "\n".join(result.problems[:10]))
        out = content / "quiz" / "bench.yaml"
        _, t_write = _timed(lambda: write_bank_yaml(result.questions, out, source=bank.name))
        loaded, t_load = _timed(lambda: load_library(content))
    with_reference = sum(1 for q in result.questions if "reference" in q)
    total = t_read + t_write + t_load
    print(f"quiz bank import benchmark — {questions} questions, {os.cpu_count()} cores")
    print(f"{'step':<40}{'seconds':>9}  result")
    print(f"{'write the test .xlsx (setup)':<40}{t_setup:>9.2f}")
    print(f"{'load shipped library (baseline)':<40}{t_base:>9.2f}  {len(library.quiz)} quiz")
    print(
        f"{'read_bank (parse + check rows)':<40}{t_read:>9.2f}  "
        f"{len(result.questions)} questions, {with_reference} with reference"
    )
    print(f"{'write_bank_yaml':<40}{t_write:>9.2f}  {out.name}")
    print(f"{'load_library (shipped + bank)':<40}{t_load:>9.2f}  {len(loaded.quiz)} quiz")
    print(f"read + write + load {total:.2f} s; target < {TARGET_SECONDS:.0f} s → "
          f"{'PASS' if total < TARGET_SECONDS else 'FAIL'}")  # fmt: skip
    return {"read": t_read, "write": t_write, "load": t_load, "total": total}


def _question_library(count: int, base: Library) -> Library:
    topics = sorted({t for item in base.study for t in item.tags})
    rng = random.Random(7)
    questions = []
    for i in range(count):
        qtype = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE)[i % 3]
        options = ("对", "错") if qtype is QuestionType.JUDGE else ("甲", "乙", "丙", "丁")
        answer = frozenset({0, 2}) if qtype is QuestionType.MULTIPLE else frozenset({1})
        questions.append(QuizQuestion(
            id=f"q{i:05d}", type=qtype, question=f"第{i}题？", options=options, answer=answer,
            explanation="解析。", reference=None, tags=(rng.choice(topics),), difficulty=1,
            audience=frozenset(Role), source=f"quiz/bench.yaml:{i}",
        ))  # fmt: skip
    return replace(base, quiz=tuple(questions), _quiz_by_id={})


def _fill_answers(path: Path, people: int, per_person: int, questions: int) -> None:
    """Setup only: people and their answers, written straight with sqlite3."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    now = "2026-11-01T00:00:00.000000+00:00"
    conn.execute("INSERT INTO units(id, name, kind, created_at) VALUES (1, '村', '村', ?)", (now,))
    conn.executemany(
        "INSERT INTO people(id, name, unit_id, role, created_at, updated_at) VALUES (?,?,1,?,?,?)",
        ((p, f"人{p}", Role.UNDERSTANDER.value, now, now) for p in range(1, people + 1)),
    )
    rng = random.Random(11)
    rows = (
        (n, p, f"q{rng.randrange(questions):05d}", "daily", "A", rng.random() < 0.7, now,
         "2026-11-01")
        for p in range(1, people + 1) for n in range((p - 1) * per_person, p * per_person)
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO quiz_answers(ask_id, person_id, question_id, context, choice, correct,"
        " answered_at, answered_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO review_queue(person_id, question_id, box, due_day, updated_at)"
        " VALUES (?, ?, 1, '2026-11-30', ?)",
        ((p, f"q{(p * 7) % questions:05d}", now) for p in range(1, people + 1)),
    )
    conn.commit()
    conn.close()


async def _time_choose(path: Path, library: Library, people: int, runs: int) -> list[float]:
    db = await Database.open(path)
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    service = QuizService(
        library,
        QuizStore(db),
        _NoSender(),
        clock,
        QuizSettings(daily_questions=3, answer_window=timedelta(hours=24)),
    )
    rng = random.Random(3)
    items = [i for i in library.study]
    timings = []
    for _ in range(runs):
        pid = rng.randrange(1, people + 1)
        person = Person(
            pid, f"人{pid}", 1, "村", Role.UNDERSTANDER, None, pid, True, None, clock.now()
        )
        start = time.perf_counter()
        chosen = await service.choose_daily(person, rng.choice(items), 3)
        timings.append((time.perf_counter() - start) * 1000)
        assert len(chosen) == 3
    await db.close()
    return timings


async def _create_schema(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


class _NoSender:
    async def send(self, chat_id: int, part: object) -> object:
        raise RuntimeError("the choose benchmark sends nothing")

    async def edit(self, chat_id: int, message_id: int, message: object) -> bool:
        return False


def bench_choose(questions: int = 10_000, people: int = 5_000, per_person: int = 200) -> None:
    base = load_library(ROOT / "content")
    library = _question_library(questions, base)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        asyncio.run(_create_schema(path))
        _, t_fill = _timed(lambda: _fill_answers(path, people, per_person, questions))
        timings = asyncio.run(_time_choose(path, library, people, 300))
    timings.sort()
    p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    print(
        f"daily-quiz choice benchmark — {questions} questions, {people * per_person:,} answers, "
        f"{os.cpu_count()} cores (setup {t_fill:.1f} s)"
    )
    print(
        f"choose_daily over 300 people: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms;"
        f" target < 20 ms → {'PASS' if p95 < 20 else 'FAIL'}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--only", choices=["import", "choose"])
    args = parser.parse_args(argv)
    if args.only != "choose":
        bench_import(args.questions)
    if args.only != "import":
        bench_choose()


if __name__ == "__main__":
    main()
