"""Check quoted article text against official statute texts.

The statute file is a JSON-lines corpus with one article per line:
`{"law": ..., "article_no": 1042, "article_sub": null, "text": "第一千零四十二条 ……"}`
(the format of ../shared/data/lawrefbook-statutes/articles.jsonl). The project ships no copy
of it; `legalbot check-content --statutes FILE` and the content test point at it.

Comparison ignores whitespace and full/half-width differences (NFKC), nothing else.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.content.articles import ArticleRef, parse_articles, parse_citation
from bot.domain.content import Library, StudyItem

_WS = re.compile(r"\s+")
_NUMBER_PREFIX = re.compile(
    r"^第[零〇一二两三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?[\s\u3000]*"
)


def normalize(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class QuoteReport:
    checked: int
    mismatches: tuple[str, ...]  # item id: reason
    unverifiable: tuple[str, ...]  # item id: law/article not in the corpus


class Statutes:
    def __init__(self, articles: dict[tuple[str, int, int | None], str]) -> None:
        self._articles = articles
        self.laws = {law for law, _, _ in articles}

    @classmethod
    def load(cls, path: Path) -> Statutes:
        articles: dict[tuple[str, int, int | None], str] = {}
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    key = (rec["law"], int(rec["article_no"]), rec.get("article_sub"))
                    articles[key] = rec["text"]
        return cls(articles)

    def article(self, law: str, ref: ArticleRef) -> str | None:
        """The full text of one article, with its number prefix."""
        return self._articles.get((law, ref.number, ref.sub))

    def body(self, law: str, ref: ArticleRef) -> str | None:
        full = self.article(law, ref)
        return None if full is None else _NUMBER_PREFIX.sub("", full, count=1)

    def check_item(self, item: StudyItem) -> str | None:
        """None when the quote matches; otherwise why not. Raises KeyError if not in corpus."""
        refs = parse_articles(item.article)
        if len(refs) == 1:
            body = self.body(item.law, refs[0])
            if body is None:
                raise KeyError(item.article)
            if refs[0].paragraph:
                paragraphs = split_paragraphs(body)
                if refs[0].paragraph > len(paragraphs):
                    return f"该条只有 {len(paragraphs)} 款"
                wanted = paragraphs[refs[0].paragraph - 1]
                if normalize(wanted) == normalize(item.text):
                    return None
                return _diff(wanted, item.text)
            return None if normalize(body) == normalize(item.text) else _diff(body, item.text)
        expected = ""
        for ref in refs:
            full = self.article(item.law, ref)
            if full is None:
                raise KeyError(item.article)
            expected += full
        return None if normalize(expected) == normalize(item.text) else _diff(expected, item.text)

    def cites_existing(self, citation: str) -> bool | None:
        """True/False whether a 《law》第X条 citation names a real article; None if law unknown."""
        law, refs = parse_citation(citation)
        if law not in self.laws:
            return None
        return all(self.article(law, ref) is not None for ref in refs)


_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def split_paragraphs(body: str) -> list[str]:
    """The 款 of an article: each paragraph line together with the 项 lines （一）… under it."""
    paragraphs: list[list[str]] = []
    for line in (x.strip() for x in body.split("\n")):
        if not line:
            continue
        if _ITEM.match(line) and paragraphs:
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return ["\n".join(p) for p in paragraphs]


def _diff(official: str, quoted: str) -> str:
    a, b = normalize(official), normalize(quoted)
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return (
        f"引文与官方文本不一致（第 {i + 1} 字起: 官方「{a[i : i + 12]}」，引文「{b[i : i + 12]}」）"
    )


def check_quotes(library: Library, statutes: Statutes) -> QuoteReport:
    mismatches, unverifiable = [], []
    checked = 0
    for item in library.study:
        if item.law not in statutes.laws:
            unverifiable.append(f"{item.id}: {item.citation}（语料中没有这部法律）")
            continue
        try:
            problem = statutes.check_item(item)
        except KeyError:
            unverifiable.append(f"{item.id}: {item.citation}（语料中没有这一条）")
            continue
        checked += 1
        if problem:
            mismatches.append(f"{item.source}: {item.id}: text: {problem}")
    for q in library.quiz:
        if q.reference and statutes.cites_existing(q.reference) is False:
            mismatches.append(f"{q.source}: {q.id}: reference: 条文不存在 {q.reference}")
    for f in library.faq:
        for ref in f.references:
            if statutes.cites_existing(ref) is False:
                mismatches.append(f"{f.source}: {f.id}: references: 条文不存在 {ref}")
    return QuoteReport(checked, tuple(mismatches), tuple(unverifiable))
