"""Article numbers as the statutes write them: 第一千零四十二条, 第十七条之一, 第三十五条第二款,
and runs (第十条至第十二条, 第十条、第十二条). Parsing and the citation format 《法名》第X条."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUM = "[零〇一二两三四五六七八九十百千]+"
_ONE = re.compile(rf"^第({_NUM})条(?:之({_NUM}))?(?:第({_NUM})款)?$")
CITATION = re.compile(r"^《([^》]+)》(第.+)$")


def chinese_to_int(text: str) -> int:
    """一千零四十二 → 1042; raises ValueError on anything that is not a Chinese numeral."""
    if not text:
        raise ValueError("empty numeral")
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                raise ValueError(f"bad numeral {text!r}")
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"bad numeral {text!r}")
    return total + (digit or 0)


def int_to_chinese(n: int) -> str:
    """1042 → 一千零四十二, 10 → 十, 15 → 十五 (the statutes' own style)."""
    if n <= 0:
        raise ValueError("positive numbers only")
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    units = [(1000, "千"), (100, "百"), (10, "十")]
    rest, pending_zero = n, False
    for value, name in units:
        d, rest = divmod(rest, value)
        if d:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(("" if (d == 1 and value == 10 and not parts) else digits[d]) + name)
        elif parts:
            pending_zero = True
    if rest:
        if pending_zero:
            parts.append("零")
        parts.append(digits[rest])
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class ArticleRef:
    number: int
    sub: int | None = None  # 之一 → 1
    paragraph: int | None = None  # 第二款 → 2


def parse_one(text: str) -> ArticleRef:
    m = _ONE.match(text.strip())
    if not m:
        raise ValueError(f"条文号格式不对: {text!r}（应如 第一千零四十二条）")
    return ArticleRef(
        number=chinese_to_int(m.group(1)),
        sub=chinese_to_int(m.group(2)) if m.group(2) else None,
        paragraph=chinese_to_int(m.group(3)) if m.group(3) else None,
    )


def parse_articles(text: str) -> tuple[ArticleRef, ...]:
    """All articles an `article` field names, in order; raises ValueError when malformed."""
    text = text.strip()
    if "至" in text:
        first, _, last = text.partition("至")
        a, b = parse_one(first), parse_one(last if last.startswith("第") else "第" + last)
        if a.paragraph or b.paragraph or a.sub or b.sub or b.number <= a.number:
            raise ValueError(f"条文范围不对: {text!r}")
        if b.number - a.number > 20:
            raise ValueError(f"条文范围太长: {text!r}（一次最多 20 条）")
        return tuple(ArticleRef(n) for n in range(a.number, b.number + 1))
    pieces = [p for p in re.split("[、，,]", text) if p]
    refs = tuple(parse_one(p if p.startswith("第") else "第" + p) for p in pieces)
    if len(refs) > 1 and any(r.paragraph for r in refs):
        raise ValueError(f"多条引用时不能指定款: {text!r}")
    return refs


def parse_citation(text: str) -> tuple[str, tuple[ArticleRef, ...]]:
    """《中华人民共和国民法典》第一千零四十二条 → (law name, articles)."""
    m = CITATION.match(text.strip())
    if not m:
        raise ValueError(f"出处格式不对: {text!r}（应如 《中华人民共和国民法典》第一千零四十二条）")
    return m.group(1), parse_articles(m.group(2))
