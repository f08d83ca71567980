"""`legalbot report` (Excel, CSV or chart) and `legalbot annual` (the annual paragraph)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path
from typing import Any

from bot.cli.common import EXIT_PROBLEMS, CliError, load, run_async
from bot.config import Config
from bot.domain.clock import SystemClock
from bot.domain.people import Role, parse_role
from bot.services.reports import Report


async def _service(config: Config) -> tuple[Any, Any]:
    from bot.services.reports import ReportService
    from bot.storage.db import Database, ReadPool
    from bot.storage.people import PeopleStore
    from bot.storage.reports import ReportStore

    db = await Database.open(config.database)
    pool = await ReadPool.open(config.database)
    service = ReportService(
        ReportStore(pool),
        PeopleStore(db),
        SystemClock(config.tz),
        late_credit=config.training.late_credit,
        minutes_per_class_hour=config.hours.minutes_per_class_hour,
        kinds=config.training.kinds,
    )
    return (db, pool), service


def _date(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{flag} 应为日期，例如 2026-01-01（收到 {text!r}）") from None


def cmd_report(args: argparse.Namespace) -> int:
    config = load(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv", ".png"):
        raise CliError("--out 应以 .xlsx、.csv 或 .png 结尾")
    first, last = _date(args.date_from, "--from"), _date(args.date_to, "--to")
    if last < first:
        raise CliError("--to 不能早于 --from")
    role = None
    if args.role:
        role = parse_role(args.role)
        if role is None:
            raise CliError(f"--role 的角色 {args.role!r} 不认识")

    report = asyncio.run(_build(config, args.unit, role, first, last))
    from bot.exports import charts, excel

    suffix = out.suffix.lower()
    if suffix == ".xlsx":
        excel.write_xlsx(report, out)
    elif suffix == ".csv":
        excel.write_person_csv(report, out)
    else:
        out.write_bytes(charts.combined_png(report))
    print(f"已写出 {out}（{report.label}，{len(report.people)} 人）")
    return 0


async def _build(
    config: Config, unit: str | None, role: Role | None, first: date, last: date
) -> Report:
    from bot.services.periods import PeriodError

    db, service = await _service(config)
    try:
        try:
            scope, label = await service.scope(unit=unit, role=role, first=first, last=last)
        except PeriodError as e:
            raise CliError(str(e), EXIT_PROBLEMS) from None
        report: Report = await service.build(scope, label)
        return report
    finally:
        for resource in db:
            await resource.close()


def cmd_annual(args: argparse.Namespace) -> int:
    config = load(args)

    async def paragraph() -> int:
        db, service = await _service(config)
        try:
            scope, label = await service.scope(str(args.year), args.unit)
            report = await service.build(scope, label)
        finally:
            for resource in db:
                await resource.close()
        print(service.annual_paragraph(report, args.year))
        return 0

    return run_async(paragraph())


def register(add: Any, sub: Any, common: Any) -> None:
    p = add("report", cmd_report, "统计报表 .xlsx/.csv/.png (write a report)")
    p.add_argument("--from", dest="date_from", required=True, help="开始日期 YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", required=True, help="结束日期 YYYY-MM-DD（含）")
    p.add_argument("--unit", help="只统计这个单位")
    p.add_argument("--role", help="只统计这个角色")
    p.add_argument(
        "--out", required=True, help="输出文件：.xlsx（全部表）、.csv（按人员）或 .png（图表）"
    )
    p = add("annual", cmd_annual, "年度报告统计段落 (the annual-report paragraph)")
    p.add_argument("year", type=int, help="年份，如 2026")
    p.add_argument("--unit", help="只统计这个单位")
