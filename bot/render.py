"""Domain → Telegram HTML text and keyboards. One place for formatting and Telegram's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from html import escape

from bot import texts
from bot.domain.consult import OpenQuestion
from bot.domain.content import FaqEntry, OutsideTopic, QuestionType, QuizQuestion, StudyItem
from bot.domain.messages import Button, Keyboard, OutMessage, OutPoll, Payload
from bot.domain.training import Mode, TrainingSession
from bot.services.reports import Report, hours, percent

MESSAGE_LIMIT = 4096  # characters after entity parsing; we measure the raw HTML (stricter)
CALLBACK_LIMIT = 64  # bytes
POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_OPTIONS_MAX = 12
POLL_EXPLANATION_LIMIT = 200
POLL_EXPLANATION_LINE_FEEDS = 2


def callback(*parts: object) -> str:
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def split_blocks(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join self-contained HTML blocks with blank lines into messages of at most `limit` chars.

    Splits only between blocks; a block longer than the limit must be cut by the caller.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = block
    if current:
        messages.append(current)
    return messages


def _quote_blocks(text: str, limit: int) -> list[str]:
    """The article text as <blockquote> blocks, cut at line ends so each fits the limit."""
    room = limit - len("<blockquote></blockquote>") - 20
    blocks, current = [], ""
    for line in (escape(x) for x in text.split("\n") if x.strip()):
        while len(line) > room:  # one enormous line: cut it (never happens with real statutes)
            if current:
                blocks.append(current)
                current = ""
            blocks.append(line[:room])
            line = line[room:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > room:
            blocks.append(current)
            current = line
        else:
            current = candidate
    if current:
        blocks.append(current)
    return [f"<blockquote>{b}</blockquote>" for b in blocks]


def study_keyboard(push_day_id: int) -> Keyboard:
    return (
        (
            Button(texts.BUTTON_STUDIED, callback=callback("st", push_day_id)),
            Button(texts.BUTTON_QUIZ, callback=callback("qz", push_day_id)),
        ),
    )


def study_message(
    item: StudyItem, day: date, push_day_id: int, limit: int = MESSAGE_LIMIT
) -> Payload:
    header = texts.STUDY_HEADER.format(date=texts.short_date(day.month, day.day, day.weekday()))
    blocks = [
        f"{escape(header)}\n<b>{escape(item.title)}</b>\n{escape(item.citation)}",
        *_quote_blocks(item.text, limit),
        f"<b>{texts.STUDY_EXPLANATION}</b>\n{escape(item.explanation)}",
    ]
    if item.case:
        blocks.append(f"<b>{texts.STUDY_CASE}</b>\n{escape(item.case)}")
    parts = split_blocks(blocks, limit - len(texts.STUDY_CONTINUED) - 1)
    keyboard = study_keyboard(push_day_id)
    return tuple(
        OutMessage(
            text=(text if i == 0 else f"{texts.STUDY_CONTINUED}\n{text}"),
            buttons=keyboard if i == len(parts) - 1 else (),
        )
        for i, text in enumerate(parts)
    )


def fits_poll(question: QuizQuestion, prefix: str = "") -> bool:
    """Whether a question can go out as a native quiz poll (Bot API limits; one answer)."""
    return (
        question.type is not QuestionType.MULTIPLE
        and len(prefix + question.question) <= POLL_QUESTION_LIMIT
        and 2 <= len(question.options) <= POLL_OPTIONS_MAX
        and all(1 <= len(o) <= POLL_OPTION_LIMIT for o in question.options)
        and len(question.explanation) <= POLL_EXPLANATION_LIMIT
        and question.explanation.count("\n") <= POLL_EXPLANATION_LINE_FEEDS
    )


def quiz_poll(question: QuizQuestion, prefix: str = "") -> OutPoll:
    """The native quiz poll for a question that `fits_poll`."""
    if not fits_poll(question, prefix):
        raise ValueError(f"question {question.id} does not fit a quiz poll")
    return OutPoll(
        question=prefix + question.question,
        options=question.options,
        correct=tuple(sorted(question.answer)),
        explanation=question.explanation,
    )


LETTERS = "ABCDEFGHIJKL"


def answer_words(question: QuizQuestion, choice: frozenset[int]) -> str:
    """'B. 乙' / 'A、C' / '对' — how a choice reads in feedback."""
    if question.type is QuestionType.JUDGE:
        return "、".join(question.options[i] for i in sorted(choice))
    if len(choice) == 1:
        (i,) = choice
        return f"{LETTERS[i]}. {question.options[i]}"
    return "、".join(LETTERS[i] for i in sorted(choice))


def question_message(
    question: QuizQuestion, ask_id: int, header: str, selection: frozenset[int] = frozenset()
) -> OutMessage:
    """A question as text with answer buttons (for what does not fit a poll)."""
    lines = [f"<b>{escape(header)}</b>", escape(question.question)]
    if question.type is not QuestionType.JUDGE:
        lines += [f"{LETTERS[i]}. {escape(o)}" for i, o in enumerate(question.options)]
    return OutMessage("\n".join(lines), answer_keyboard(question, ask_id, selection))


def answer_keyboard(question: QuizQuestion, ask_id: int, selection: frozenset[int]) -> Keyboard:
    if question.type is QuestionType.JUDGE:
        return (
            (
                Button(texts.JUDGE_TRUE, callback("qa", ask_id, 0)),
                Button(texts.JUDGE_FALSE, callback("qa", ask_id, 1)),
            ),
        )
    letters = LETTERS[: len(question.options)]
    if question.type is QuestionType.SINGLE:
        row = tuple(Button(c, callback("qa", ask_id, i)) for i, c in enumerate(letters))
        return (row[:4], row[4:]) if len(row) > 4 else (row,)
    toggles = tuple(
        Button(("☑ " if i in selection else "☐ ") + c, callback("qt", ask_id, i))
        for i, c in enumerate(letters)
    )
    rows = (toggles[:3], toggles[3:]) if len(toggles) > 3 else (toggles,)
    return (*rows, (Button(texts.BUTTON_SUBMIT, callback("qs", ask_id)),))


def feedback_text(question: QuizQuestion, correct: bool, with_answer: bool = True) -> str:
    lines = [
        texts.ANSWER_RIGHT
        if correct
        else texts.ANSWER_WRONG.format(answer=answer_words(question, question.answer))
    ]
    if with_answer:
        lines.append(texts.ANSWER_EXPLANATION.format(text=question.explanation))
        if question.reference:
            lines.append(texts.ANSWER_REFERENCE.format(reference=question.reference))
    return escape("\n".join(lines))


def local_when(moment: datetime, tz: tzinfo) -> str:
    """12月5日 周六 09:00"""
    local = moment.astimezone(tz)
    return f"{texts.short_date(local.month, local.day, local.weekday())} {local:%H:%M}"


def _hours(value: float) -> str:
    return f"{value:g}"


def _session_lines(session: TrainingSession) -> str:
    tz = session.starts_at.tzinfo or UTC
    online = session.mode is Mode.ONLINE
    return texts.SESSION_LINES.format(
        title=escape(session.title),
        kind=escape(session.kind),
        mode=session.mode.value,
        when=local_when(session.starts_at, tz),
        hours=_hours(session.hours),
        place_label=texts.SESSION_LINK if online else texts.SESSION_PLACE,
        place=escape(session.place or "—"),
        opens=f"{session.opens_at.astimezone(tz):%H:%M}",
        closes=f"{session.closes_at.astimezone(tz):%H:%M}",
    )


def _checkin_keyboard(session: TrainingSession) -> Keyboard:
    if session.mode is not Mode.ONLINE:
        return ()
    return ((Button(texts.BUTTON_CHECKIN, callback("ci", session.id)),),)


def session_announcement(session: TrainingSession) -> Payload:
    how = texts.SESSION_HOW_ONLINE if session.mode is Mode.ONLINE else texts.SESSION_HOW_OFFLINE
    text = f"<b>{texts.SESSION_ANNOUNCE}</b>\n{_session_lines(session)}\n{escape(how)}"
    return (OutMessage(text, _checkin_keyboard(session)),)


def session_reminder(session: TrainingSession) -> Payload:
    text = f"<b>{texts.SESSION_REMIND}</b>\n{_session_lines(session)}"
    return (OutMessage(text, _checkin_keyboard(session)),)


def qr_png(data: str) -> bytes:
    """A QR code image (PNG) of `data`, large enough to print for a hall."""
    import io

    import qrcode

    image = qrcode.make(data, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def nudge_message(name: str) -> Payload:
    return (
        OutMessage(
            text=escape(texts.NUDGE.format(name=name)),
            buttons=((Button(texts.BUTTON_SHOW_TODAY, callback="today"),),),
        ),
    )


def reminder_message(name: str) -> Payload:
    return (
        OutMessage(
            text=escape(texts.REMINDER.format(name=name)),
            buttons=((Button(texts.BUTTON_SHOW_TODAY, callback="today"),),),
        ),
    )


def help_text(commands: list[tuple[str, str]], organizer_commands: list[tuple[str, str]]) -> str:
    lines = [texts.HELP_HEADER, *(f"/{c} — {escape(d)}" for c, d in commands)]
    if organizer_commands:
        lines += ["", texts.HELP_ORGANIZER_HEADER]
        lines += [f"/{c} — {escape(d)}" for c, d in organizer_commands]
    return "\n".join(lines)


def _faq_body(entry: FaqEntry) -> str:
    refs = "；".join(entry.references)
    return (
        f"<b>{escape(texts.FAQ_QUESTION.format(question=entry.question))}</b>\n"
        f"{escape(entry.answer)}\n{escape(texts.FAQ_REFERENCES.format(references=refs))}\n"
        f"<i>{escape(texts.FAQ_DISCLAIMER)}</i>"
    )


def _related_rows(related: list[FaqEntry]) -> list[tuple[Button, ...]]:
    return [(Button(_short(e.question), callback("fq", e.id)),) for e in related[:3]]


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def faq_answer(entry: FaqEntry, consultation_id: int, related: list[FaqEntry]) -> OutMessage:
    """The answer, its legal basis, related questions and the feedback buttons."""
    text = _faq_body(entry)
    if related:
        text += f"\n\n{texts.FAQ_RELATED}"
    rows = _related_rows(related)
    rows.append(
        (
            Button(texts.FAQ_HELPFUL, callback("fb", consultation_id, "y")),
            Button(texts.FAQ_UNHELPFUL, callback("fb", consultation_id, "n")),
        )
    )
    return OutMessage(text, tuple(rows))


def faq_handover(
    contacts: tuple[str, ...],
    guesses: list[FaqEntry],
    outside: OutsideTopic | None = None,
    in_group: bool = False,
) -> OutMessage:
    """Below the threshold, or a matter the FAQ does not answer: say so, give the contacts
    (naming the matter and the office that handles it, when known), offer the closest
    questions.
    Small talk gets a word on what the bot is for and an example instead."""
    if outside is not None and outside.chat:
        return OutMessage(
            escape(texts.FAQ_SMALL_TALK_GROUP if in_group else texts.FAQ_SMALL_TALK), ()
        )
    if outside is not None and outside.where:
        lines = [
            escape(texts.FAQ_OUTSIDE.format(topic=outside.topic)),
            escape(texts.FAQ_OUTSIDE_WHERE.format(where=outside.where)),
            "",
            escape(texts.FAQ_OUTSIDE_CONTACTS),
        ]
    else:
        lines = [escape(texts.FAQ_HANDOVER)]
    lines += [f"• {escape(c)}" for c in contacts]
    if guesses:
        lines += ["", escape(texts.FAQ_GUESSES)]
    return OutMessage("\n".join(lines), tuple(_related_rows(guesses)))


def faq_open_questions(questions: list[OpenQuestion], limit: int = 40) -> str:
    """/unanswered: the most asked open questions first, whole lines within one message."""
    if not questions:
        return texts.FAQ_OPEN_NONE
    text = texts.FAQ_OPEN_HEADER
    for n, q in enumerate(questions[:limit], start=1):
        line = texts.FAQ_OPEN_LINE.format(
            n=n,
            text=q.text[:80],
            count=len(q.ids),
            unhelpful=texts.FAQ_OPEN_UNHELPFUL if q.unhelpful else "",
            ids="、".join(f"#{i}" for i in q.ids[:8]),
        )
        if len(text) + 1 + len(line) > MESSAGE_LIMIT:
            break
        text += "\n" + line
    return text


def report_summary(report: Report, idle: list[str], idle_days: int) -> str:
    """The short chat summary of a report (plain text)."""
    o = report.overview
    sessions = "、".join(f"{k} {n} 次" for k, n in o.sessions_by_kind.items())
    text = texts.REPORT_SUMMARY.format(
        label=report.label,
        pushes=o.pushes,
        records=o.study_records,
        studying=o.studying_people,
        rate=percent(o.participation),
        sessions=sessions or texts.REPORT_NO_SESSIONS,
        hours=hours(o.hours_offered),
        trained=o.people_trained,
        attendance=percent(o.attendance_rate),
        rounds=o.quiz_rounds,
        answers=o.answers,
        accuracy=percent(o.accuracy),
        exams=o.exams_taken,
        passed=o.exams_passed,
        asked=o.asked,
        bot=o.answered_by_bot,
        handed=o.handed_over,
        staff=o.answered_by_staff,
    )
    ranked = [u for u in report.units if u.participation is not None]
    if ranked:
        text += texts.REPORT_UNITS
        for n, u in enumerate(ranked[:15], start=1):
            text += texts.REPORT_UNIT_LINE.format(
                n=n, unit=u.unit, rate=percent(u.participation), people=u.people
            )
    names = "：" + "、".join(idle[:20]) + (" 等" if len(idle) > 20 else "") if idle else ""
    text += texts.REPORT_IDLE.format(days=idle_days, count=len(idle), names=names)
    return text
