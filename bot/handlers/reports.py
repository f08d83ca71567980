"""Reports in chat (organizers, private chat): /report, /annual, /inactive with a nudge button."""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update

from bot import render, texts
from bot.domain.people import parse_role
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.services.periods import PeriodError

IDLE_DAYS = 7


def _split_args(args: list[str]) -> tuple[str | None, str | None]:
    """/report [period] [unit]: the first word is a period when it reads as one."""
    if not args:
        return None, None
    return args[0], " ".join(args[1:]) or None


async def report_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    reports = context.services.reports
    period, unit = _split_args(list(context.args or []))
    role = None
    if unit and (parsed := parse_role(unit.split()[-1])):
        role, unit = parsed, " ".join(unit.split()[:-1]) or None
    try:
        scope, label = await reports.scope(period, unit, role)
    except PeriodError as e:
        await message.reply_text(texts.REPORT_BAD.format(reason=str(e)))
        return
    report = await reports.build(scope, label)
    idle = await reports.inactive(IDLE_DAYS)
    idle_names = [
        f"{p.name}（{p.unit}）"
        for p, _ in idle
        if scope.unit_name is None or p.unit == scope.unit_name
    ]
    await message.reply_text(render.report_summary(report, idle_names, IDLE_DAYS)[:4000])
    from bot.exports import charts, excel  # matplotlib is heavy: load it only for reports

    buffer = io.BytesIO()
    excel.write_xlsx(report, buffer)
    await message.reply_document(
        InputFile(buffer.getvalue(), filename=f"学法统计 {label}.xlsx"), caption=texts.REPORT_FILES
    )
    await message.reply_photo(charts.combined_png(report), caption=label)


async def annual_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    reports = context.services.reports
    year_text = (context.args or [str(reports.today().year)])[0]
    if not year_text.isdigit():
        await message.reply_text(texts.REPORT_BAD.format(reason="请写年份，例如 /annual 2026"))
        return
    scope, label = await reports.scope(year_text)
    report = await reports.build(scope, label)
    await message.reply_text(
        texts.ANNUAL_HEADER.format(year=int(year_text))
        + reports.annual_paragraph(report, int(year_text))
    )


async def inactive_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    days = IDLE_DAYS
    if context.args and context.args[0].isdigit():
        days = max(1, min(365, int(context.args[0])))
    idle = await context.services.reports.inactive(days)
    if not idle:
        await message.reply_text(texts.INACTIVE_NONE.format(days=days))
        return
    names = "\n".join(
        texts.LAST_STUDIED.format(
            name=p.name, unit=p.unit, last=last.isoformat() if last else texts.NEVER_STUDIED
        )
        for p, last in idle[:80]
    )
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.BUTTON_NUDGE, callback_data=f"nudge:{days}")]]
    )
    await message.reply_text(
        texts.INACTIVE_LIST.format(days=days, count=len(idle), names=names)[:4000],
        reply_markup=keyboard,
    )


async def nudge_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    days = int(query.data.split(":")[1])
    idle = await context.services.reports.inactive(days)
    count = await context.services.study.nudge([p.id for p, _ in idle])
    await query.answer(texts.NUDGE_SENT.format(count=count), show_alert=True)


def register(registry: CommandRegistry) -> None:
    registry.command("report", report_command, organizer=True, where="private")
    registry.command("annual", annual_command, organizer=True, where="private")
    registry.command("inactive", inactive_command, organizer=True, where="private")
    registry.button(r"^nudge:\d+$", nudge_button, organizer=True)
