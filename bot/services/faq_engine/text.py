"""Text normalisation for the FAQ engine: one canonical form, character bigrams, and jieba's
cut of a query into content words with function words and question fillers dropped."""

from __future__ import annotations

import logging
import re
import unicodedata
from operator import add

import jieba

_NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    return text.split()


# Function words and question fillers: they say nothing about which entry is meant.
FILLERS = frozenset(
    _words(
        """的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 哈 啦 呗 嘞 咧 哇 噢 诶 唉 喂 呐 不 没
    我 我们 我家 俺 俺们 俺家 咱 咱们 咱家 你 你们 您 他 她 它 他们 她们 他家 她家 人家 自己 自家
    这 那 这个 那个 这样 那样 这种 那种 这些 那些 这事 那事 此 其 啥事 这儿 那儿 哪 哪儿 哪里
    咋 咋办 咋整 咋弄 咋样 咋回事 怎么 怎么办 怎样 怎么样 如何 啥 什么 为啥 为什么 啥样
    是不是 能不能 可不可以 行不行 中不中 算不算 要不要 有没有 会不会 该不该 对不对 成不成 行 中
    可以 能 能够 会 要 想 应该 应当 该 请问 问 问一下 一下 下 请 麻烦 谢谢 好 就是
    就 都 也 还 又 再 才 在 是 有 和 跟 与 及 或 或者 给 把 被 让 叫 对 向 从 到 于 为 以 说
    个 些 点 一 一个 一点 一些 很 太 挺 最 更 真 可 却 而 但 但是 因为 所以 如果 现在 已经"""
    )
)

# Small talk: a short query with one of these and no synonym word is chatting, not asking.
SMALL_TALK = tuple(
    _words(
        """你好 您好 在吗 在不在 有人吗 哈喽 早上好 中午好 晚上好 晚安 谢谢 谢了 多谢 辛苦了 再见
    拜拜 你是谁 你叫 名字 机器人 天气 下雨 刮风 下雪 气温 几点 星期几 礼拜几 几号 吃饭 早饭 午饭
    晚饭 吃啥 吃了吗 笑话 唱歌 无聊 哈哈 好玩 聊天 聊聊"""
    )
)


def quiet_jieba() -> None:
    """Load jieba's dictionary now (once per process) without its chatter on the log."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def normalize(text: str) -> str:
    """NFKC, lower case, and nothing but letters, digits and CJK characters."""
    return _NOT_WORD.sub("", normalize_keep_gaps(text))


# Full-width ASCII (，？Ａ１) and the ideographic space: what NFKC changes in most Chinese
# text, done by one table lookup so that NFKC proper is needed only for the rest.
_FULL_WIDTH: dict[int, str | int] = {0x3000: " ", **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}}


def normalize_keep_gaps(text: str) -> str:
    """NFKC and lower case, punctuation and spaces kept (they separate phrases)."""
    text = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def pieces(text: str) -> list[str]:
    """The normalised stretches of `text` between punctuation and spaces."""
    return [p for p in _NOT_WORD.split(normalize_keep_gaps(text)) if p]


def bigrams(text: str) -> list[str]:
    """The overlapping two-character pieces of `text`."""
    return list(map(add, text, text[1:]))


def cut(text: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, str]]]:
    """(normalised text, its content runs, its content words): jieba's cut with the fillers
    dropped. A run is a stretch of consecutive content words, as (start, end) in the text;
    a word comes with its start."""
    runs: list[tuple[int, int]] = []
    words: list[tuple[int, str]] = []
    parts = pieces(text)
    at = 0
    for piece in parts:  # punctuation and spaces end a run too
        start = at
        for token in map(str, jieba.lcut(piece, HMM=False)):
            if token in FILLERS:
                if at > start:
                    runs.append((start, at))
                start = at + len(token)
            else:
                words.append((at, token))
            at += len(token)
        if at > start:
            runs.append((start, at))
    return "".join(parts), runs, words


def jieba_tokens(text: str) -> list[str]:
    """jieba's plain cut of the normalised text (the baseline's tokens)."""
    return [str(w) for w in jieba.lcut(normalize(text))]
