"""The shipped content library: enough of it, well-formed, and quoting the law exactly."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.content.articles import parse_citation
from bot.content.loader import load_library
from bot.content.statutes import Statutes, check_quotes
from bot.domain.content import Library, QuestionType
from bot.domain.people import Track

ROOT = Path(__file__).resolve().parents[2]
STATUTES = ROOT.parent / "shared" / "data" / "lawrefbook-statutes" / "articles.jsonl"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "content")


def test_counts(library: Library) -> None:
    assert len(library.study) >= 160
    assert len(library.quiz) >= 400
    assert len(library.faq) >= 150
    for track in Track:  # 250 calendar days of working days without repeating an item
        assert len([i for i in library.study_for(track) if not (i.pin and i.pin.day)]) >= 180
    assert sum(1 for i in library.study if i.case) * 3 >= len(library.study)
    assert all(len(f.alternates) >= 3 for f in library.faq)


def test_quiz_mix_and_poll_fit(library: Library) -> None:
    kinds = Counter(q.type for q in library.quiz)
    assert all(kinds[k] >= len(library.quiz) // 6 for k in QuestionType)  # a realistic mix
    single_answer = [q for q in library.quiz if q.type is not QuestionType.MULTIPLE]
    fits = [
        q for q in single_answer
        if len(q.question) <= 300 and all(len(o) <= 100 for o in q.options)
        and len(q.explanation) <= 200 and q.explanation.count("\n") <= 2
    ]  # fmt: skip
    assert len(fits) >= 0.8 * len(single_answer)
    padding = re.compile(r"以上(都|均|全|皆)(对|不对|正确|错误|是|不是)")
    assert not [q.id for q in library.quiz if any(padding.search(o) for o in q.options)]
    assert all(1 <= q.difficulty <= 3 for q in library.quiz)


def test_references_name_known_laws_and_well_formed_articles(library: Library) -> None:
    laws = {law.name for law in library.laws}
    assert all(q.reference for q in library.quiz)  # the shipped questions all cite the law
    assert not library.unlinked_quiz
    citations = [q.reference or "" for q in library.quiz]
    citations += [r for f in library.faq for r in f.references]
    for citation in citations:
        law, refs = parse_citation(citation)
        assert law in laws, citation
        assert refs and all(r.number > 0 for r in refs), citation
    assert {i.law for i in library.study} <= laws
    study_tags = {t for i in library.study for t in i.tags}
    assert all(set(q.tags) <= study_tags for q in library.quiz)


def test_no_outdated_law_is_cited(library: Library) -> None:
    # the public-security administration punishments law was rewritten in 2025; the
    # library has no checked text of the new version, so it must not quote or cite it
    everything = [i.law for i in library.study] + [q.reference or "" for q in library.quiz]
    everything += [r for f in library.faq for r in f.references]
    assert not [c for c in everything if "治安管理处罚法" in c]


def test_observance_days_are_pinned(library: Library) -> None:
    pinned = {(i.pin.month, i.pin.day): i for i in library.study if i.pin and i.pin.day}
    for day, law in (((3, 15), "消费者权益保护法"), ((4, 15), "国家安全法"), ((6, 26), "禁毒法"),
                     ((11, 9), "消防法"), ((12, 4), "宪法")):  # fmt: skip
        assert day in pinned, day
        assert law in pinned[day].law
        assert pinned[day].tracks == frozenset(Track)
    may_run = [i for i in library.study if i.pin and i.pin.month == 5 and i.pin.day is None]
    assert len(may_run) >= 5 and all("民法典" in i.law for i in may_run)


@pytest.mark.skipif(not STATUTES.exists(), reason="statute texts (../shared/data) not present")
def test_quotes_match_the_official_text(library: Library) -> None:
    report = check_quotes(library, Statutes.load(STATUTES))
    assert not report.mismatches, "\n".join(report.mismatches)
    assert not report.unverifiable, "\n".join(report.unverifiable)
    assert report.checked == len(library.study)


@pytest.mark.skipif(not STATUTES.exists(), reason="statute texts (../shared/data) not present")
def test_quote_check_catches_a_changed_character(library: Library) -> None:
    from dataclasses import replace

    statutes = Statutes.load(STATUTES)
    item = library.study[0]
    assert statutes.check_item(item) is None
    altered = replace(item, text=item.text.replace("的", "地", 1))
    assert altered.text != item.text
    problem = statutes.check_item(altered)
    assert problem is not None and "不一致" in problem


@pytest.mark.skipif(not STATUTES.exists(), reason="statute texts (../shared/data) not present")
def test_a_paragraph_quote_must_include_its_items(library: Library) -> None:
    from dataclasses import replace

    statutes = Statutes.load(STATUTES)
    item = library.study_item("fzp-25")
    assert item is not None and item.article == "第二十五条第一款"
    assert statutes.check_item(item) is None
    lead_only = replace(item, text=item.text.split("\n")[0])  # the items （一）…（三） dropped
    assert statutes.check_item(lead_only) is not None
