"""Deliveries: one row per recipient per day per kind in the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DeliveryKind(StrEnum):
    """Kinds of bulk message. Per-session kinds are made with `session_kind`."""

    STUDY = "study"
    REMINDER = "reminder"


def session_kind(what: str, session_id: int) -> str:
    """Delivery kind of a training announcement/reminder, unique per session."""
    return f"{what}-{session_id}"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (or to be retried)
    SENT = "sent"  # every part delivered
    FAILED = "failed"  # gave up after bounded retries, or the message itself was bad
    BLOCKED = "blocked"  # 403: user blocked the bot / bot removed from the group


class RecipientKind(StrEnum):
    PERSON = "person"
    GROUP = "group"
    CHAT = "chat"  # a private chat that is not a roster person (an admin from the config)


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: RecipientKind
    ref_id: int  # person id or study-group id
    chat_id: int

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.ref_id}"


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    sent: int = 0
    pending: int = 0
    failed: int = 0
    blocked: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.failed + self.blocked


@dataclass(frozen=True, slots=True)
class NewDelivery:
    recipient: Recipient
    day: date
    kind: str  # a DeliveryKind value or a per-session kind
    payload_id: int
