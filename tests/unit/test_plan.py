"""The study plan: pinned days win, no repeats within a cycle, month runs, deterministic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.content.loader import load_library
from bot.domain.people import Track
from bot.services.plan import Pick, StudyCalendar, StudyPlanner
from tests.harness import FIXTURE_CONTENT

WEEKDAYS = frozenset({1, 2, 3, 4, 5})


def _planner(skip: frozenset[date] = frozenset(), pinned_any: bool = True) -> StudyPlanner:
    return StudyPlanner(load_library(FIXTURE_CONTENT), StudyCalendar(WEEKDAYS, skip, pinned_any))


def test_rotation_without_repeats_then_new_cycle() -> None:
    picks = _planner().plan(Track.CADRE, date(2026, 11, 30), 14, [])
    ids = [(p.day.isoformat(), p.item_id, p.cycle) for p in picks]
    assert ids[:5] == [
        ("2026-11-30", "c-1", 1), ("2026-12-01", "c-2", 1), ("2026-12-02", "c-3", 1),
        ("2026-12-03", "c-1", 2), ("2026-12-04", "s-xianfa", 2),
    ]  # fmt: skip
    assert all(p.day.isoweekday() <= 5 for p in picks)
    rotation = [p for p in picks if not p.pinned]
    for i in range(0, len(rotation) - 2, 3):  # every window of one cycle has no repeat
        assert len({p.item_id for p in rotation[i : i + 3]}) == 3


def test_pinned_day_even_on_a_weekend_unless_skipped() -> None:
    planner = _planner()
    saturday = date(2027, 12, 4)
    assert saturday.isoweekday() == 6
    (pick,) = planner.plan(Track.VILLAGER, saturday, 1, [])
    assert pick.item_id == "s-xianfa" and pick.pinned
    assert _planner(pinned_any=False).plan(Track.VILLAGER, saturday, 1, []) == []
    assert _planner(skip=frozenset({saturday})).plan(Track.VILLAGER, saturday, 1, []) == []


def test_month_run_first_in_its_month_last_elsewhere() -> None:
    planner = _planner()
    may = [p.item_id for p in planner.plan(Track.VILLAGER, date(2027, 5, 3), 5, [])]
    assert may[0] == "v-may"
    june = [p.item_id for p in planner.plan(Track.VILLAGER, date(2027, 6, 1), 3, [])]
    assert june == ["v-1", "v-2", "v-may"]


def test_history_is_respected_and_plan_is_deterministic() -> None:
    planner = _planner()
    history = [Pick(Track.CADRE, date(2026, 11, 30), "c-2", 1, False)]
    first = planner.plan(Track.CADRE, date(2026, 12, 1), 30, history)
    second = planner.plan(Track.CADRE, date(2026, 12, 1), 30, history)
    assert first == second
    assert [p.item_id for p in first[:2]] == ["c-1", "c-3"]  # c-2 was used in this cycle


def test_skip_dates_and_study_days() -> None:
    start = date(2026, 11, 30)
    holiday = start + timedelta(days=1)
    picks = _planner(skip=frozenset({holiday})).plan(Track.CADRE, start, 7, [])
    assert holiday not in {p.day for p in picks}


def test_real_library_has_no_repeats_for_250_days() -> None:
    root = Path(__file__).resolve().parents[2] / "content"
    planner = StudyPlanner(load_library(root), StudyCalendar(WEEKDAYS, frozenset(), True))
    for track in Track:
        picks = planner.plan(track, date(2026, 12, 1), 250, [])
        ids = [p.item_id for p in picks]
        assert len(ids) == len(set(ids)), track
        assert all(p.cycle == 1 for p in picks)
        for p in picks:
            item = planner.pinned_item(track, p.day)
            if item:
                assert p.item_id == item.id
