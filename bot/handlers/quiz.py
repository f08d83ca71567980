"""Quizzes and exams in chat: /quiz, the 做题 button, /review, answers (polls and buttons),
/groupquiz, /exam, /exam_results."""

from __future__ import annotations

from html import escape

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import PollAnswerHandler

from bot import texts
from bot.domain.quiz import AnswerStatus, Ask
from bot.handlers.common import bound_person, current_person
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.services.exams import StartStatus
from bot.services.quiz import Answered

REFUSALS = {
    AnswerStatus.NOT_YOURS: texts.ANSWER_NOT_YOURS,
    AnswerStatus.ALREADY: texts.ANSWER_ALREADY,
    AnswerStatus.EXPIRED: texts.ANSWER_EXPIRED,
    AnswerStatus.GONE: texts.ANSWER_GONE,
    AnswerStatus.NOT_BOUND: texts.NOT_BOUND_ALERT,
    AnswerStatus.EMPTY: texts.ANSWER_EMPTY,
}


async def quiz_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    person = await bound_person(update, context)
    if message is None or person is None or person.telegram_id is None:
        return
    item = await context.services.study.latest_item(person)
    if not await context.services.quiz.start_daily(person, person.telegram_id, item):
        await message.reply_text(texts.QUIZ_NONE)


async def quiz_button(update: Update, context: Ctx) -> None:
    """The 做题 button under a study item: questions on that item, always in private chat."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or query.data is None:
        return
    person = await current_person(update, context)
    if person is None or person.telegram_id is None:
        await query.answer(texts.NOT_BOUND_ALERT, show_alert=True)
        return
    item = await context.services.study.item_of_push_day(int(query.data.split(":")[1]))
    started = await context.services.quiz.start_daily(person, person.telegram_id, item)
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    if not started:
        await query.answer(texts.QUIZ_NONE, show_alert=True)
    else:
        await query.answer(texts.QUIZ_PRIVATE_SENT if in_group else None)


async def review_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    person = await bound_person(update, context)
    if message is None or person is None or person.telegram_id is None:
        return
    if not await context.services.quiz.start_review(person, person.telegram_id):
        await message.reply_text(texts.REVIEW_NONE)


async def _after(context: Ctx, result: Answered) -> None:
    """A recorded private answer: feedback, next question, and scoring a finished exam."""
    finished = await context.services.quiz.follow_up(result)
    if finished is not None:
        await context.services.exams.finish(finished)


async def poll_answer(update: Update, context: Ctx) -> None:
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return
    services = context.services
    ask = await services.quiz.ask_of_poll(answer.poll_id)
    if ask is None:
        return  # not a poll this bot is grading
    person = await services.access.person(answer.user.id)
    result = await services.quiz.answer(ask, person, frozenset(answer.option_ids))
    if result.status is AnswerStatus.NOT_BOUND and ask.person_id is None:
        if services.quiz.should_warn_unbound(ask.chat_id, answer.user.id):
            name = escape(answer.user.full_name or texts.FRIEND)
            mention = f'<a href="tg://user?id={answer.user.id}">{name}</a>'
            await context.bot.send_message(
                ask.chat_id,
                texts.GROUPQUIZ_UNBOUND.format(names=mention),
                parse_mode=ParseMode.HTML,
            )
        return
    if result.status is AnswerStatus.RECORDED and ask.person_id is not None:
        await _after(context, result)


async def answer_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    _, ask_id, option = query.data.split(":")
    ask = await context.services.quiz.ask_by_id(int(ask_id))
    await _grade_tap(update, context, query, ask, frozenset({int(option)}))


async def toggle_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    _, ask_id, option = query.data.split(":")
    services = context.services
    ask = await services.quiz.ask_by_id(int(ask_id))
    result = await services.quiz.toggle(ask, await current_person(update, context), int(option))
    if result.status is AnswerStatus.RECORDED:
        await query.answer()
    else:
        await query.answer(REFUSALS[result.status], show_alert=True)


async def submit_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    ask = await context.services.quiz.ask_by_id(int(query.data.split(":")[1]))
    await _grade_tap(update, context, query, ask, ask.selection if ask else frozenset())


async def _grade_tap(
    update: Update, context: Ctx, query: CallbackQuery, ask: Ask | None, choice: frozenset[int]
) -> None:
    """A button answer (a letter, or 提交 of the toggled options): grade, reply, go on."""
    result = await context.services.quiz.answer(ask, await current_person(update, context), choice)
    await _reply_to_tap(query, result)
    if result.status is AnswerStatus.RECORDED:
        await _after(context, result)


async def _reply_to_tap(query: CallbackQuery, result: Answered) -> None:
    if result.status is AnswerStatus.RECORDED:
        await query.answer(texts.ANSWER_RIGHT if result.correct else texts.ANSWER_RECORDED)
    else:
        await query.answer(REFUSALS[result.status], show_alert=True)


async def groupquiz(update: Update, context: Ctx) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    group = await context.services.study.group_of(chat.id)
    if group is None:
        await message.reply_text(texts.GROUPQUIZ_NOT_GROUP)
        return
    count = 3
    if context.args and context.args[0].isdigit():
        count = max(1, min(10, int(context.args[0])))
    if not await context.services.quiz.group_quiz(group, count):
        await message.reply_text(texts.GROUPQUIZ_NONE)


async def exam_command(update: Update, context: Ctx) -> None:
    message = update.effective_message
    person = await bound_person(update, context)
    if message is None or person is None:
        return
    exams = await context.services.exams.available(person)
    if not exams:
        await message.reply_text(texts.EXAM_NONE)
        return
    keyboard = [
        [
            InlineKeyboardButton(
                texts.EXAM_BUTTON.format(title=e.title, size=e.size, minutes=e.time_limit_minutes),
                callback_data=f"ex:{e.id}",
            )
        ]
        for e, _left in exams
    ]
    await message.reply_text(texts.EXAM_LIST, reply_markup=InlineKeyboardMarkup(keyboard))


async def exam_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    person = await current_person(update, context)
    if person is None or person.telegram_id is None:
        await query.answer(texts.NOT_BOUND_ALERT, show_alert=True)
        return
    exam_id = query.data.split(":", 1)[1]
    status = await context.services.exams.start(person, exam_id, person.telegram_id)
    if status is StartStatus.STARTED:
        await query.answer()
        return
    exam = context.services.exams.exams.get(exam_id)
    words = {
        StartStatus.CLOSED: texts.EXAM_CLOSED,
        StartStatus.NOT_FOR_YOU: texts.EXAM_NOT_FOR_YOU,
        StartStatus.NO_ATTEMPTS: texts.EXAM_NO_ATTEMPTS.format(
            attempts=exam.attempts if exam else 1
        ),
        StartStatus.IN_PROGRESS: texts.EXAM_IN_PROGRESS,
        StartStatus.UNKNOWN: texts.EXAM_CLOSED,
    }
    await query.answer(words[status], show_alert=True)


async def exam_results(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    exams = list(context.services.exams.exams.values())
    if not exams:
        await message.reply_text(texts.EXAM_NO_EXAMS)
        return
    keyboard = [[InlineKeyboardButton(e.title, callback_data=f"er:{e.id}")] for e in exams]
    await message.reply_text(texts.EXAM_RESULTS_PICK, reply_markup=InlineKeyboardMarkup(keyboard))


async def exam_results_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    results = await context.services.exams.results(query.data.split(":", 1)[1])
    await query.answer()
    if results is None or query.message is None:
        return
    missing = "、".join(results.missing[:100]) or texts.EXAM_RESULTS_NOBODY
    if len(results.missing) > 100:
        missing += texts.AND_MORE.format(count=len(results.missing))
    await context.bot.send_message(
        query.message.chat.id,
        texts.EXAM_RESULTS.format(
            title=results.exam.title,
            audience=results.audience,
            taken=results.taken,
            passed=results.passed,
            average="—" if results.average is None else results.average,
            missing_count=len(results.missing),
            missing=missing,
        ),
    )


def register(registry: CommandRegistry) -> None:
    registry.command("quiz", quiz_command, where="private")
    registry.command("review", review_command, where="private")
    registry.command("exam", exam_command, where="private")
    registry.command("groupquiz", groupquiz, organizer=True, where="group")
    registry.command("exam_results", exam_results, organizer=True, where="private")
    registry.button(r"^qz:\d+$", quiz_button)
    registry.button(r"^qa:\d+:\d+$", answer_button)
    registry.button(r"^qt:\d+:\d+$", toggle_button)
    registry.button(r"^qs:\d+$", submit_button)
    registry.button(r"^ex:[a-z0-9-]+$", exam_button)
    registry.button(r"^er:[a-z0-9-]+$", exam_results_button, organizer=True)
    registry.app.add_handler(PollAnswerHandler(poll_answer))
