"""The outbox's Telegram adapter: OutMessage → Bot API call, Bot API errors → domain errors."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Poll
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.domain.errors import (
    ChatMoved,
    PermanentSendError,
    RateLimited,
    RecipientBlocked,
    TransientSendError,
)
from bot.domain.messages import Keyboard, OutMessage, OutPoll, Part, Sent

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.callback)
                for b in row
            ]
            for row in buttons
        ]
    )


def _retry_after(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type will become timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, part: Part) -> Sent:
        try:
            if isinstance(part, OutPoll):
                return await self._poll(chat_id, part)
            sent = await self.bot.send_message(
                chat_id,
                part.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(part.buttons),
                link_preview_options=NO_PREVIEW,
            )
        except RetryAfter as e:
            raise RateLimited(_retry_after(e)) from None
        except Forbidden as e:
            raise RecipientBlocked(e.message) from None
        except ChatMigrated as e:
            raise ChatMoved(e.new_chat_id) from None
        except (BadRequest, InvalidToken) as e:
            raise PermanentSendError(e.message) from None
        except (TimedOut, NetworkError) as e:
            raise TransientSendError(e.message) from None
        except TelegramError as e:
            raise TransientSendError(e.message) from None
        return Sent(sent.message_id)

    async def edit(self, chat_id: int, message_id: int, message: OutMessage) -> bool:
        try:
            await self.bot.edit_message_text(
                message.text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(message.buttons),
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as e:  # too old, unchanged, deleted: the answer is recorded anyway
            log.info("could not edit a message: %s", e.message)
            return False
        return True

    async def _poll(self, chat_id: int, poll: OutPoll) -> Sent:
        sent = await self.bot.send_poll(
            chat_id,
            poll.question,
            list(poll.options),
            is_anonymous=False,
            type=Poll.QUIZ,
            correct_option_ids=list(poll.correct),  # type: ignore[arg-type]
            explanation=poll.explanation,
        )
        return Sent(sent.message_id, sent.poll.id if sent.poll else None)
