"""Roster files for tests, written the way organizers' Excel exports look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

HEADER = ("姓名", "单位", "角色", "手机号")


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER
) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名单")
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig",
              header: Sequence[str] = HEADER) -> Path:  # fmt: skip
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


SMALL = [
    ("张三", "王家村", "法律明白人", "13800000001"),
    ("李四", "王家村", "法治示范户", ""),
    ("王五", "镇司法所", "组织者", "13800000003"),
    ("赵六", "镇党政办", "干部", "13800000004"),
    ("钱七", "李家村", "法治带头人", "13800000005"),
]
