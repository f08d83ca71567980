"""Benchmark: the FAQ engine on a 20,000-entry index — build time and search latency.

The index holds the library's real entries, entries made at run time from the public test data
under ../shared/data (LawBench 3-8 consultations, SIAT LegalQA questions with their positive
answers) when present, and generated variants that recombine real phrasings, tags, keywords and answers
(deterministic, seed 7) up to the size asked. Nothing from that data is written anywhere.
Queries: the entries' own phrasings, LawBench 2-4 and SIAT questions, and short queries.

Targets (FAQ issue): build ≤ 5 s and p95 search ≤ 10 ms on 2 cores. Also prints the eval
tables of the engine and the baseline on tests/fixtures/faq_eval_dev.tsv (DEV),
faq_eval.tsv (TEST), faq_eval_holdout.tsv and faq_eval_holdout2.tsv when present;
--ablation adds one line per stage of the engine, from character n-grams alone to the full
engine.

Run: python -m tests.bench.faq_bench [--entries 20000] [--queries 3000]
     [--sets dev,test,holdout,holdout2] [--ablation] [--no-eval]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import jieba
import yaml

from bot.content.loader import load_library
from bot.domain.content import FaqEntry, Library
from bot.services.faq_eval import evaluate, format_report, read_eval_tsv
from bot.services.faq_match import BaselineMatcher, FaqMatcher, Tuning

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
LAWBENCH = DATA / "lawbench-legal-subset"
SIAT = DATA / "siat-legalqa-manual"
T = TypeVar("T")
EVAL_FILES = {
    "dev": ROOT / "tests" / "fixtures" / "faq_eval_dev.tsv",
    "test": ROOT / "tests" / "fixtures" / "faq_eval.tsv",
    "holdout": ROOT / "tests" / "fixtures" / "faq_eval_holdout.tsv",
    "holdout2": ROOT / "tests" / "fixtures" / "faq_eval_holdout2.tsv",
}


def _entry(
    eid: str,
    phrasings: list[str],
    answer: str,
    tags: tuple[str, ...],
    keywords: tuple[str, ...] = (),
) -> FaqEntry:
    first, *rest = phrasings
    return FaqEntry(eid, first, tuple(rest), answer[:300], (), tags, "bench", keywords)


def lawbench_entries() -> list[FaqEntry]:
    path = LAWBENCH / "3-8.json"
    if not path.exists():
        return []
    out = []
    for i, row in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        parts = [p for p in row["question"].replace("？", "。").split("。") if len(p) >= 4]
        out.append(_entry(f"lb-{i}", parts or [row["question"]], row["answer"], ("咨询",)))
    return out


def siat_questions() -> dict[tuple[str, str], str]:
    """(subject, body) -> the first positive answer, over both SIAT files."""
    found: dict[tuple[str, str], str] = {}
    for name in ("LegalQA-manual-dev.csv", "LegalQA-manual-test.csv"):
        path = SIAT / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if len(row) == 4 and row[3] == "1":
                    found.setdefault((row[0], row[1]), row[2])
    return found


def lawbench_queries() -> list[str]:
    path = LAWBENCH / "2-4.json"
    if not path.exists():
        return []
    return [row["question"] for row in json.loads(path.read_text(encoding="utf-8"))]


def variants(base: list[FaqEntry], count: int, rng: random.Random) -> list[FaqEntry]:
    """Entries that recombine phrasings, tags, keywords and answers of `base` entries."""
    out = []
    for i in range(count):
        picks = rng.sample(base, 4)
        phrasings = [rng.choice((p.question, *p.alternates)) for p in picks]
        tags = tuple(dict.fromkeys(t for p in picks[:2] for t in p.tags))
        words = tuple(dict.fromkeys(k for p in picks[:2] for k in p.keywords))
        answer = picks[0].answer + picks[3].answer
        out.append(_entry(f"gen-{i}", phrasings, answer, tags, words))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_entries(library: Library, total: int, rng: random.Random) -> list[FaqEntry]:
    """The real entries, those made from the shared data, then variants up to `total`."""
    siat = siat_questions()
    entries = list(library.faq) + lawbench_entries()
    entries += [
        _entry(f"siat-{i}", [s, b], a, ("咨询",)) for i, ((s, b), a) in enumerate(siat.items())
    ]
    return entries + variants(entries, max(0, total - len(entries)), rng)


def bench_queries(library: Library, n: int, rng: random.Random) -> list[str]:
    queries = [p for e in library.faq for p in (e.question, *e.alternates)]
    siat = siat_questions()
    queries += lawbench_queries() + [s for s, _ in siat] + [b for _, b in siat]
    queries += [e.question + "".join(e.alternates) for e in lawbench_entries()]
    queries += ["狗", "低保", "辍学", "地界", "晚安", "谢谢"]
    rng.shuffle(queries)
    return queries[:n]


def timed(step: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def main(total: int, n_queries: int, with_eval: bool, ablation: bool, sets: list[str]) -> None:
    library, t_load = timed(lambda: load_library(ROOT / "content"))
    rng = random.Random(7)
    entries = bench_entries(library, total, rng)
    jieba.setLogLevel(logging.WARNING)
    _, t_jieba = timed(jieba.initialize)  # once per process: the bot pays it at start
    matcher, t_build = timed(
        lambda: FaqMatcher.build(entries, library.synonyms, outside=library.outside)
    )
    queries = bench_queries(library, n_queries, rng)
    times = []
    for q in queries:
        start = time.perf_counter()
        matcher.answer(q)
        times.append((time.perf_counter() - start) * 1000)

    real = len(library.faq)
    print(f"FAQ engine benchmark — {len(entries)} entries ({real} real), "
          f"{len(queries)} queries, {os.cpu_count()} cores")  # fmt: skip
    print(f"  load library       {t_load:8.2f} s")
    print(f"  jieba dictionary   {t_jieba:8.2f} s   (once per process)")
    print(f"  build index        {t_build:8.2f} s   (target ≤ 5 s)")
    print(f"  search p50         {percentile(times, 0.50):8.2f} ms")
    print(f"  search p95         {percentile(times, 0.95):8.2f} ms  (target ≤ 10 ms)")
    print(f"  search max         {max(times):8.2f} ms")
    if with_eval:
        print_eval(library, ablation, sets)


EVERYDAY_FILE = ROOT / "content" / "faq" / "synonyms-everyday.yaml"
# (name, tuning or None for the baseline, whether synonyms-everyday.yaml is used, whether the
# matters the library does not answer are indexed)
VARIANTS: list[tuple[str, Tuning | None, bool, bool]] = [
    ("(1) baseline: jieba BM25 on phrasings", None, False, False),
    (
        "(2a) char n-grams only",
        Tuning(use_synonyms=False, use_keywords=False, use_context=False, use_rerank=False),
        False,
        False,
    ),
    (
        "(2) + synonym files",
        Tuning(use_keywords=False, use_context=False, use_rerank=False),
        False,
        False,
    ),
    (
        "(3) + synonyms-everyday.yaml",
        Tuning(use_keywords=False, use_context=False, use_rerank=False),
        True,
        False,
    ),
    ("(4) + keyword fields", Tuning(use_context=False, use_rerank=False), True, False),
    ("(5) + tag field", Tuning(use_rerank=False), True, False),
    (
        "(5b) + answer field (off in the engine)",
        Tuning(use_rerank=False, answer_field=0.25),
        True,
        False,
    ),
    ("(6) + learned re-rank", Tuning(), True, False),
    ("(7) + matters not answered = engine", Tuning(), True, True),
]


def synonyms_without_everyday(library: Library) -> tuple[tuple[str, ...], ...]:
    """The library's synonym groups minus those of synonyms-everyday.yaml."""
    if not EVERYDAY_FILE.exists():
        return library.synonyms
    groups = yaml.safe_load(EVERYDAY_FILE.read_text(encoding="utf-8")) or []
    everyday = {tuple(str(w).strip() for w in g) for g in groups}
    return tuple(g for g in library.synonyms if g not in everyday)


def raw_top1(matcher: FaqMatcher | BaselineMatcher, rows: list[tuple[str, str | None]]) -> float:
    """Top-1 of `search()` alone: how often the first hit is right, confidence regardless."""
    answerable = [(q, e) for q, e in rows if e is not None]
    right = sum(1 for q, e in answerable if [h.faq_id for h in matcher.search(q, 1)] == [e])
    return right / len(answerable) if answerable else 1.0


def print_eval(library: Library, ablation: bool, sets: list[str]) -> None:
    """The eval tables of the engine and the baseline on each labelled set; with `ablation`
    also one line per stage of the engine (the confidence model is fitted for the full
    engine, so only the "no hand-over" top-1 of the partial stages is comparable)."""
    for key in sets:
        path = EVAL_FILES[key]
        if not path.exists():
            print(f"\n({path.name} not present: no eval table)")
            continue
        rows = read_eval_tsv(path)
        for name, tuning, everyday, outside in VARIANTS if ablation else []:
            synonyms = library.synonyms if everyday else synonyms_without_everyday(library)
            matcher: FaqMatcher | BaselineMatcher = (
                BaselineMatcher.build(library.faq, library.synonyms)
                if tuning is None
                else FaqMatcher.build(
                    library.faq, synonyms, tuning, library.outside if outside else ()
                )
            )
            r = evaluate(matcher, rows)
            print(f"{path.name:<18} {name:<36} top-1 {r.top1:6.1%}  (no hand-over "
                  f"{raw_top1(matcher, rows):6.1%})  top-3 {r.top3:6.1%}  "
                  f"hand-over P {r.handover_precision:6.1%} R {r.handover_recall:6.1%}")  # fmt: skip
        engine = FaqMatcher.build(library.faq, library.synonyms, outside=library.outside)
        baseline = BaselineMatcher.build(library.faq, library.synonyms)
        for title, m in ((VARIANTS[-1][0], engine), (VARIANTS[0][0], baseline)):
            print()
            print(format_report(evaluate(m, rows), f"{path.name} — {title}"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--no-eval", action="store_true", help="skip the eval tables")
    parser.add_argument("--ablation", action="store_true", help="eval each stage of the engine")
    parser.add_argument(
        "--sets", default="dev,test,holdout,holdout2", help="eval sets, comma-separated"
    )
    args = parser.parse_args()
    sets = [s for s in args.sets.split(",") if s]
    main(args.entries, args.queries, not args.no_eval, args.ablation, sets)
