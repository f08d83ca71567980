"""`legalbot check-content`, `plan` and `quiz import`: the content library from the shell."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.common import EXIT_PROBLEMS, CliError, library_at, load, print_problems, run_async
from bot.config import Config
from bot.content.loader import load_library
from bot.domain.clock import SystemClock
from bot.domain.content import Library
from bot.domain.errors import ContentError
from bot.domain.people import Track


def cmd_check_content(args: argparse.Namespace) -> int:
    root = Path(args.dir) if args.dir else load(args).content_dir
    try:
        library = load_library(root)
    except ContentError as e:
        return print_problems(e.problems, f"共 {len(e.problems)} 个问题。")
    print(f"学习内容 study: {len(library.study)}")
    for track in Track:
        print(f"  {track.value}: {len(library.study_for(track))}")
    print(f"测验题 quiz: {len(library.quiz)}")
    for qtype in ("single", "multiple", "judge"):
        print(f"  {qtype}: {sum(1 for q in library.quiz if q.type.value == qtype)}")
    if library.unlinked_quiz:
        print(
            f"  其中 {len(library.unlinked_quiz)} 道题的标签不对应任何学习内容"
            "（不会作为“今天内容的配套题”出现）"
        )
    print(f"法律咨询 faq: {len(library.faq)}")
    print(f"同义词组 synonyms: {len(library.synonyms)}")
    if args.statutes:
        from bot.content.statutes import Statutes, check_quotes

        report = check_quotes(library, Statutes.load(Path(args.statutes)))
        print(
            f"引文核对: 核对 {report.checked} 条，不一致 {len(report.mismatches)} 条，"
            f"无法核对 {len(report.unverifiable)} 条"
        )
        for line in report.mismatches:
            print(f"  不一致 {line}")
        for line in report.unverifiable:
            print(f"  无法核对 {line}")
        if report.mismatches:
            return EXIT_PROBLEMS
    print("没有问题。")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    config = load(args)
    library = library_at(config.content_dir)
    return run_async(_plan(config, library, args.days, args.track))


async def _plan(config: Config, library: Library, days: int, only: str | None) -> int:
    from bot.app import planner_for
    from bot.services.plan import Pick
    from bot.storage.db import Database
    from bot.storage.study import StudyStore

    db = await Database.open(config.database)
    try:
        store = StudyStore(db)
        planner = planner_for(config, library)
        today = SystemClock(config.tz).now().date()
        for track in Track:
            if only and track.value != only:
                continue
            history = [
                Pick(p.track, p.day, p.item_id, p.cycle, p.pinned)
                for p in await store.current_cycle(track, today)
            ]
            picks = planner.plan(track, today, days, history)
            recorded = await store.push_day(track, today)
            if recorded and picks and picks[0].day == today:
                picks[0] = Pick(track, today, recorded.item_id, recorded.cycle, recorded.pinned)
            label = "干部" if track is Track.CADRE else "村（居）民"
            print(f"== {label}学习线 ({track.value}): {len(picks)} 个学习日")
            for pick in picks:
                item = library.study_item(pick.item_id)
                mark = "📌" if pick.pinned else ("🗓" if item and item.pin else "  ")
                title = f"{item.title} · {item.citation}" if item else "(已下线)"
                print(
                    f"{pick.day.isoformat()} {_weekday(pick.day)} {mark} "
                    f"[{pick.item_id}] {title}  (第{pick.cycle}轮)"
                )
    finally:
        await db.close()
    return 0


def _weekday(day: date) -> str:
    return "周" + "一二三四五六日"[day.weekday()]


def cmd_quiz_import(args: argparse.Namespace) -> int:
    from bot.services.question_bank import import_bank

    root = Path(args.content) if args.content else load(args).content_dir
    library = library_at(root)
    out = Path(args.out)
    result = import_bank(
        Path(args.file), out, library.laws, tag=args.tag, difficulty=args.difficulty
    )
    if not result.ok:
        return print_problems(
            result.problems, f"题库有 {len(result.problems)} 处问题，没有写出文件。"
        )
    with_reference = sum(1 for q in result.questions if q.get("reference"))
    print(f"已导入 {len(result.questions)} 道题到 {out}（{with_reference} 道有法律出处）。")
    if out.resolve().is_relative_to(root.resolve()):
        try:
            load_library(root)
        except ContentError as e:
            print("\n".join(e.problems), file=sys.stderr)
            return EXIT_PROBLEMS
        print("内容库检查通过。")
    return 0


def cmd_faq_eval(args: argparse.Namespace) -> int:
    import time

    from bot.services.faq_eval import evaluate, format_report, read_eval_tsv
    from bot.services.faq_match import BaselineMatcher, FaqMatcher

    root = Path(args.content) if args.content else load(args).content_dir
    lib = library_at(root)
    try:
        rows = read_eval_tsv(Path(args.file))
    except (OSError, ValueError) as e:
        raise CliError(str(e), EXIT_PROBLEMS) from None
    known = {e.id for e in lib.faq}
    unknown = sorted({expected for _, expected in rows if expected and expected not in known})
    if unknown:
        raise CliError(f"标注里有内容库没有的编号：{'、'.join(unknown[:10])}", EXIT_PROBLEMS)
    started = time.perf_counter()
    engine = FaqMatcher.build(lib.faq, lib.synonyms, outside=lib.outside)
    built = time.perf_counter() - started
    print(f"{len(rows)} 条标注问题，{len(lib.faq)} 条咨询条目（建索引 {built:.2f} 秒）")
    print(format_report(evaluate(engine, rows), "本机器人的匹配引擎 (engine)"))
    if not args.no_baseline:
        baseline = BaselineMatcher.build(lib.faq, lib.synonyms)
        print(format_report(evaluate(baseline, rows), "对照：jieba 分词 + BM25 (baseline)"))
    return 0


def register(add: Any, sub: Any, common: Any) -> None:
    p = add("check-content", cmd_check_content, "检查内容库 (validate the content library)")
    p.add_argument("dir", nargs="?", help="内容目录 (默认取配置中的 content_dir)")
    p.add_argument(
        "--statutes",
        metavar="FILE",
        help="官方条文语料 articles.jsonl，用来核对引文 (check quotes against it)",
    )
    p = add("plan", cmd_plan, "显示未来的学习安排 (print the coming study plan)")
    p.add_argument("--days", type=int, default=30, help="显示多少天 (默认 30)")
    p.add_argument("--track", choices=[t.value for t in Track], help="只看一条学习线")
    quiz = sub.add_parser("quiz", help="题库 (question bank)", parents=[common])
    quiz_sub = quiz.add_subparsers(dest="quiz_command", required=True, metavar="COMMAND")
    p = add("import", cmd_quiz_import, "导入 Excel/CSV 题库 (import a question bank)", quiz_sub)
    p.add_argument("file", help="题库 .xlsx/.csv：题型、题干、选项A…选项F、答案、解析、出处")
    p.add_argument("--out", required=True, help="写出的 YAML，如 content/quiz/题库.yaml")
    p.add_argument("--tag", default="题库", help="给每道题加的标签 (默认 题库)")
    p.add_argument("--difficulty", type=int, default=2, choices=[1, 2, 3], help="默认难度")
    p.add_argument("--content", help="内容目录 (默认取配置中的 content_dir)")
    faq = sub.add_parser("faq", help="法律咨询 (legal FAQ)", parents=[common])
    faq_sub = faq.add_subparsers(dest="faq_command", required=True, metavar="COMMAND")
    p = add("eval", cmd_faq_eval, "用标注问题集测匹配准确率 (measure the FAQ engine)", faq_sub)
    p.add_argument("file", help="TSV：query<TAB>expected（FAQ 编号，或 - 表示应转人工）")
    p.add_argument("--content", help="内容目录 (默认取配置中的 content_dir)")
    p.add_argument("--no-baseline", action="store_true", help="不跑对照组")
