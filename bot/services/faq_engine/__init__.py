"""Chinese-aware FAQ retrieval: find the entry a villager's plain-words question means.

Modules: `text` (normalisation, jieba), `synonyms` (the merged synonym table, keyword
finder), `analyzer` (index terms), `index` (BM25 over fields), `likelihood` (query
likelihood per entry), `confidence` (ranking and confidence models), `tuning` (the knobs),
`results` (hits and verdicts), `matcher` (the engine, see its docstring), `baseline` (plain
BM25, for comparison) and `fitting` (fits the ranking and confidence weights; run it as a
module). `bot.services.faq_match` re-exports the public API.
"""

from bot.services.faq_engine.baseline import BaselineMatcher
from bot.services.faq_engine.matcher import FaqMatcher
from bot.services.faq_engine.results import FaqHit
from bot.services.faq_engine.text import normalize
from bot.services.faq_engine.tuning import Tuning

__all__ = ["BaselineMatcher", "FaqHit", "FaqMatcher", "Tuning", "normalize"]
