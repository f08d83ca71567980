"""Roster import and bind codes: organizers keep the roster in Excel; the bot mirrors it.

Matching on re-import: the same name + unit + phone is the same person. A row without a phone
matches the one person of that name in that unit; a row with a phone also matches a person of
that name and unit recorded without a phone (the phone is then filled in).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.domain.clock import Clock
from bot.domain.errors import RosterError
from bot.domain.people import Role, guess_unit_kind, parse_role
from bot.sheets import find_columns, read_table, write_table
from bot.storage.audit import AuditStore
from bot.storage.people import NewPerson, PeopleStore, PersonUpdate, RosterKey

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud without confusion
CODE_LENGTH = 8
ROSTER_COLUMNS = {
    "name": ("姓名", "名字", "人员姓名"),
    "unit": ("单位", "所在单位", "村（单位）", "村(单位)", "部门", "村居", "所在村"),
    "role": ("角色", "身份", "类别", "人员类别"),
    "phone": ("手机号", "手机号码", "手机", "电话", "联系电话"),
}
CODES_HEADER = ("姓名", "单位", "角色", "绑定码", "绑定链接")


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int
    name: str
    unit: str
    role: Role
    phone: str | None


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def normalize_phone(text: str) -> str | None:
    """Digits of a mobile (11, starting 1) or landline (10–12, starting 0); '' → None."""
    digits = re.sub(r"[\s\-－()（）]", "", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    if not digits:
        return None
    if re.fullmatch(r"1\d{10}", digits) or re.fullmatch(r"0\d{9,11}", digits):
        return digits
    raise ValueError(f"手机号 {text!r} 格式不对（应为 11 位手机号或带区号的座机）")


def parse_roster(table: Sequence[Sequence[str]]) -> list[RosterRow]:
    """Validate every row; raise RosterError listing all bad rows (nothing is imported then)."""
    if not table:
        raise RosterError(["文件是空的"])
    cols = find_columns(table[0], ROSTER_COLUMNS)
    missing = [ROSTER_COLUMNS[k][0] for k in ("name", "unit", "role") if k not in cols]
    if missing:
        raise RosterError(
            [f"第 1 行: 缺少表头 {'、'.join(missing)}（需要 姓名、单位、角色，可选 手机号）"]
        )
    rows: list[RosterRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, str, str | None], int] = {}
    roles = "、".join(r.value for r in Role)
    for line, raw in enumerate(table[1:], start=2):
        cells = list(raw) + [""] * (max(cols.values()) + 1 - len(raw))
        name, unit, role_text = (cells[cols[k]].strip() for k in ("name", "unit", "role"))
        phone_text = cells[cols["phone"]].strip() if "phone" in cols else ""
        if not any(c.strip() for c in cells):
            continue  # blank line
        errs = []
        if not name:
            errs.append("姓名为空")
        elif len(name) > 30:
            errs.append("姓名太长")
        if not unit:
            errs.append("单位为空")
        role = parse_role(role_text)
        if role is None:
            errs.append(f"角色 {role_text!r} 不认识（可填 {roles}）")
        phone = None
        try:
            phone = normalize_phone(phone_text)
        except ValueError as e:
            errs.append(str(e))
        if errs:
            problems.append(f"第 {line} 行: {'；'.join(errs)}")
            continue
        assert role is not None
        key = (name, unit, phone)
        if key in seen:
            problems.append(f"第 {line} 行: 与第 {seen[key]} 行重复")
            continue
        seen[key] = line
        rows.append(RosterRow(line, name, unit, role, phone))
    if problems:
        raise RosterError(problems)
    return rows


def new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def deep_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={payload}"


class RosterService:
    def __init__(self, people: PeopleStore, audit: AuditStore, clock: Clock) -> None:
        self.people = people
        self.audit = audit
        self.clock = clock

    async def import_file(self, path: Path, actor: str = "cli") -> ImportResult:
        return await self.import_rows(parse_roster(read_table(path)), actor, source=path.name)

    async def import_rows(
        self, rows: Sequence[RosterRow], actor: str = "cli", source: str = ""
    ) -> ImportResult:
        existing = await self.people.roster_keys()
        exact = {(k.name, k.unit, k.phone): k for k in existing}
        by_name_unit: dict[tuple[str, str], list[RosterKey]] = {}
        for k in existing:
            by_name_unit.setdefault((k.name, k.unit), []).append(k)
        taken = await self.people.existing_codes()
        added: list[NewPerson] = []
        updated: list[PersonUpdate] = []
        unchanged = 0
        problems: list[str] = []
        claimed: set[int] = set()
        for row in rows:
            match = exact.get((row.name, row.unit, row.phone))
            if match is None:
                candidates = [
                    k
                    for k in by_name_unit.get((row.name, row.unit), [])
                    if (k.phone is None or row.phone is None) and k.id not in claimed
                ]
                if len(candidates) > 1:
                    problems.append(
                        f"第 {row.line} 行: {row.unit} 有多个叫 {row.name} 的人，请填写手机号区分"
                    )
                    continue
                match = candidates[0] if candidates else None
            if match is None:
                added.append(
                    NewPerson(
                        row.name,
                        row.unit,
                        guess_unit_kind(row.unit),
                        row.role,
                        row.phone,
                        new_code(taken),
                    )
                )
                continue
            claimed.add(match.id)
            phone = row.phone or match.phone
            if match.role is row.role and match.phone == phone:
                unchanged += 1
            else:
                updated.append(PersonUpdate(match.id, row.role, phone))
        if problems:
            raise RosterError(problems)
        now = self.clock.now()
        await self.people.apply_roster(added, updated, now)
        result = ImportResult(len(added), len(updated), unchanged)
        await self.audit.record(
            actor,
            "roster_import",
            now,
            source=source,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
        )
        return result

    async def ensure_codes(self) -> int:
        """Give every unbound person without an open code a new one; returns how many."""
        missing = await self.people.people_without_open_code()
        if missing:
            taken = await self.people.existing_codes()
            await self.people.add_codes({pid: new_code(taken) for pid in missing}, self.clock.now())
        return len(missing)

    async def write_codes(self, out: Path, bot_username: str) -> int:
        await self.ensure_codes()
        rows = await self.people.open_codes()
        return write_table(
            out,
            CODES_HEADER,
            ((r.name, r.unit, r.role.value, r.code, deep_link(bot_username, r.code)) for r in rows),
        )
