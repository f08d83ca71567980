"""People of the programme: roles, the two study tracks, units, persons, study groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """A person's role in the programme; the value is the Chinese word organizers use."""

    CADRE = "干部"
    UNDERSTANDER = "法律明白人"
    LEADER = "法治带头人"
    HOUSEHOLD = "法治示范户"
    ORGANIZER = "组织者"

    @property
    def track(self) -> Track:
        return Track.CADRE if self in (Role.CADRE, Role.ORGANIZER) else Track.VILLAGER


class Track(StrEnum):
    """Study pushes run in two tracks: cadres (依法行政) and villagers (法律明白人 and peers)."""

    CADRE = "cadre"
    VILLAGER = "villager"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r for r in Role if r.track is self)


_ROLE_ALIASES: dict[str, Role] = {
    "干部": Role.CADRE,
    "干部职工": Role.CADRE,
    "机关干部": Role.CADRE,
    "村干部": Role.CADRE,
    "法律明白人": Role.UNDERSTANDER,
    "明白人": Role.UNDERSTANDER,
    "法治带头人": Role.LEADER,
    "带头人": Role.LEADER,
    "法治示范户": Role.HOUSEHOLD,
    "示范户": Role.HOUSEHOLD,
    "组织者": Role.ORGANIZER,
    "管理员": Role.ORGANIZER,
}


def parse_role(text: str) -> Role | None:
    """The role a roster cell or content field names, or None if it names none."""
    return _ROLE_ALIASES.get(text.strip().replace(" ", ""))


class UnitKind(StrEnum):
    """What kind of unit a person belongs to."""

    VILLAGE = "村"
    TEAM = "队"
    STATION = "站所"
    OFFICE = "机关"


def guess_unit_kind(name: str) -> UnitKind:
    """A unit's kind from its name: 某某村 → 村, 某某队/组 → 队, 站/所/中心 → 站所, else 机关."""
    if name.endswith(("村", "社区", "居委会")):
        return UnitKind.VILLAGE
    if name.endswith(("队", "组")):
        return UnitKind.TEAM
    if name.endswith(("站", "所", "中心")):
        return UnitKind.STATION
    return UnitKind.OFFICE


@dataclass(frozen=True, slots=True)
class Unit:
    id: int
    name: str
    kind: UnitKind


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str
    unit_id: int
    unit_name: str
    role: Role
    phone: str | None
    telegram_id: int | None
    active: bool
    blocked_at: datetime | None
    created_at: datetime

    @property
    def track(self) -> Track:
        return self.role.track

    def __repr__(self) -> str:  # keep phone numbers out of logs and tracebacks
        return f"Person(id={self.id}, unit_id={self.unit_id}, role={self.role.value})"


@dataclass(frozen=True, slots=True)
class StudyGroup:
    """A group chat registered to receive the daily item of one track (optionally one unit)."""

    id: int
    chat_id: int
    title: str
    track: Track
    unit_id: int | None
    active: bool
