"""Ranking and confidence: what the engine knows about one candidate entry for a query, how it
orders the candidates, and how sure it is that the query is one the library answers.

Both are linear in a few features; the weights (`Tuning.ranking`, `Tuning.confidence`) are
fitted by `bot.services.faq_engine.fitting` on phrasings held out of the library and of the
matters it does not answer (content/faq/outside*.yaml), and on out-of-scope questions
written for the purpose."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.services.faq_engine.tuning import Tuning


@dataclass(frozen=True, slots=True)
class Evidence:
    """One candidate entry for one query."""

    score: float  # BM25 over the entry's fields
    fields: tuple[float, ...]  # each field's part of `coverage`: phrasings, keywords, tags,
    # answer, whole keywords
    coverage: float  # score / the best score the query's terms could reach, in [0, 1]
    similarity: float  # rapidfuzz ratio to the closest phrasing, synonyms canonical, [0, 1]
    explained: float  # share of the query's content characters the entry has a term for
    likelihood: float  # the entry's share among the candidates by query likelihood, [0, 1]
    unseen: float  # query words no entry uses
    anchored: bool  # the entry has one of the query's synonym-table words or keywords
    words: int  # content words in the query
    small_talk: bool  # a short chatting query with no synonym-table word


def rank_features(ev: Evidence) -> tuple[float, ...]:
    """The inputs of the ranking, in the order of `Tuning.ranking`."""
    return (*ev.fields, ev.similarity, ev.explained, ev.likelihood)


def rank(ev: Evidence, t: Tuning) -> float:
    """The re-ranking score (higher is better); plain coverage without `use_rerank`."""
    if not t.use_rerank:
        return ev.coverage
    return sum(w * x for w, x in zip(t.ranking, rank_features(ev), strict=True))


def confidence_features(ev: Evidence, margin: float, outside: Evidence | None) -> tuple[float, ...]:
    """The inputs of the confidence model, in the order of `Tuning.confidence`. `margin` is
    how far the hit's rank is ahead of the best other candidate's (negative when behind);
    `outside` the best candidate among the matters the library does not answer, if any:
    how much closer its phrasings come to the query than the hit's do."""
    near = (outside.fields[0], outside.similarity) if outside is not None else (0.0, 0.0)
    return (
        math.log1p(ev.score),
        ev.coverage,
        ev.similarity,
        ev.explained,
        ev.unseen / max(ev.words, 1),
        math.log1p(ev.words),
        margin,
        1.0 if ev.small_talk else 0.0,
        1.0 if ev.anchored else 0.0,
        near[0] - ev.fields[0],
        near[1] - ev.similarity,
    )


def confidence(x: tuple[float, ...], t: Tuning) -> float:
    """A logistic model of the features `x` (`confidence_features`): the chance that the
    query is one the library answers (not which entry answers it)."""
    *weights, bias = t.confidence
    z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
