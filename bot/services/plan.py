"""Which item each track studies on which day. Pure and deterministic.

Rules, per track:
1. Skipped dates (holidays) have no push. A day with an item pinned to it (`date: MM-DD`) is a
   push day (even off the usual study days, unless `pinned_on_any_day` is off) and gets that item.
2. Otherwise, on a study day, the next item of the rotation not yet used in the current cycle.
   The rotation interleaves the library's files (1st item of each file, then the 2nd, …) so
   consecutive days vary by law. Month-run items (`date: MM`) come first during their month
   and last outside it, so they are kept for their month.
3. When every rotation item has been used, a new cycle starts. Pinned items are outside cycles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.content import Library, StudyItem
from bot.domain.people import Track


@dataclass(frozen=True, slots=True)
class StudyCalendar:
    weekdays: frozenset[int]  # ISO: 1 = Monday … 7 = Sunday
    skip_dates: frozenset[date]
    pinned_on_any_day: bool = True


@dataclass(frozen=True, slots=True)
class Pick:
    track: Track
    day: date
    item_id: str
    cycle: int
    pinned: bool


class StudyPlanner:
    def __init__(self, library: Library, calendar: StudyCalendar) -> None:
        self.calendar = calendar
        self._pinned: dict[tuple[Track, int, int], StudyItem] = {}
        self._rotation: dict[Track, tuple[StudyItem, ...]] = {}
        for track in Track:
            items = library.study_for(track)
            for item in items:
                if item.pin and item.pin.day:
                    self._pinned.setdefault((track, item.pin.month, item.pin.day), item)
            self._rotation[track] = _interleave([i for i in items if not (i.pin and i.pin.day)])

    def rotation(self, track: Track) -> tuple[StudyItem, ...]:
        return self._rotation[track]

    def pinned_item(self, track: Track, day: date) -> StudyItem | None:
        return self._pinned.get((track, day.month, day.day))

    def is_push_day(self, track: Track, day: date) -> bool:
        if day in self.calendar.skip_dates:
            return False
        if self.calendar.pinned_on_any_day and self.pinned_item(track, day):
            return True
        return day.isoweekday() in self.calendar.weekdays

    def pick(self, track: Track, day: date, cycle_so_far: Sequence[Pick]) -> Pick | None:
        """The item for `day`, given the picks of the current cycle before it (in order)."""
        pinned = self.pinned_item(track, day)
        cycle = max((p.cycle for p in cycle_so_far), default=1)
        if pinned:
            return Pick(track, day, pinned.id, cycle, True)
        rotation = self._rotation[track]
        if not rotation:
            return None
        used = {p.item_id for p in cycle_so_far if p.cycle == cycle and not p.pinned}
        remaining = [i for i in rotation if i.id not in used]
        if not remaining:
            cycle += 1
            remaining = list(rotation)
        chosen = _first_for_month(remaining, day.month)
        return Pick(track, day, chosen.id, cycle, False)

    def plan(
        self, track: Track, start: date, days: int, cycle_so_far: Sequence[Pick]
    ) -> list[Pick]:
        """Simulate the coming `days` calendar days from `start` (for `legalbot plan`)."""
        history = list(cycle_so_far)
        picks = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            if not self.is_push_day(track, day):
                continue
            pick = self.pick(track, day, history)
            if pick is None:
                continue
            picks.append(pick)
            history.append(pick)
        return picks


def _interleave(items: Iterable[StudyItem]) -> tuple[StudyItem, ...]:
    by_file: dict[str, list[StudyItem]] = {}
    for item in items:
        by_file.setdefault(item.source.rsplit(":", 1)[0], []).append(item)
    queues = [by_file[f] for f in sorted(by_file)]
    out: list[StudyItem] = []
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return tuple(out)


def _first_for_month(remaining: list[StudyItem], month: int) -> StudyItem:
    for item in remaining:
        if item.pin and item.pin.day is None and item.pin.month == month:
            return item
    for item in remaining:
        if not (item.pin and item.pin.day is None):
            return item
    return remaining[0]
