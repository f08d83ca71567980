"""Query likelihood: how probable the query's terms are under each candidate's own words.

BM25 weighs a term by how rare it is in the whole library, and ignores the commonest terms;
siblings (two entries on wage arrears, one on whom to complain to) share the rare terms and
differ in common ones (“钱”, “告”, “哪”). A language model per entry — the term counts of its
phrasings and keywords, Dirichlet-smoothed with the library's counts — compares them on every
term the query has. Computed only for the retrieved candidates: cheap at any library size."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.services.faq_engine.index import Field


class QueryLikelihood:
    """Dirichlet-smoothed unigram models over the terms of some fields of each entry."""

    def __init__(self, fields: Sequence[Field], mu: float) -> None:
        self._fields = fields
        self._mu = mu
        n = len(fields[0].lengths) if fields else 0
        self._lengths = [sum(f.lengths[d] for f in fields) for d in range(n)]
        self._total = float(sum(self._lengths)) or 1.0
        self._counts: dict[str, tuple[Counter[int], float]] = {}

    def _count(self, term: str) -> tuple[Counter[int], float]:
        """(doc -> occurrences of `term`, the library's probability of `term`), made once."""
        found = self._counts.get(term)
        if found is None:
            counts: Counter[int] = Counter()
            for f in self._fields:
                counts.update(f.occurs.get(term, ()))
            found = self._counts[term] = (counts, (counts.total() + 0.5) / self._total)
        return found

    def shares(self, terms: Sequence[tuple[str, float]], docs: Sequence[int]) -> list[float]:
        """Each doc's posterior share among `docs` (uniform prior), in the order given."""
        if not docs:
            return []
        mu = self._mu
        logs = [0.0] * len(docs)
        for term, weight in terms:
            counts, p = self._count(term)
            if not counts:  # not in these fields at all (e.g. whole keywords): no evidence
                continue
            prior = mu * p
            for i, d in enumerate(docs):
                logs[i] += weight * math.log((counts.get(d, 0) + prior) / (self._lengths[d] + mu))
        top = max(logs)
        exps = [math.exp(v - top) for v in logs]
        whole = sum(exps)
        return [v / whole for v in exps]
