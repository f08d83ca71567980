"""BM25 over weighted fields, built lazily: building records where each term occurs; a term's
impacts (summed over the fields, idf included) are computed the first time a query uses it."""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

Posting = tuple[dict[int, float], float]  # ({doc: impact}, the best impact)


class Field:
    """One BM25 field: for each term the docs it occurs in (a doc once per occurrence)."""

    def __init__(self, weight: float, docs: Sequence[Sequence[str]]) -> None:
        self.weight = weight
        self.lengths = [len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs) if docs else 0.0) or 1.0
        occurs: defaultdict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term in doc:
                occurs[term].append(i)
        self.occurs = dict(occurs)
        self._impacts: dict[str, dict[int, float]] = {}

    def impacts(self, term: str, n: int, cap: float, k1: float, b: float) -> dict[int, float]:
        """doc -> weight × BM25 impact (idf included), computed once; nothing for a term in
        over `cap` docs."""
        found = self._impacts.get(term)
        if found is not None:
            return found
        tfs = Counter(self.occurs.get(term, ()))
        if not tfs or len(tfs) > cap or self.weight <= 0:
            found = {}
        else:
            idf = self.weight * math.log(1 + (n - len(tfs) + 0.5) / (len(tfs) + 0.5))
            lengths, avg = self.lengths, self.avg
            found = {
                doc: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[doc] / avg))
                for doc, tf in tfs.items()
            }
        self._impacts[term] = found
        return found


class Index:
    """BM25 over `fields` of `n` docs; terms in more than `max_df` of the docs are ignored."""

    def __init__(
        self, fields: Sequence[Field], n: int, max_df: float, k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.fields = fields
        self.n = n
        self.k1 = k1
        self.b = b
        self.cap = max(2.0, max_df * n)
        self.unseen_impact = math.log(1 + (n + 0.5) / 0.5)  # the idf of a term in no doc
        self._postings: dict[str, Posting] = {}

    def known(self, term: str) -> bool:
        """Whether any doc has `term` in any field."""
        return any(term in f.occurs for f in self.fields)

    def posting(self, term: str) -> Posting:
        """({doc: impact}, the best impact) for `term`, computed once; docs in order."""
        found = self._postings.get(term)
        if found is None:
            merged: dict[int, float] = {}
            for field in self.fields:
                for doc, imp in field.impacts(term, self.n, self.cap, self.k1, self.b).items():
                    merged[doc] = merged.get(doc, 0.0) + imp
            ordered = dict(sorted(merged.items()))
            found = self._postings[term] = (ordered, max(merged.values(), default=0.0))
        return found

    def df(self, term: str) -> int:
        """How many docs `term` counts in (0 for terms ignored as too common)."""
        return len(self.posting(term)[0])

    def in_fields(self, term: str, fields: Sequence[int]) -> set[int]:
        """The docs that have `term` in any of the `fields` (by position in `fields`)."""
        out: set[int] = set()
        for i in fields:
            out.update(self.fields[i].impacts(term, self.n, self.cap, self.k1, self.b))
        return out

    def field_scores(
        self, query: Sequence[tuple[str, float]], docs: Sequence[int]
    ) -> dict[int, list[float]]:
        """doc -> Σ query weight × impact in each field, for the given docs."""
        out = {d: [0.0] * len(self.fields) for d in docs}
        for i, f in enumerate(self.fields):
            for term, qw in query:
                impacts = f.impacts(term, self.n, self.cap, self.k1, self.b)
                if impacts:
                    for d in docs:
                        v = impacts.get(d)
                        if v is not None:
                            out[d][i] += qw * v
        return out

    def score(self, query: Sequence[tuple[str, float]]) -> dict[int, float]:
        """doc -> Σ query weight × impact, over the docs with any query term."""
        acc: dict[int, float] = {}
        get = acc.get
        for term, qw in query:
            for doc, imp in self.posting(term)[0].items():
                acc[doc] = get(doc, 0.0) + qw * imp
        return acc

    def ideal(self, query: Sequence[tuple[str, float]], unseen: float) -> float:
        """The score of a doc that explained every query term as well as any doc does, plus
        `unseen` query words no doc has, each worth a term found in one doc only."""
        seen = sum(qw * self.posting(term)[1] for term, qw in query)
        return seen + unseen * self.unseen_impact


def top(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The k best (doc, score), best first; ties go to the earlier doc."""
    if len(scores) > 4 * k:  # cut to the k-th best value first: no key function per doc
        floor = heapq.nlargest(k, scores.values())[-1]
        scores = {d: s for d, s in scores.items() if s >= floor}
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
