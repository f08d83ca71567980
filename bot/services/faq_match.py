"""The FAQ engine's public API, kept at its original import path.

The engine itself lives in the package `bot.services.faq_engine` (see its docstring)."""

from bot.services.faq_engine import BaselineMatcher, FaqHit, FaqMatcher, Tuning, normalize

__all__ = ["BaselineMatcher", "FaqHit", "FaqMatcher", "Tuning", "normalize"]
