"""The FAQ engine: find the entry a villager's plain-words question means, or hand over.

Villagers ask in everyday words (“老公打我能报警吗”, “打工的钱老板不给”); entries are phrased
around legal terms. The engine bridges the two in stages, all pure Python, no model:

1. **Analysis** (`analyzer`). Words of the synonym table (every content/faq/synonyms*.yaml
   file, groups sharing a word merged) become one *concept* term per group; the entries'
   keywords found whole in a query become *keyword* terms; character bigrams and single
   characters survive dialect words and jieba's mis-cuts.
2. **Retrieval** (`index`). BM25 over the fields of each entry — phrasings (question and
   alternates), keywords, tags, whole keywords (and, when switched on, the concepts of the
   answer) — summed with field weights. Terms in more than a fifth of the entries are
   ignored; in a large library the commonest of the rest only re-score the candidates.
3. **Re-rank** (`confidence`, `likelihood`). The best candidates are ordered by a linear
   model of each field's share of the best reachable score, rapidfuzz similarity to the
   closest phrasing (synonyms canonical), the share of the query the entry explains and
   the entry's share of the candidates by query likelihood (which tells siblings apart).
4. **Confidence** (`confidence`). A logistic model of the top hit's evidence gives each hit
   a score in [0, 1]; `consult()` answers when the top hit reaches `threshold`.
5. **Matters the library does not answer** (content/faq/outside*.yaml) are indexed next to
   the entries: a question closest to one of them is handed over, naming it.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.domain.content import FaqEntry, OutsideTopic
from bot.services.faq_engine.analyzer import Analyzer, Query
from bot.services.faq_engine.confidence import (
    Evidence,
    confidence,
    confidence_features,
    rank,
)
from bot.services.faq_engine.index import Field, Index, top
from bot.services.faq_engine.likelihood import QueryLikelihood
from bot.services.faq_engine.results import CHATTING, FaqHit, Verdict, as_entry, phrasings
from bot.services.faq_engine.synonyms import PhraseFinder, SynonymTable
from bot.services.faq_engine.text import SMALL_TALK, bigrams, normalize, quiet_jieba
from bot.services.faq_engine.tuning import Tuning


class FaqMatcher:
    """The FAQ engine. Build once per library with `FaqMatcher.build`; searching is read-only."""

    def __init__(
        self,
        entries: Sequence[FaqEntry],
        synonyms: Sequence[Sequence[str]],
        tuning: Tuning,
        outside: Sequence[OutsideTopic] = (),
    ) -> None:
        quiet_jieba()
        self.tuning = tuning
        self.threshold = tuning.threshold
        self._answerable = len(entries)  # docs from here on are matters the FAQ does not answer
        self._outside = tuple(outside)
        # said word for word: "在吗" has no term left after the fillers go
        self._verbatim = {normalize(p): t for t in outside for p in t.phrasings}
        entries = [*entries, *(as_entry(t) for t in outside)]
        self._ids = [e.id for e in entries]
        self._syn = SynonymTable(synonyms) if tuning.use_synonyms else None
        use_phrases = tuning.use_keywords and tuning.phrase_field > 0
        finder = PhraseFinder(k for e in entries for k in e.keywords) if use_phrases else None
        an = self._an = Analyzer(self._syn, finder, tuning)
        said = [an.entry_terms(phrasings(e)) for e in entries]
        none: list[list[str]] = [[] for _ in entries]
        words = (
            [an.phrase_terms("，".join(e.keywords)) for e in entries]
            if tuning.use_keywords
            else none
        )
        tags, answers = none, none
        if tuning.use_context:
            tags = [an.phrase_terms("，".join(e.tags)) for e in entries]
            if tuning.answer_field > 0:
                answers = [an.answer_terms(normalize(e.answer)) for e in entries]
        fields = [
            Field(1.0, said),
            Field(tuning.keyword_field if tuning.use_keywords else 0.0, words),
            Field(tuning.tag_field if tuning.use_context else 0.0, tags),
            Field(tuning.answer_field if tuning.use_context else 0.0, answers),
            Field(
                tuning.phrase_field if use_phrases else 0.0,
                [["=" + normalize(k) for k in e.keywords] for e in entries]
                if use_phrases
                else none,
            ),
        ]
        self._index = Index(fields, len(entries), tuning.max_df, tuning.k1, tuning.b)
        self._lm = QueryLikelihood(fields[:2], tuning.lm_mu)
        self._phrasings = [phrasings(e) for e in entries]
        self._forms: dict[int, tuple[str, ...]] = {}  # canonical phrasings, made when needed

    @classmethod
    def build(
        cls,
        entries: Sequence[FaqEntry],
        synonyms: Sequence[Sequence[str]],
        tuning: Tuning | None = None,
        outside: Sequence[OutsideTopic] = (),
    ) -> FaqMatcher:
        """Index `entries` with the library's synonym groups (first word = the legal term),
        and the `outside` matters: a query closest to one of those is handed over. The
        shipped weights were fitted with the library's matters indexed: pass them (without,
        questions the library does not answer are answered more often).

        Deterministic: the same input gives the same index and the same answers. The cyclic
        garbage collector is paused meanwhile — the index is millions of small objects and no
        cycles, and collecting during the build would cost a good part of its time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return cls(entries, synonyms, tuning or Tuning(), outside)
        finally:
            if paused:
                gc.enable()

    def entry_id(self, doc: int) -> str:
        """The id of the entry at index position `doc`."""
        return self._ids[doc]

    def _canonical(self, text: str) -> str:
        norm = normalize(text)
        return self._syn.canonical(norm) if self._syn is not None else norm

    def _known(self, word: str) -> bool:
        if self._syn is not None and word in self._syn.group_of:
            return True
        return all(self._index.known(g) for g in (bigrams(word) if len(word) > 1 else word))

    def _similarity(self, query: str, doc: int) -> float:
        forms = self._forms.get(doc)
        if forms is None:
            forms = self._forms[doc] = tuple(self._canonical(p) for p in self._phrasings[doc])
        return max(fuzz.ratio(query, p) for p in forms) / 100.0

    def _retrieve(self, q: Query, depth: int) -> tuple[list[tuple[int, float]], float, float]:
        """(the best `depth` (doc, BM25 score), best first; the ideal score; unseen words)."""
        t = self.tuning
        terms = [(term, w) for term, w, _ in q.terms]
        unseen = sum(1.0 for w in q.words if not self._known(w))
        ideal = self._index.ideal(terms, unseen * t.unseen_word)
        # Characters inside longer words (no positions: they explain nothing) only re-score
        # the candidates the other terms retrieve: their postings are long and they decide
        # no candidate on their own.
        retrieval = [(term, w) for term, w, where in q.terms if where]
        if len(retrieval) > t.max_terms:  # a long text: its most telling terms will do
            best = {term: w * self._index.posting(term)[1] for term, w in retrieval}
            keep = set(sorted(best, key=lambda k: (-best[k], k))[: t.max_terms])
            retrieval = [tw for tw in retrieval if tw[0] in keep]
        extra = [(self._index.posting(term)[0], w) for term, w, where in q.terms if not where]
        # In a large library, terms in very many entries only re-score the candidates too,
        # as long as the other terms find enough of them (no change below `rescore_df`).
        common = [(term, w) for term, w in retrieval if self._index.df(term) > t.rescore_df]
        scores: dict[int, float] = {}
        if common and len(common) < len(retrieval):
            rare = [tw for tw in retrieval if tw not in common]
            scores = self._index.score(rare)
            if len(scores) >= depth:
                extra += [(self._index.posting(term)[0], w) for term, w in common]
            else:
                scores = {}
        if not scores:
            scores = self._index.score(retrieval)
        if not scores or ideal <= 0:
            return [], ideal, unseen
        found = [
            (d, s + sum(w * docs.get(d, 0.0) for docs, w in extra)) for d, s in top(scores, depth)
        ]
        found.sort(key=lambda ds: (-ds[1], ds[0]))
        return found, ideal, unseen

    def evidence(self, query: str, depth: int) -> list[tuple[int, Evidence]]:
        """The best `depth` candidates by BM25 (doc, evidence), in BM25 order."""
        return self._evidence(self._an.query(query), query, depth)

    def _evidence(self, q: Query, query: str, depth: int) -> list[tuple[int, Evidence]]:
        if not q.terms or depth <= 0:
            return []
        found, ideal, unseen = self._retrieve(q, depth)
        if not found:
            return []
        terms = [(term, w) for term, w, _ in q.terms]
        canonical = self._canonical(query)
        chat = (
            len(q.norm) <= 8
            and not any(term[0] == "#" for term, _ in terms)
            and any(w in q.norm for w in SMALL_TALK)
        )
        postings = [(self._index.posting(term)[0], where) for term, _, where in q.terms]
        # concepts and whole keywords: one of them in the entry anchors the match
        anchors = [postings[i][0] for i, (term, _) in enumerate(terms) if term[0] in "#="]
        parts = self._index.field_scores(terms, [d for d, _ in found])
        spread = q.spread
        shares = self._lm.shares(terms, [d for d, _ in found])
        out = []
        for (doc, score), share in zip(found, shares, strict=True):
            seen = {i for docs, where in postings if doc in docs for i in where}
            ev = Evidence(
                score=score,
                fields=tuple(f / ideal for f in parts[doc]),
                coverage=min(1.0, score / ideal),
                similarity=self._similarity(canonical, doc),
                explained=len(seen & spread) / len(spread) if spread else 0.0,
                likelihood=share,
                unseen=unseen,
                anchored=any(doc in docs for docs in anchors),
                words=len(q.words),
                small_talk=chat,
            )
            out.append((doc, ev))
        return out

    def judged(self, query: str, limit: int) -> list[tuple[int, Evidence, tuple[float, ...]]]:
        """(doc, evidence, confidence features) of the best `limit` candidates, best first."""
        return self._judged(self._an.query(query), query, limit)

    def _judged(
        self, q: Query, query: str, limit: int
    ) -> list[tuple[int, Evidence, tuple[float, ...]]]:
        t = self.tuning
        cands = self._evidence(q, query, max(limit, t.rerank_depth if t.use_rerank else limit))
        if any(term[0] in "#=" for term, _, _ in q.terms):  # not chatting: no small talk
            cands = [(d, ev) for d, ev in cands if not self._is_chat(d)]
        scored = sorted(
            ((rank(ev, t), d, ev) for d, ev in cands), key=lambda rde: (-rde[0], rde[1])
        )
        outside = next((ev for _, d, ev in scored if self.is_outside(d)), None)
        out = []
        for i, (r, d, ev) in enumerate(scored[: max(limit, 0)]):
            others = scored[1:2] if i == 0 else scored[:1]
            margin = r - others[0][0] if others else r
            near = None if self.is_outside(d) else outside
            out.append((d, ev, confidence_features(ev, margin, near)))
        return out

    def ranked(self, query: str, limit: int) -> list[tuple[int, Evidence, float]]:
        """(doc, evidence, confidence) of the best `limit` candidates, best first."""
        return self._ranked(self._an.query(query), query, limit)

    def is_outside(self, doc: int) -> bool:
        """Whether the doc is a matter the FAQ does not answer."""
        return doc >= self._answerable

    def _is_chat(self, doc: int) -> bool:
        return doc >= self._answerable and self._outside[doc - self._answerable].chat

    def _ranked(self, q: Query, query: str, limit: int) -> list[tuple[int, Evidence, float]]:
        t = self.tuning
        return [(d, ev, confidence(x, t)) for d, ev, x in self._judged(q, query, limit)]

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        """The best entries for `query`, best first, each with its confidence in [0, 1]."""
        depth = max(limit, self.tuning.rerank_depth) if self._outside else limit
        ranked = self.ranked(query, depth)
        hits = [FaqHit(self._ids[d], round(c, 6)) for d, _, c in ranked if not self.is_outside(d)]
        return hits[: max(limit, 0)]

    def consult(self, query: str) -> Verdict:
        """Answer, or hand over: below the threshold, or when the query is closest to a matter
        the FAQ does not answer. Related hits are the other good candidates when answering,
        the best guesses when handing over; hits below `related_floor` are dropped.

        Small talk: a query said word for word in a small-talk matter, or one of nothing but
        fillers (“谢谢”, “在吗”, “好的”). A small-talk matter is otherwise taken only for a
        query without any synonym-table word or keyword: “老公又打我了” is never chat."""
        norm = normalize(query)
        topic = self._verbatim.get(norm)
        if topic is not None and topic.chat:
            return Verdict(None, [], topic)
        q = self._an.query(query)
        if not q.terms:
            return Verdict(None, [], topic or (CHATTING if norm else None))
        t = self.tuning
        ranked = self._ranked(q, query, max(4, t.rerank_depth) if self._outside else 4)
        if topic is None and ranked and self.is_outside(ranked[0][0]):
            ev = ranked[0][1]  # named only when its phrasings come close enough to the query
            if ev.fields[0] >= t.outside_floor or ev.similarity >= t.outside_similar:
                topic = self._outside[ranked[0][0] - self._answerable]
        hits = [
            FaqHit(self._ids[d], round(c, 6))
            for d, _, c in ranked
            if not self.is_outside(d) and c >= t.related_floor
        ][:4]
        if topic is None and hits and hits[0].score >= self.threshold:
            return Verdict(hits[0], hits[1:4], None)
        return Verdict(None, [] if topic is not None and topic.chat else hits[:3], topic)

    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]:
        """(the top hit if confident, else None; up to 3 related hits): `consult` in short."""
        verdict = self.consult(query)
        return verdict.hit, verdict.related


__all__ = ["FaqHit", "FaqMatcher", "Query", "Verdict", "phrasings"]
