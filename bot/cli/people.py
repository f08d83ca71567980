"""`legalbot roster import|codes` and `db migrate`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.cli.common import bot_username, load, print_problems, run_async
from bot.config import Config
from bot.domain.clock import SystemClock
from bot.domain.errors import RosterError


def cmd_roster_import(args: argparse.Namespace) -> int:
    config = load(args)
    return run_async(_roster_import(config, Path(args.file)))


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
            return print_problems(
                e.problems, f"名单有 {len(e.problems)} 处问题，没有导入任何数据。"
            )
        print(
            f"导入完成：新增 {result.added} 人，更新 {result.updated} 人，"
            f"未变 {result.unchanged} 人。"
        )
        print("下一步：legalbot roster codes --out 绑定码.xlsx 导出绑定码发给大家。")
    finally:
        await db.close()
    return 0


def cmd_roster_codes(args: argparse.Namespace) -> int:
    config = load(args)
    return run_async(_roster_codes(config, Path(args.out), args.bot_username))


async def _roster_codes(config: Config, out: Path, given: str | None) -> int:
    from bot.services.roster import RosterService
    from bot.storage.audit import AuditStore
    from bot.storage.db import Database
    from bot.storage.people import PeopleStore

    username = await bot_username(config, given)
    db = await Database.open(config.database)
    try:
        service = RosterService(PeopleStore(db), AuditStore(db), SystemClock(config.tz))
        count = await service.write_codes(out, username)
    finally:
        await db.close()
    print(f"已写出 {count} 个绑定码到 {out}（只含尚未绑定的人员）。")
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    config = load(args)

    async def migrate() -> int:
        from bot.storage.db import Database

        db = await Database.open(config.database, migrate=False)
        try:
            before, after = await db.migrate()
        finally:
            await db.close()
        print(f"数据库 {config.database}: 版本 {before} → {after}")
        return 0

    return run_async(migrate())


def register(add: Any, sub: Any, common: Any) -> None:
    roster = sub.add_parser("roster", help="人员名单 (roster)", parents=[common])
    roster_sub = roster.add_subparsers(dest="roster_command", required=True, metavar="COMMAND")
    p = add("import", cmd_roster_import, "导入名单 .xlsx/.csv (import a roster)", roster_sub)
    p.add_argument("file", help="名单文件：表头 姓名、单位、角色、手机号(可选)")
    p = add("codes", cmd_roster_codes, "导出绑定码 (write bind codes)", roster_sub)
    p.add_argument("--out", required=True, help="输出文件 .xlsx 或 .csv")
    p.add_argument("--bot-username", help="机器人用户名（默认取配置或向 Telegram 查询）")
    db = sub.add_parser("db", help="数据库 (database)", parents=[common])
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    add("migrate", cmd_db_migrate, "升级数据库结构 (apply migrations)", db_sub)
