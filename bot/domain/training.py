"""Training sessions (培训) and attendance (签到) with class hours (课时)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.people import Person, Role


class Mode(StrEnum):
    ONLINE = "线上"
    OFFLINE = "线下"


class Attendance(StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


ATTENDANCE_WORDS = {
    Attendance.PRESENT: "出席",
    Attendance.LATE: "迟到",
    Attendance.EXCUSED: "请假",
    Attendance.ABSENT: "缺席",
}


def parse_attendance(text: str) -> Attendance | None:
    """A status as organizers write it in a sign-in sheet."""
    words = {
        "出席": Attendance.PRESENT,
        "到": Attendance.PRESENT,
        "已到": Attendance.PRESENT,
        "参加": Attendance.PRESENT,
        "签到": Attendance.PRESENT,
        "√": Attendance.PRESENT,
        "迟到": Attendance.LATE,
        "请假": Attendance.EXCUSED,
        "假": Attendance.EXCUSED,
        "缺席": Attendance.ABSENT,
        "缺": Attendance.ABSENT,
        "未到": Attendance.ABSENT,
        "×": Attendance.ABSENT,
    }
    return words.get(text.strip().replace(" ", ""))


@dataclass(frozen=True, slots=True)
class TrainingSession:
    id: int
    title: str
    kind: str  # 中心组学法, 干部职工学习, 法律明白人培训, …
    mode: Mode
    starts_at: datetime
    hours: float  # class hours (课时)
    place: str  # hall or meeting link
    roles: frozenset[Role]  # empty: every role
    units: frozenset[str]  # empty: every unit
    opens_at: datetime  # check-in window
    closes_at: datetime
    late_after: datetime  # a check-in after this is "late"
    code: str  # 4–6 digits, for /checkin and the hall screen
    token: str  # deep link payload checkin_<token>
    announced: bool
    reminded: bool
    closed: bool

    def is_for(self, person: Person) -> bool:
        return (not self.roles or person.role in self.roles) and (
            not self.units or person.unit_name in self.units
        )


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    person: Person
    status: Attendance | None  # None: not yet
    at: datetime | None


@dataclass(frozen=True, slots=True)
class HoursLedger:
    """Class hours of one person in a period: training and daily study, and the total."""

    training_hours: float
    study_minutes: int
    minutes_per_class_hour: int

    @property
    def study_hours(self) -> float:
        return self.study_minutes / self.minutes_per_class_hour

    @property
    def total(self) -> float:
        return self.training_hours + self.study_hours
