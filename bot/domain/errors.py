"""The error tree of the programme.

Every error a service raises on purpose derives from `LegalBotError`; handlers turn them into
a short Chinese reply (their `user_message`), the CLI into a line on stderr and a non-zero exit.
"""

from __future__ import annotations


class LegalBotError(Exception):
    """Base of every expected error."""


class ConfigError(LegalBotError):
    """The configuration is invalid; the message names the key and the reason."""


class ContentError(LegalBotError):
    """The content library has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"内容库有 {len(problems)} 个问题:\n" + "\n".join(problems))


class RosterError(LegalBotError):
    """A roster file cannot be imported; `problems` lists each bad row and why."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"名单有 {len(problems)} 处问题，未导入任何数据:\n" + "\n".join(problems))


class NotFound(LegalBotError):
    """A thing named by the user does not exist."""


class PermissionDenied(LegalBotError):
    """The sender may not do this (organizer-only action)."""


class BindError(LegalBotError):
    """`/start <code>` could not bind; `reason` is one of the BindFailure values."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


# --- delivery outcomes reported by a Sender port -------------------------------------------


class SendError(LegalBotError):
    """A message could not be delivered."""


class RecipientBlocked(SendError):
    """403: the user blocked the bot or the bot was removed from the group. Never retry."""


class RateLimited(SendError):
    """429: wait `retry_after` seconds before sending to that chat again."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"rate limited, retry after {retry_after}s")


class TransientSendError(SendError):
    """Network error or 5xx: retry with backoff a bounded number of times."""


class PermanentSendError(SendError):
    """400-type error: the message itself is bad; retrying cannot help."""


class ChatMoved(SendError):
    """The group was upgraded to a supergroup and now has `new_chat_id`; resend there."""

    def __init__(self, new_chat_id: int) -> None:
        self.new_chat_id = new_chat_id
        super().__init__(f"chat moved to {new_chat_id}")
