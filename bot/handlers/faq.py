"""Legal questions in chat: plain text in private chat, /ask (and replies or mentions) in
groups, related-question and feedback buttons, /unanswered and /answer for organizers."""

from __future__ import annotations

from html import escape

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import MessageHandler, filters

from bot import render, texts
from bot.handlers.common import current_person
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.sender import markup
from bot.services.faq import FaqReply


async def _reply(message: Message, context: Ctx, reply: FaqReply) -> None:
    faq = context.services.faq
    part = (
        render.faq_answer(reply.entry, reply.consultation_id, reply.related)
        if reply.entry
        else render.faq_handover(
            faq.contacts, reply.related, reply.outside, in_group=message.chat.type != "private"
        )
    )
    await message.reply_text(
        part.text, parse_mode=ParseMode.HTML, reply_markup=markup(part.buttons)
    )


async def _ask(update: Update, context: Ctx, question: str) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    if not question.strip():
        await message.reply_text(texts.FAQ_ASK_USAGE)
        return
    person = await current_person(update, context)
    reply = await context.services.faq.ask(person, user.id, chat.id, question)
    await _reply(message, context, reply)


async def private_text(update: Update, context: Ctx) -> None:
    """Any plain text in private chat is a question."""
    message = update.effective_message
    if message is not None and message.text:
        await _ask(update, context, message.text)


async def ask_command(update: Update, context: Ctx) -> None:
    await _ask(update, context, " ".join(context.args or []))


async def group_text(update: Update, context: Ctx) -> None:
    """In groups: a reply to the bot or a message mentioning it is a question."""
    message = update.effective_message
    if message is None or not message.text:
        return
    mention = f"@{context.bot.username}"
    replying = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == context.bot.id
    )
    if mention in message.text or replying:
        await _ask(update, context, message.text.replace(mention, " "))


async def related_button(update: Update, context: Ctx) -> None:
    query, user, chat = update.callback_query, update.effective_user, update.effective_chat
    if query is None or query.data is None or user is None or chat is None:
        return
    person = await current_person(update, context)
    reply = await context.services.faq.show(person, user.id, chat.id, query.data.split(":", 1)[1])
    await query.answer()
    if reply is not None and query.message is not None and isinstance(query.message, Message):
        await _reply(query.message, context, reply)


async def feedback_button(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    _, consultation_id, verdict = query.data.split(":")
    helpful = verdict == "y"
    if not await context.services.faq.feedback(int(consultation_id), user.id, helpful):
        await query.answer(texts.FAQ_NOT_YOURS, show_alert=True)
        return
    await query.answer(texts.FAQ_THANKS if helpful else texts.FAQ_SORRY)


async def unanswered(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    questions = await context.services.faq.open_questions()
    await message.reply_text(render.faq_open_questions(questions))


async def answer_command(update: Update, context: Ctx) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    args = context.args or []
    if len(args) < 2 or not args[0].lstrip("#").isdigit():
        await message.reply_text(texts.FAQ_ANSWER_USAGE)
        return
    consultation_id = int(args[0].lstrip("#"))
    text = " ".join(args[1:])
    consultation = await context.services.faq.staff_answer(consultation_id, text, f"tg:{user.id}")
    if consultation is None:
        await message.reply_text(texts.FAQ_ANSWER_UNKNOWN.format(id=consultation_id))
        return
    reply = escape(texts.FAQ_STAFF_REPLY.format(question=consultation.question, reply=text))
    delivered = False
    for chat_id in dict.fromkeys((consultation.telegram_id, consultation.chat_id)):
        try:
            await context.bot.send_message(chat_id, reply, parse_mode=ParseMode.HTML)
        except TelegramError:
            continue
        delivered = True
        break
    await message.reply_text(
        texts.FAQ_ANSWER_SENT.format(id=consultation_id) if delivered else texts.FAQ_ANSWER_FAILED
    )


def register(registry: CommandRegistry) -> None:
    """Registered last: the free-text handler must come after every conversation."""
    registry.command("ask", ask_command)
    registry.command("unanswered", unanswered, organizer=True, where="private")
    registry.command("answer", answer_command, organizer=True, where="private")
    registry.button(r"^fq:[a-z0-9-]+$", related_button)
    registry.button(r"^fb:\d+:[yn]$", feedback_button)
    text = filters.TEXT & ~filters.COMMAND
    registry.app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, private_text))
    registry.app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, group_text))
