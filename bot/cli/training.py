"""`legalbot session new` and `attendance import`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from bot.cli.common import EXIT_PROBLEMS, CliError, bot_username, load, print_problems, run_async
from bot.config import Config
from bot.domain.clock import SystemClock
from bot.domain.errors import RosterError


async def _training(config: Config) -> tuple[Any, Any]:
    from bot.app import training_settings
    from bot.services.training import TrainingService
    from bot.storage.audit import AuditStore
    from bot.storage.db import Database
    from bot.storage.people import PeopleStore
    from bot.storage.study import StudyStore
    from bot.storage.training import TrainingStore

    db = await Database.open(config.database)
    settings = training_settings(config)
    service = TrainingService(
        TrainingStore(db),
        PeopleStore(db),
        StudyStore(db),
        None,
        AuditStore(db),
        SystemClock(config.tz),
        settings,
    )
    return db, service


def cmd_session_new(args: argparse.Namespace) -> int:
    config = load(args)
    return run_async(_session_new(config, args))


async def _session_new(config: Config, args: argparse.Namespace) -> int:
    from bot import render
    from bot.domain.people import parse_role
    from bot.domain.training import Mode
    from bot.services.training import SessionError, parse_when

    clock = SystemClock(config.tz)
    starts = parse_when(args.start, clock.now())
    if starts is None:
        raise CliError(f'--start 时间格式不对：{args.start!r}（例如 "2026-12-05 09:00"）')
    roles = set()
    for word in filter(None, (args.roles or "").split(",")):
        role = parse_role(word)
        if role is None:
            raise CliError(f"--roles 里的角色 {word!r} 不认识")
        roles.add(role)
    units = frozenset(u.strip() for u in (args.units or "").split(",") if u.strip())
    username = await bot_username(config, args.bot_username)
    db, service = await _training(config)
    try:
        service.bot_username = username
        session = await service.create(
            title=args.title,
            kind=args.kind,
            mode=Mode(args.mode),
            starts_at=starts,
            hours=args.hours,
            place=args.place or "",
            units=units,
            roles=frozenset(roles),
            by="cli",
        )
    except SessionError as e:
        raise CliError(str(e), EXIT_PROBLEMS) from None
    finally:
        await db.close()
    link = service.deep_link(session)
    if args.qr:
        await asyncio.to_thread(Path(args.qr).write_bytes, render.qr_png(link))
    print(f"培训编号 session id: {session.id}")
    print(f"签到码 check-in code: {session.code}")
    print(
        f"签到时间: {session.opens_at.astimezone(config.tz):%Y-%m-%d %H:%M} 至 "
        f"{session.closes_at.astimezone(config.tz):%Y-%m-%d %H:%M}"
    )
    print(f"签到链接: {link}")
    if args.qr:
        print(f"签到二维码已写入 {args.qr}")
    print("机器人运行时会把培训通知发给培训对象。")
    return 0


def cmd_attendance_import(args: argparse.Namespace) -> int:
    config = load(args)

    async def import_sheet() -> int:
        db, service = await _training(config)
        try:
            count = await service.import_sheet(int(args.session), Path(args.file))
        except RosterError as e:
            return print_problems(e.problems, f"签到表有 {len(e.problems)} 处问题，没有导入。")
        finally:
            await db.close()
        print(f"已导入 {count} 条签到记录到培训 #{args.session}。")
        return 0

    return run_async(import_sheet())


def register(add: Any, sub: Any, common: Any) -> None:
    session = sub.add_parser("session", help="培训 (training sessions)", parents=[common])
    session_sub = session.add_subparsers(dest="session_command", required=True, metavar="COMMAND")
    p = add("new", cmd_session_new, "新建培训，打印编号和签到码 (create a session)", session_sub)
    p.add_argument("--title", required=True, help="培训名称")
    p.add_argument("--kind", required=True, help="培训类型，如 中心组学法、法律明白人培训")
    p.add_argument("--start", required=True, help='开始时间 "YYYY-MM-DD HH:MM"')
    p.add_argument("--hours", required=True, type=float, help="课时")
    p.add_argument("--mode", default="线下", choices=["线下", "线上"], help="线下或线上")
    p.add_argument("--place", help="地点或会议链接")
    p.add_argument("--units", help="培训对象的单位，用逗号分隔（默认全部）")
    p.add_argument("--roles", help="培训对象的角色，用逗号分隔（默认全部）")
    p.add_argument("--qr", help="把签到二维码写入这个 PNG 文件")
    p.add_argument("--bot-username", help="机器人用户名（默认取配置或向 Telegram 查询）")
    attendance = sub.add_parser("attendance", help="签到 (attendance)", parents=[common])
    att_sub = attendance.add_subparsers(dest="attendance_command", required=True, metavar="COMMAND")
    p = add("import", cmd_attendance_import, "导入纸质签到表 (import a sign-in sheet)", att_sub)
    p.add_argument("session", help="培训编号")
    p.add_argument("file", help="签到表 .xlsx/.csv：姓名、单位、状态（出席/迟到/请假/缺席）")
