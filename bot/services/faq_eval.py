"""Measure an FAQ matcher on a labelled query set (query → expected entry id, or hand-over).

The set is a UTF-8 TSV file with the header `query<TAB>expected`; `expected` is an FAQ entry id,
or `-` when no entry answers the query and the bot should hand over to a person.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.services.faq_match import FaqHit

HANDOVER = "-"


class Matcher(Protocol):
    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]: ...

    def search(self, query: str, limit: int = 3) -> list[FaqHit]: ...


@dataclass(frozen=True, slots=True)
class EvalReport:
    """How a matcher did on a labelled set.

    - `n`: rows evaluated; `answerable`: rows whose expected is an entry id; `handovers`: rows
      whose expected is `-`.
    - `top1`: over the answerable rows, the share where `answer()` returned a hit (did not hand
      over) and that hit is the expected entry. A hand-over on an answerable row counts as wrong.
    - `top3`: over the answerable rows, the share where the expected entry is among the first
      three hits of `search(query, 3)`, confidence regardless.
    - `handover_precision`: of the rows the matcher handed over (`answer()` returned None), the
      share whose expected is `-`. 1.0 when it handed over nothing.
    - `handover_recall`: of the `-` rows, the share the matcher handed over. 1.0 when there are
      no `-` rows.
    - `p50_ms`, `p95_ms`: latency of one `answer()` call, in milliseconds.
    """

    n: int
    answerable: int
    handovers: int
    top1: float
    top3: float
    handover_precision: float
    handover_recall: float
    p50_ms: float
    p95_ms: float


def read_eval_tsv(path: Path) -> list[tuple[str, str | None]]:
    """Rows of (query, expected id or None for `-`); the header line is required."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if not lines or lines[0].strip().split("\t")[:2] != ["query", "expected"]:
        raise ValueError(f"{path}: 第一行应为表头 query<TAB>expected")
    rows: list[tuple[str, str | None]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise ValueError(f"{path}:{number}: 应为 query<TAB>expected")
        expected = parts[1].strip()
        rows.append((parts[0].strip(), None if expected == HANDOVER else expected))
    return rows


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(q * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def evaluate(matcher: Matcher, rows: Sequence[tuple[str, str | None]]) -> EvalReport:
    """Run every query through `matcher.answer()` (timed) and `search()`; see EvalReport."""
    top1 = top3 = handed = handed_right = 0
    times: list[float] = []
    for query, expected in rows:
        start = time.perf_counter()
        hit, _related = matcher.answer(query)
        times.append((time.perf_counter() - start) * 1000)
        if hit is None:
            handed += 1
            handed_right += expected is None
        if expected is None:
            continue
        top1 += hit is not None and hit.faq_id == expected
        top3 += expected in [h.faq_id for h in matcher.search(query, 3)]
    answerable = sum(1 for _, e in rows if e is not None)
    handovers = len(rows) - answerable
    times.sort()
    return EvalReport(
        n=len(rows),
        answerable=answerable,
        handovers=handovers,
        top1=_share(top1, answerable),
        top3=_share(top3, answerable),
        handover_precision=_share(handed_right, handed),
        handover_recall=_share(handed_right, handovers),
        p50_ms=_percentile(times, 0.50),
        p95_ms=_percentile(times, 0.95),
    )


def format_report(report: EvalReport, title: str = "") -> str:
    """A short two-column table, labels in Chinese and English."""
    rows = [
        ("样本 rows", f"{report.n}（可答 {report.answerable} / 转人工 {report.handovers}）"),
        ("首位命中 top-1", f"{report.top1:.1%}"),
        ("前三命中 top-3", f"{report.top3:.1%}"),
        ("转人工准确率 hand-over precision", f"{report.handover_precision:.1%}"),
        ("转人工召回率 hand-over recall", f"{report.handover_recall:.1%}"),
        ("延迟 latency p50 / p95", f"{report.p50_ms:.2f} / {report.p95_ms:.2f} ms"),
    ]
    width = max(len(label) for label, _ in rows) + 2
    lines = [title] if title else []
    lines += [f"{label:<{width}}{value}" for label, value in rows]
    return "\n".join(lines)
