"""Roster import (xlsx, CSV in UTF-8 and GBK) and bind-code export, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain.clock import ManualClock
from bot.domain.errors import RosterError
from bot.domain.people import Role, UnitKind
from bot.services.roster import CODE_ALPHABET, RosterService, normalize_phone
from bot.storage.audit import AuditStore
from bot.storage.db import Database
from bot.storage.people import PeopleStore
from tests.harness import SHANGHAI
from tests.rosters import SMALL, write_csv, write_xlsx


@pytest.fixture
async def roster(tmp_path: Path) -> AsyncIterator[RosterService]:
    db = await Database.open(tmp_path / "bot.sqlite3")
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    yield RosterService(PeopleStore(db), AuditStore(db), clock)
    await db.close()


async def test_import_xlsx_creates_units_people_and_codes(
    roster: RosterService, tmp_path: Path
) -> None:
    result = await roster.import_file(write_xlsx(tmp_path / "r.xlsx", SMALL))
    assert (result.added, result.updated, result.unchanged) == (5, 0, 0)
    units = {u.name: u.kind for u in await roster.people.units()}
    assert units == {"王家村": UnitKind.VILLAGE, "李家村": UnitKind.VILLAGE,
                     "镇司法所": UnitKind.STATION, "镇党政办": UnitKind.OFFICE}  # fmt: skip
    codes = await roster.people.open_codes()
    assert len(codes) == 5 and len({c.code for c in codes}) == 5
    assert all(len(c.code) == 8 and set(c.code) <= set(CODE_ALPHABET) for c in codes)
    roles = {c.name: c.role for c in codes}
    assert roles["王五"] is Role.ORGANIZER and roles["钱七"] is Role.LEADER
    (entry,) = await roster.audit.recent()
    assert entry.action == "roster_import" and entry.detail["added"] == 5


async def test_reimport_is_idempotent_and_reports_changes(
    roster: RosterService, tmp_path: Path
) -> None:
    await roster.import_file(write_xlsx(tmp_path / "r.xlsx", SMALL))
    codes_before = {c.name: c.code for c in await roster.people.open_codes()}
    again = await roster.import_file(write_xlsx(tmp_path / "r2.xlsx", SMALL))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    changed = [list(r) for r in SMALL]
    changed[0][2] = "法治带头人"  # 张三 changes role
    changed[1][3] = "13900000002"  # 李四 gets a phone (had none)
    changed.append(["孙八", "王家村", "干部", "13800000008"])
    third = await roster.import_file(write_xlsx(tmp_path / "r3.xlsx", changed))
    assert (third.added, third.updated, third.unchanged) == (1, 2, 3)
    assert await roster.people.count() == 6
    codes_after = {c.name: c.code for c in await roster.people.open_codes()}
    assert all(codes_after[name] == code for name, code in codes_before.items())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
async def test_csv_in_utf8_and_gbk(roster: RosterService, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "r.csv", SMALL, encoding=encoding)
    result = await roster.import_file(path)
    assert result.added == 5
    assert {c.name for c in await roster.people.open_codes()} == {r[0] for r in SMALL}


async def test_bad_rows_are_all_reported_and_nothing_is_imported(
    roster: RosterService, tmp_path: Path
) -> None:
    rows = [
        ("张三", "王家村", "法律明白人", "13800000001"),
        ("", "王家村", "干部", ""),  # row 3: no name
        ("李四", "王家村", "村长", ""),  # row 4: unknown role
        ("王五", "", "干部", "12345"),  # row 5: no unit, bad phone
        ("张三", "王家村", "法律明白人", "138 0000 0001"),  # row 6: duplicate of row 2
    ]
    with pytest.raises(RosterError) as err:
        await roster.import_file(write_xlsx(tmp_path / "bad.xlsx", rows))
    problems = err.value.problems
    assert problems[0] == "第 3 行: 姓名为空"
    assert problems[1].startswith("第 4 行: 角色 '村长' 不认识")
    assert problems[2].startswith("第 5 行: 单位为空；手机号 '12345' 格式不对")
    assert problems[3] == "第 6 行: 与第 2 行重复"
    assert await roster.people.count() == 0


async def test_missing_headers_and_odd_files(roster: RosterService, tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="缺少表头 角色"):
        await roster.import_file(
            write_xlsx(tmp_path / "h.xlsx", [("张三", "村")], ("姓名", "单位"))
        )
    odd = tmp_path / "r.txt"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(Exception, match=r"只支持 \.xlsx 和 \.csv"):
        await roster.import_file(odd)


async def test_header_variants_are_tolerated(roster: RosterService, tmp_path: Path) -> None:
    header = ("序号", "名字", "所在村", "身份", "联系电话")
    rows = [(1, "张三", "王家村", "明白人", 13800000001)]  # phone typed as a number in Excel
    result = await roster.import_file(write_xlsx(tmp_path / "v.xlsx", rows, header))
    assert result.added == 1
    keys = await roster.people.roster_keys()
    assert keys[0].phone == "13800000001" and keys[0].role is Role.UNDERSTANDER


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
async def test_codes_export_with_deep_links(
    roster: RosterService, tmp_path: Path, suffix: str
) -> None:
    await roster.import_file(write_xlsx(tmp_path / "r.xlsx", SMALL))
    out = tmp_path / f"codes{suffix}"
    assert await roster.write_codes(out, "@legal_study_bot") == 5
    if suffix == ".xlsx":
        rows = [list(r) for r in load_workbook(out).active.iter_rows(values_only=True)]
    else:
        text = out.read_bytes()
        assert text.startswith(b"\xef\xbb\xbf")  # BOM so that Excel reads UTF-8
        rows = [line.split(",") for line in text.decode("utf-8-sig").splitlines()]
    assert rows[0] == ["姓名", "单位", "角色", "绑定码", "绑定链接"]
    by_name = {r[0]: r for r in rows[1:]}
    code = by_name["张三"][3]
    assert by_name["张三"][4] == f"https://t.me/legal_study_bot?start={code}"


def test_phone_normalization() -> None:
    assert normalize_phone("138-0000-0001") == "13800000001"
    assert normalize_phone("+86 138 0000 0001") == "13800000001"
    assert normalize_phone("0371-66668888") == "037166668888"
    assert normalize_phone("") is None
    with pytest.raises(ValueError):
        normalize_phone("2380000000")
