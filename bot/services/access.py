"""Who may do what: the one permission check every organizer command and button goes through,
and the lookup of the person behind a Telegram account."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.domain.clock import Clock
from bot.domain.errors import BindError
from bot.domain.people import Person, Role
from bot.storage.audit import AuditStore
from bot.storage.people import PeopleStore

log = logging.getLogger(__name__)


class AccessService:
    def __init__(
        self, people: PeopleStore, audit: AuditStore, clock: Clock, admin_ids: Iterable[int]
    ) -> None:
        self.people = people
        self.audit = audit
        self.clock = clock
        self.admin_ids = frozenset(admin_ids)

    async def is_organizer(self, telegram_id: int) -> bool:
        """Admins from the config, and bound active people with the organizer role."""
        if telegram_id in self.admin_ids:
            return True
        person = await self.people.by_telegram(telegram_id)
        return person is not None and person.active and person.role is Role.ORGANIZER

    async def person(self, telegram_id: int) -> Person | None:
        """The bound, active person behind a Telegram account (None if unbound or inactive).

        A person marked blocked who writes to the bot has evidently unblocked it: clear the mark.
        """
        person = await self.people.by_telegram(telegram_id)
        if person is None or not person.active:
            return None
        if person.blocked_at is not None:
            await self.people.clear_blocked(telegram_id)
            log.info("person %d unblocked the bot", person.id)
        return person

    async def bind(self, code: str, telegram_id: int) -> Person:
        """`/start <code>`: bind the account; BindError(reason) when it cannot."""
        code = code.strip().upper()
        if not code:
            raise BindError("unknown")
        person = await self.people.bind(code, telegram_id, self.clock.now())
        await self.audit.record(f"tg:{telegram_id}", "bind", self.clock.now(), person=person.id)
        log.info("person %d bound a Telegram account", person.id)
        return person

    async def organizer_ids(self) -> set[int]:
        return set(self.admin_ids) | set(await self.people.organizer_telegram_ids())
