"""The synonym table: groups of words that mean one thing, found in text as *concepts*.

The library's groups come from every faq/synonyms*.yaml file; the first word of a group is
the legal term. Groups that share any word are one concept (union-find over the words), so
no file silently wins over another; the concept's term is the first word of its earliest
group. Each word then belongs to exactly one concept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.services.faq_engine.text import bigrams, normalize


def merge_groups(groups: Iterable[Sequence[str]]) -> list[list[str]]:
    """Normalised groups, those sharing a word merged; first-seen order of groups and words."""
    cleaned = [[w for w in dict.fromkeys(normalize(w) for w in g) if w] for g in groups]
    cleaned = [g for g in cleaned if g]
    parent = list(range(len(cleaned)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, group in enumerate(cleaned):
        for word in group:
            j = owner.setdefault(word, i)
            a, b = root(i), root(j)
            if a != b:
                parent[max(a, b)] = min(a, b)  # the earliest group stays the root
    merged: dict[int, list[str]] = {}
    for i, group in enumerate(cleaned):
        merged.setdefault(root(i), []).extend(group)
    return [list(dict.fromkeys(words)) for _, words in sorted(merged.items())]


class SynonymTable:
    """Finds synonym words in normalised text and maps them to concepts (group numbers)."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.group_of: dict[str, int] = {}
        self.term: list[str] = []
        for gid, words in enumerate(merge_groups(groups)):
            self.term.append(words[0])
            for word in words:
                self.group_of[word] = gid
        by_bigram: dict[str, list[str]] = {}
        for word in sorted(self.group_of, key=lambda w: (-len(w), w)):
            if len(word) > 1:
                by_bigram.setdefault(word[:2], []).append(word)
        self._by_bigram = by_bigram
        self._single = frozenset(w for w in self.group_of if len(w) == 1)

    def spans(
        self,
        text: str,
        words: Sequence[tuple[int, str]] | None = None,
        grams: Sequence[str] | None = None,
    ) -> list[tuple[int, int, int]]:
        """(start, end, group) of the synonyms in normalised text, none inside a longer one.

        One-character synonyms count only as whole words among `words` ((start, word) of
        jieba's cut of a query); without `words` (entries) every occurrence counts, at
        position -1. `grams` are the text's bigrams when the caller has them already."""
        out: list[tuple[int, int, int]] = []
        reach = 0
        get = self._by_bigram.get
        for i, gram in enumerate(bigrams(text) if grams is None else grams):
            longest_first = get(gram)
            if longest_first:
                for word in longest_first:
                    if text.startswith(word, i):
                        if i + len(word) > reach:
                            reach = i + len(word)
                            out.append((i, reach, self.group_of[word]))
                        break
        if words is None:
            singles = self._single.intersection(text)
            out += [(-1, -1, self.group_of[ch]) for ch in sorted(singles)]
        else:
            out += [(i, i + 1, self.group_of[w]) for i, w in words if w in self._single]
        return out

    def groups_in(self, text: str) -> list[int]:
        """The groups of every synonym in `text` (nested ones too), in order."""
        found: set[int] = set()
        by_bigram = self._by_bigram
        for gram in by_bigram.keys() & set(bigrams(text)):
            found.update(self.group_of[w] for w in by_bigram[gram] if w in text)
        found.update(self.group_of[ch] for ch in self._single.intersection(text))
        return sorted(found)

    def canonical(self, text: str) -> str:
        """The text with each synonym (not overlapping another) replaced by its legal term."""
        parts: list[str] = []
        last = 0
        for start, end, gid in self.spans(text):
            if start >= last:
                parts += [text[last:start], self.term[gid]]
                last = end
        parts.append(text[last:])
        return "".join(parts)


class PhraseFinder:
    """Finds every occurrence of a fixed set of phrases (the entries' keywords) in text,
    nested ones included; one-character phrases only as whole words of a query."""

    def __init__(self, phrases: Iterable[str]) -> None:
        by_bigram: dict[str, list[str]] = {}
        singles: set[str] = set()
        for phrase in sorted({normalize(p) for p in phrases} - {""}):
            if len(phrase) == 1:
                singles.add(phrase)
            else:
                by_bigram.setdefault(phrase[:2], []).append(phrase)
        self._by_bigram = by_bigram
        self._single = frozenset(singles)

    def find(self, text: str, words: Sequence[tuple[int, str]] = ()) -> list[tuple[int, int, str]]:
        """(start, end, phrase) of every phrase in normalised `text`, in order."""
        out: list[tuple[int, int, str]] = []
        for gram in self._by_bigram.keys() & set(bigrams(text)):
            start = text.find(gram)
            while start >= 0:
                out += [
                    (start, start + len(p), p)
                    for p in self._by_bigram[gram]
                    if text.startswith(p, start)
                ]
                start = text.find(gram, start + 1)
        out += [(i, i + 1, w) for i, w in words if w in self._single]
        return sorted(out)
