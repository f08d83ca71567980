"""The `legalbot` command: run the bot, check content, manage the roster, plan, migrate.

Exit codes: 0 success; 1 the input has problems (content, roster); 2 configuration or usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import TOKEN_ENV, Config, config_path_from, load_config
from bot.content.loader import load_library
from bot.domain.clock import SystemClock
from bot.domain.content import Library
from bot.domain.errors import ConfigError, ContentError, LegalBotError, RosterError
from bot.domain.people import Track
from bot.logs import SecretFilter, setup_logging

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


class CliError(LegalBotError):
    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        self.code = code
        super().__init__(message)


def _config(args: argparse.Namespace) -> Config:
    path, named = config_path_from(args.config)
    config = load_config(path, required=named)
    if config.token:
        _SECRETS.append(config.token)
    return config


def _library(root: Path) -> Library:
    try:
        return load_library(root)
    except ContentError as e:
        raise CliError(str(e), EXIT_PROBLEMS) from None


# --- run ----------------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    config = _config(args)
    if not config.token:
        raise CliError(
            f"没有设置机器人令牌：请设置环境变量 {TOKEN_ENV}，或在配置文件中填写 telegram.token。"
            f"\n(no bot token: set {TOKEN_ENV} or telegram.token)"
        )
    setup_logging(config.log_level, secrets=[config.token])
    library = _library(config.content_dir)
    from telegram.error import InvalidToken

    from bot.app import build_runtime  # imports PTB; keep the other commands light

    runtime = build_runtime(config, library)
    try:
        runtime.run()
    except InvalidToken:  # PTB's message quotes the token itself: never print it
        raise CliError(
            f"Telegram 拒绝了这个机器人令牌，请检查 {TOKEN_ENV} 或 telegram.token。"
            "\n(the bot token was rejected)"
        ) from None
    return 0


# --- content ------------------------------------------------------------------------------


def cmd_check_content(args: argparse.Namespace) -> int:
    root = Path(args.dir) if args.dir else _config(args).content_dir
    try:
        library = load_library(root)
    except ContentError as e:
        for problem in e.problems:
            print(problem)
        print(f"共 {len(e.problems)} 个问题。", file=sys.stderr)
        return EXIT_PROBLEMS
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
    config = _config(args)
    library = _library(config.content_dir)
    return _run(_plan(config, library, args.days, args.track))


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


# --- roster -------------------------------------------------------------------------------


def cmd_roster_import(args: argparse.Namespace) -> int:
    config = _config(args)
    return _run(_roster_import(config, Path(args.file)))


async def _roster_import(config: Config, path: Path) -> int:
    from bot.services.roster import RosterService
    from bot.storage.audit import AuditStore
    from bot.storage.db import Database
    from bot.storage.people import PeopleStore

    db = await Database.open(config.database)
    try:
        people = PeopleStore(db)
        service = RosterService(people, AuditStore(db), SystemClock(config.tz))
        try:
            result = await service.import_file(path)
        except RosterError as e:
            for line in e.problems:
                print(line)
            print(f"名单有 {len(e.problems)} 处问题，没有导入任何数据。", file=sys.stderr)
            return EXIT_PROBLEMS
        print(
            f"导入完成：新增 {result.added} 人，更新 {result.updated} 人，"
            f"未变 {result.unchanged} 人。"
        )
        print("下一步：legalbot roster codes --out 绑定码.xlsx 导出绑定码发给大家。")
    finally:
        await db.close()
    return 0


def cmd_roster_codes(args: argparse.Namespace) -> int:
    config = _config(args)
    return _run(_roster_codes(config, Path(args.out), args.bot_username))


async def _bot_username(config: Config, given: str | None) -> str:
    if given or config.telegram.bot_username:
        return str(given or config.telegram.bot_username).lstrip("@")
    if not config.token:
        raise CliError(
            "生成绑定链接需要机器人用户名：请用 --bot-username 或配置 telegram.bot_username"
        )
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(config.token, base_url=config.telegram.base_url) as bot:
            return str(bot.username)
    except TelegramError:
        raise CliError(
            "无法向 Telegram 查询机器人用户名：请用 --bot-username 或配置 telegram.bot_username"
        ) from None


async def _roster_codes(config: Config, out: Path, given: str | None) -> int:
    from bot.services.roster import RosterService
    from bot.storage.audit import AuditStore
    from bot.storage.db import Database
    from bot.storage.people import PeopleStore

    username = await _bot_username(config, given)
    db = await Database.open(config.database)
    try:
        service = RosterService(PeopleStore(db), AuditStore(db), SystemClock(config.tz))
        count = await service.write_codes(out, username)
    finally:
        await db.close()
    print(f"已写出 {count} 个绑定码到 {out}（只含尚未绑定的人员）。")
    return 0


# --- quiz ---------------------------------------------------------------------------------


def cmd_quiz_import(args: argparse.Namespace) -> int:
    from bot.services.question_bank import import_bank

    root = Path(args.content) if args.content else _config(args).content_dir
    library = _library(root)
    out = Path(args.out)
    result = import_bank(
        Path(args.file), out, library.laws, tag=args.tag, difficulty=args.difficulty
    )
    if not result.ok:
        for line in result.problems:
            print(line)
        print(f"题库有 {len(result.problems)} 处问题，没有写出文件。", file=sys.stderr)
        return EXIT_PROBLEMS
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


# --- database -----------------------------------------------------------------------------


def cmd_db_migrate(args: argparse.Namespace) -> int:
    config = _config(args)

    async def migrate() -> int:
        from bot.storage.db import Database

        db = await Database.open(config.database, migrate=False)
        try:
            before, after = await db.migrate()
        finally:
            await db.close()
        print(f"数据库 {config.database}: 版本 {before} → {after}")
        return 0

    return _run(migrate())


# --- plumbing -----------------------------------------------------------------------------


def _run(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="配置文件 (默认 config.yaml，或环境变量 LEGALBOT_CONFIG)",
    )
    parser = argparse.ArgumentParser(
        prog="legalbot", description="普法学习机器人 — legal-literacy study bot", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help_text: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, parents=[common], description=help_text
        )
        p.set_defaults(func=fn)
        return p

    add("run", cmd_run, "启动机器人 (run the bot)")
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

    roster = sub.add_parser("roster", help="人员名单 (roster)", parents=[common])
    roster_sub = roster.add_subparsers(dest="roster_command", required=True, metavar="COMMAND")
    p = add("import", cmd_roster_import, "导入名单 .xlsx/.csv (import a roster)", roster_sub)
    p.add_argument("file", help="名单文件：表头 姓名、单位、角色、手机号(可选)")
    p = add("codes", cmd_roster_codes, "导出绑定码 (write bind codes)", roster_sub)
    p.add_argument("--out", required=True, help="输出文件 .xlsx 或 .csv")
    p.add_argument("--bot-username", help="机器人用户名（默认取配置或向 Telegram 查询）")

    quiz = sub.add_parser("quiz", help="题库 (question bank)", parents=[common])
    quiz_sub = quiz.add_subparsers(dest="quiz_command", required=True, metavar="COMMAND")
    p = add("import", cmd_quiz_import, "导入 Excel/CSV 题库 (import a question bank)", quiz_sub)
    p.add_argument("file", help="题库 .xlsx/.csv：题型、题干、选项A…选项F、答案、解析、出处")
    p.add_argument("--out", required=True, help="写出的 YAML，如 content/quiz/题库.yaml")
    p.add_argument("--tag", default="题库", help="给每道题加的标签 (默认 题库)")
    p.add_argument("--difficulty", type=int, default=2, choices=[1, 2, 3], help="默认难度")
    p.add_argument("--content", help="内容目录 (默认取配置中的 content_dir)")

    db = sub.add_parser("db", help="数据库 (database)", parents=[common])
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    add("migrate", cmd_db_migrate, "升级数据库结构 (apply migrations)", db_sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except (CliError, ConfigError) as e:
        secret_filter = SecretFilter(_known_secrets())
        print(secret_filter.scrub(str(e)), file=sys.stderr)
        return getattr(e, "code", EXIT_CONFIG)
    except LegalBotError as e:
        print(SecretFilter(_known_secrets()).scrub(str(e)), file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except Exception:  # print the traceback, but never a secret that may be inside it
        import traceback

        print(SecretFilter(_known_secrets()).scrub(traceback.format_exc()), file=sys.stderr)
        return EXIT_PROBLEMS


_SECRETS: list[str] = []


def _known_secrets() -> list[str]:
    import os

    return [os.environ.get(TOKEN_ENV, ""), *_SECRETS]
