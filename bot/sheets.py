"""Reading and writing the spreadsheets organizers use (.xlsx and .csv, UTF-8 or GBK).

Reading: openpyxl in read-only mode. Writing: xlsxwriter (about 3x faster than openpyxl).
CSV is written as UTF-8 with a BOM so that Chinese Excel opens it correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.domain.errors import LegalBotError


class SheetError(LegalBotError):
    """The file cannot be read as a table."""


def read_table(path: Path) -> list[list[str]]:
    """All rows of the first sheet (or the CSV) as lists of trimmed strings."""
    if not path.exists():
        raise SheetError(f"找不到文件 {path}")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise SheetError(f"只支持 .xlsx 和 .csv 文件（收到 {path.name}）")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers typed as numbers
    return str(value).strip()


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged file
        raise SheetError(f"无法打开 Excel 文件 {path.name}: {e}") from None
    try:
        ws = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(f"{path.name} 的编码无法识别（请另存为 UTF-8 或 GBK 的 CSV）")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write one sheet (.xlsx) or a CSV; returns the number of data rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    if suffix == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path))
        try:
            ws = wb.add_worksheet("Sheet1")
            bold = wb.add_format({"bold": True})
            ws.write_row(0, 0, list(header), bold)
            ws.freeze_panes(1, 0)
            widths = [max(6, len(h) * 2 + 2) for h in header]
            count = 0
            for count, row in enumerate(rows, start=1):
                ws.write_row(count, 0, list(row))
                for i, v in enumerate(row):
                    widths[i] = min(60, max(widths[i], len(str(v)) * 2 + 2))
            for i, w in enumerate(widths):
                ws.set_column(i, i, w)
        finally:
            wb.close()
        return count
    raise SheetError(f"只支持写出 .xlsx 和 .csv 文件（收到 {path.name}）")


def find_columns(header: Sequence[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Map logical column names to indexes, tolerating the usual header variants."""
    norm = [h.replace(" ", "").replace("*", "").replace("\u3000", "").strip() for h in header]
    found: dict[str, int] = {}
    for key, names in aliases.items():
        for i, h in enumerate(norm):
            if h in names:
                found[key] = i
                break
    return found
