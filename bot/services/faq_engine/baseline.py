"""The baseline the engine is measured against: plain BM25 over jieba tokens of each entry's
question and alternates. Its confidence is the top score over the best score the query's
terms could reach; the hand-over threshold was chosen on DEV."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.content import FaqEntry
from bot.services.faq_engine.index import Field, Index, top
from bot.services.faq_engine.results import FaqHit, phrasings
from bot.services.faq_engine.text import jieba_tokens, quiet_jieba


class BaselineMatcher:
    """Plain BM25 over jieba tokens of question + alternates; for comparison only."""

    def __init__(self, entries: Sequence[FaqEntry], threshold: float) -> None:
        quiet_jieba()
        self.threshold = threshold
        self._ids = [e.id for e in entries]
        docs = [[t for p in phrasings(e) for t in jieba_tokens(p)] for e in entries]
        self._index = Index([Field(1.0, docs)], len(docs), max_df=1.0)

    @classmethod
    def build(
        cls, entries: Sequence[FaqEntry], synonyms: Sequence[Sequence[str]] = ()
    ) -> BaselineMatcher:
        """The baseline ignores synonyms; the argument keeps the engine's signature."""
        return cls(entries, threshold=0.3)

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        """The best entries by BM25, each scored top score / best reachable score."""
        terms = [(t, 1.0) for t in dict.fromkeys(jieba_tokens(query))]
        scores = self._index.score(terms)
        ideal = self._index.ideal(terms, 0.0)
        if not scores or ideal <= 0 or limit <= 0:
            return []
        return [FaqHit(self._ids[d], round(s / ideal, 6)) for d, s in top(scores, limit)]

    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]:
        """(the top hit if its score reaches the threshold, else None; related hits)."""
        hits = self.search(query, 4)
        if hits and hits[0].score >= self.threshold:
            return hits[0], hits[1:4]
        return None, hits[:3]
