"""Turns entries and queries into index terms: "#<n>" (concept n of the synonym table), a
character bigram, or a single character. Concepts bridge everyday and legal words; bigrams
and characters survive dialect words and jieba's mis-cuts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.faq_engine.synonyms import PhraseFinder, SynonymTable
from bot.services.faq_engine.text import bigrams, cut, pieces
from bot.services.faq_engine.tuning import Tuning


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed query. `terms` are (term, weight, positions): each term once, with the
    positions of the text it stands for; `spread` is every position of a content word."""

    norm: str  # normalised text
    words: list[str]  # content words (jieba's cut, fillers dropped)
    terms: list[tuple[str, float, tuple[int, ...]]]
    spread: frozenset[int]


class Analyzer:
    """Analysis shared by indexing and search; `synonyms` None switches concepts off."""

    def __init__(
        self, synonyms: SynonymTable | None, phrases: PhraseFinder | None, tuning: Tuning
    ) -> None:
        self.synonyms = synonyms
        self.phrases = phrases
        self.tuning = tuning

    def phrase_terms(self, text: str) -> list[str]:
        """Terms of a phrasing, tag or keyword: concepts (longest matches), bigrams and
        characters of each stretch between punctuation."""
        return self._terms((text,), distinct_chars=False)

    def entry_terms(self, texts: Sequence[str]) -> list[str]:
        """Terms of all an entry's phrasings: the concepts and bigrams of each, and each
        character once (how often its phrasings repeat a character says nothing more)."""
        return self._terms(texts, distinct_chars=True)

    def _terms(self, texts: Sequence[str], distinct_chars: bool) -> list[str]:
        out: list[str] = []
        chars: set[str] = set()
        ngrams = self.tuning.use_ngrams
        for text in texts:
            for norm in pieces(text):
                grams = bigrams(norm)
                if self.synonyms is not None:
                    out += [f"#{gid}" for _, _, gid in self.synonyms.spans(norm, grams=grams)]
                if ngrams:
                    out += grams
                    if distinct_chars:
                        chars.update(norm)
                    else:
                        out += norm
        out += sorted(chars)
        return out

    def answer_terms(self, text: str) -> list[str]:
        """Terms of an answer: its concepts only (the raw text will do: they are CJK words)."""
        if self.synonyms is None:
            return []
        return [f"#{gid}" for gid in self.synonyms.groups_in(text)]

    def query(self, text: str) -> Query:
        """The query's terms, each once, weighted by kind. Bigrams and characters inside a
        found synonym count `covered` times their weight: the concept already says it."""
        t = self.tuning
        norm, runs, words = cut(text)
        weights: dict[str, float] = {}
        where: dict[str, set[int]] = {}
        covered = [False] * len(norm)
        if self.synonyms is not None:
            for start, end, gid in self.synonyms.spans(norm, words):
                term = f"#{gid}"
                weights[term] = t.concept_weight
                where.setdefault(term, set()).update(range(start, end))
                covered[start:end] = [True] * (end - start)
        if self.phrases is not None:
            for start, end, phrase in self.phrases.find(norm, words):
                weights["=" + phrase] = 1.0
                where.setdefault("=" + phrase, set()).update(range(start, end))
        if t.use_ngrams:
            short = sum(b - a for a, b in runs) <= t.short_query
            singles = {i for i, w in words if len(w) == 1}
            for a, b in runs:
                for i in range(a, b - 1):
                    w = t.bigram_weight * (t.covered if covered[i] and covered[i + 1] else 1.0)
                    gram = norm[i : i + 2]
                    weights[gram] = max(weights.get(gram, 0.0), w)
                    where.setdefault(gram, set()).update((i, i + 1))
                for i in range(a, b):
                    word = short or i in singles  # a character inside a word explains nothing
                    w = (t.unigram_weight if word else t.char_weight) * (
                        t.covered if covered[i] else 1.0
                    )
                    if w > 0:
                        weights[norm[i]] = max(weights.get(norm[i], 0.0), w)
                        where.setdefault(norm[i], set()).update((i,) if word else ())
        terms = [(term, w, tuple(sorted(where[term]))) for term, w in weights.items() if w > 0]
        spread = frozenset(i for a, b in runs for i in range(a, b))
        return Query(norm, [w for _, w in words], terms, spread)
