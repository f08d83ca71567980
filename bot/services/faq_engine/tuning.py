"""The FAQ engine's knobs. The analysis and BM25 values were chosen on the DEV query set and
on phrasings held out of the library; `ranking` and `confidence` are fitted by
`python -m bot.services.faq_engine.fitting`, which also prints the DEV table per threshold
(the threshold was chosen there). The `use_*` switches exist to measure each stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Tuning:
    """Every number the engine uses; `FaqMatcher.build(..., tuning)` takes one."""

    use_synonyms: bool = True
    use_keywords: bool = True  # the keywords and whole-keyword fields
    use_ngrams: bool = True
    use_context: bool = True  # the tag and answer fields
    use_rerank: bool = True
    concept_weight: float = 1.0
    bigram_weight: float = 0.4
    unigram_weight: float = 0.4
    covered: float = 0.25  # weight factor of bigrams and characters inside a synonym
    char_weight: float = 0.2  # characters inside longer words of a long query
    keyword_field: float = 0.5  # the entry's keywords, analysed like phrasings
    phrase_field: float = 1.0  # whole keywords found in the query
    tag_field: float = 0.5
    answer_field: float = 0.25
    max_df: float = 0.2  # terms in a larger share of the entries are ignored
    unseen_word: float = 1.0  # how much a query word no entry uses counts against coverage
    rerank_depth: int = 20
    max_terms: int = 40  # retrieval uses at most this many terms of a long query
    short_query: int = 2  # queries of at most this many characters also match by character
    # rank = ranking · (field parts of coverage ×5, similarity, explained, likelihood)
    ranking: tuple[float, ...] = (3.236, 10.893, 10.587, 2.851, 7.763, 7.058, 6.254, 0.0)
    # confidence = sigmoid(confidence · (ln(1 + score), coverage, similarity, explained,
    # unseen share, ln(1 + words), margin, small talk, anchored) + bias), the bias last
    confidence: tuple[float, ...] = (1.699, -1.54, 3.239, 2.372, -3.469, 1.043, 0.097, -0.661, 0.263, -8.014)  # fmt: skip
    threshold: float = 0.2
    related_floor: float = 0.05  # weaker hits are not offered as related
    lm_mu: float = 20.0  # Dirichlet smoothing of the query-likelihood model
    k1: float = 0.5
    b: float = 0.75
