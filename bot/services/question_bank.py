"""Import an exam question bank (.xlsx or .csv) into a quiz YAML file of the content library.

The usual Chinese bank sheet has the columns 题型, 题干, 选项A…选项F, 答案, 解析, 出处 and
sometimes 难度; the common header variants (题目, A选项, 参考答案, 答案解析, 法律依据, …) and the
plain `input, output, A, B, C, D` layout of exam-benchmark CSVs are accepted too. A title row
above the header is skipped.

Every row is checked the way the library loader will check it; a bad row becomes one problem
line (`第 12 行: …`, the row number as the spreadsheet shows it) and the caller writes nothing
while there is any problem. Text is tidied on the way in: line breaks that only wrap a
sentence (copied from PDFs) are joined, stray spaces between Chinese characters removed.
出处 becomes `reference` (《全称》第X条) when it names a law of laws.yaml and valid articles;
otherwise the original text is kept at the end of the explanation.

No Telegram, no SQL: the CLI wires this to `legalbot quiz import`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.content.articles import int_to_chinese, parse_citation
from bot.content.schema import ID_PATTERN, QuizModel
from bot.domain.content import Law, QuestionType
from bot.sheets import find_columns, read_table
from bot.validation import error_words

LETTERS = "ABCDEF"
QUESTION_LIMIT = 1000
OPTION_LIMIT = 300
EXPLANATION_LIMIT = 300
SOURCE_KEEP_LIMIT = 100  # an unparsed 出处 kept in the explanation is cut to this length
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row or two
NO_EXPLANATION = "本题答案：{answer}。（题库未附解析）"


def _letter_aliases(letter: str) -> tuple[str, ...]:
    wide = chr(ord(letter) - ord("A") + ord("Ａ"))
    names = []
    for x in (letter, letter.lower(), wide):
        names += [x, f"选项{x}", f"{x}选项", f"{x}项", f"选项{x}内容"]
    return tuple(names)


BANK_COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("题干", "题目", "试题", "题目内容", "试题内容", "题目名称", "问题", "input"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案", "答案选项", "output"),
    "type": ("题型", "题目类型", "试题类型", "题类", "类型"),
    "explanation": ("解析", "答案解析", "解析说明", "试题解析", "题目解析", "答案说明"),
    "source": ("出处", "依据", "法律依据", "法规依据", "政策依据", "参考依据", "法条", "相关法条"),
    "difficulty": ("难度", "难易程度", "难度等级", "难易度"),
    **{letter: _letter_aliases(letter) for letter in LETTERS},
}
COMBINED_OPTIONS = ("选项", "备选项", "选项内容")

TYPE_WORDS: dict[str, QuestionType | None] = {
    **dict.fromkeys(
        ("单选", "单选题", "单项选择", "单项选择题", "单项", "single"), QuestionType.SINGLE
    ),
    **dict.fromkeys(
        ("多选", "多选题", "多项选择", "多项选择题", "多项", "multiple"), QuestionType.MULTIPLE
    ),
    **dict.fromkeys(("判断", "判断题", "是非题", "是非", "对错题", "judge"), QuestionType.JUDGE),
    # 不定项: one or more answers, decided by the answer itself
    **dict.fromkeys(("不定项", "不定项选择", "不定项选择题", "选择题", "选择"), None),
}
JUDGE_TRUE = frozenset({"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y"})
JUDGE_FALSE = frozenset({"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "非", "N"})
DIFFICULTY_WORDS = {
    **dict.fromkeys(("1", "易", "容易", "较易", "简单", "低", "初级", "★"), 1),
    **dict.fromkeys(("2", "中", "中等", "一般", "适中", "中级", "★★"), 2),
    **dict.fromkeys(("3", "难", "较难", "困难", "高", "高级", "★★★"), 3),
}
FIELD_NAMES = {
    "question": "题干",
    "options": "选项",
    "answer": "答案",
    "explanation": "解析",
    "reference": "出处",
    "tags": "标签",
    "difficulty": "难度",
    "id": "编号",
}

# 汉字 and Chinese punctuation; not （ ）, so that a blank "（  ）" keeps its spaces
_CJK = r"[\u3400-\u9fff，。、；：？！“”‘’《》]"
_CJK_SPACE = re.compile(rf"(?<={_CJK})[ \u3000\t]+(?={_CJK})")
_ENUMERATION = re.compile(
    r"^(?:[①-⑳]|[(（]?\d{1,2}[)）.、．]|[A-F][.、．]|[一二三四五六七八九十]+、)"
)
_KEEP_BREAK_AFTER = "。！？；：!?;:…”"
_SENTENCE_END = "。！？；!?;\n"
_NUMERAL = r"[\d零〇一二两三四五六七八九十百千]"
_CITATION = re.compile(rf"^《?(?P<law>[^《》\d第]+?)》?(?P<article>第?{_NUMERAL}.*)$")


@dataclass(frozen=True)
class BankImport:
    """The questions read from a bank (QuizModel-shaped dicts) and every bad row."""

    questions: list[dict[str, object]]
    problems: list[str]  # one line per bad row, or one line for a bad header / empty file
    skipped_blank: int

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.questions)


@dataclass(frozen=True, slots=True)
class _Columns:
    header_row: int  # 0-based index into the table
    index: dict[str, int]

    def get(self, cells: Sequence[str], key: str) -> str:
        i = self.index.get(key)
        return cells[i] if i is not None and i < len(cells) else ""


# --- text ----------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """Join PDF line wraps, keep real line breaks, drop blank lines and spaces between 汉字."""
    lines = [x.strip() for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out = ""
    for line in (x for x in lines if x):
        if not out:
            out = line
        elif out[-1] in _KEEP_BREAK_AFTER or _ENUMERATION.match(line):
            out += "\n" + line
        elif out[-1].isascii() and out[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            out += " " + line
        else:
            out += line
    return _CJK_SPACE.sub("", out)


def _one_line(text: str) -> str:
    return _tidy(text).replace("\n", "")


def truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a sentence end, marking the cut with …."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(c) for c in _SENTENCE_END)
    if cut >= limit // 3:
        head = head[:cut] if head[cut] == "\n" else head[: cut + 1]
    return head.rstrip() + "…"


# --- citations -----------------------------------------------------------------------------


def law_index(laws: Sequence[Law]) -> dict[str, str]:
    """Every way a bank may name a law (full name, short name, without 中华人民共和国) → full name."""
    index: dict[str, str] = {}
    for law in laws:
        for key in (law.name, law.short, law.name.removeprefix("中华人民共和国")):
            index.setdefault(_plain(key), law.name)
    return index


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _chinese_article(article: str) -> str | None:
    """第1042条 → 第一千零四十二条; 第10-12条 → 第十条至第十二条; 第10、12条 → 第十条、第十二条."""
    article = re.sub(r"[-~—到]", "至", article).replace(",", "、")
    article = re.sub(rf"({_NUMERAL}+)(?=[、至])", r"\1条", article)
    article = re.sub(rf"([、至])(?={_NUMERAL})", r"\1第", article)
    numbers = [int(n) for n in re.findall(r"\d+", article)]
    if any(not 1 <= n <= 9999 for n in numbers):
        return None
    return re.sub(r"\d+", lambda m: int_to_chinese(int(m.group())), article)


def citation_from(source: str, laws: Mapping[str, str]) -> str | None:
    """出处 text → 《full law name》第X条, or None when it is not a valid citation of a known law.

    `laws` is a `law_index`. Accepts short names, missing 《》, Arabic article numbers and a
    trailing 规定."""
    text = _plain(source).rstrip("。.;；,，")
    text = re.sub(r"(?:的|之)?规定$", "", text)
    m = _CITATION.match(text)
    if not m:
        return None
    name = laws.get(m.group("law"))
    article = m.group("article")
    article = _chinese_article(article if article.startswith("第") else "第" + article)
    if name is None or article is None:
        return None
    citation = f"《{name}》{article}"
    try:
        parse_citation(citation)
    except ValueError:
        return None
    return citation


# --- the header ----------------------------------------------------------------------------


def _find_header(table: Sequence[Sequence[str]]) -> _Columns | None:
    for i, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        index = find_columns(row, BANK_COLUMNS)
        if "question" in index and "answer" in index:
            return _Columns(i, index)
    return None


def _header_problem() -> str:
    wanted = "需要 题干、答案 两列，选择题另需 选项A、选项B…；可选 题型、解析、出处、难度"
    return f"第 1 行: 找不到表头（{wanted}）"


def _combined_options_problem(table: Sequence[Sequence[str]], cols: _Columns) -> str | None:
    if "A" in cols.index:
        return None
    header = [h.replace(" ", "") for h in table[cols.header_row]]
    if any(h in COMBINED_OPTIONS for h in header):
        return (
            f"第 {cols.header_row + 1} 行: 选项需要分列填写（选项A、选项B…各占一列），"
            "不支持把所有选项写在同一列"
        )
    return None


# --- one row -------------------------------------------------------------------------------


def _options(cells: Sequence[str], cols: _Columns, errs: list[str]) -> list[str]:
    found = [(x, _one_line(cols.get(cells, x))) for x in LETTERS]
    found = _without_letter_labels([(x, text) for x, text in found if text])
    letters = "".join(letter for letter, _ in found)
    if letters != LETTERS[: len(letters)]:
        gap = next(x for x in LETTERS if x not in letters)
        later = next(x for x in letters if x > gap)
        errs.append(f"选项 {gap} 为空，但后面还有选项 {later}（选项要从 A 起连续填写）")
    for n, (letter, text) in enumerate(found):
        if len(text) > OPTION_LIMIT:
            errs.append(f"选项 {letter} 太长（{len(text)} 字，最多 {OPTION_LIMIT} 字）")
        same = next((other for other, t in found[:n] if t == text), None)
        if same:
            errs.append(f"选项 {letter} 与选项 {same} 相同")
    return [text for _, text in found]


def _without_letter_labels(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """ "A. 1954年", "B、1982年" → "1954年", "1982年" — only when every option is so labelled."""
    labels = [re.match(rf"^{x}\s*[.．、:：)）]\s*", text, re.IGNORECASE) for x, text in found]
    if len(found) < 2 or not all(labels):
        return found
    stripped = [(x, text[m.end() :]) for (x, text), m in zip(found, labels, strict=True) if m]
    return stripped if all(text for _, text in stripped) else found


def _judge_word(answer: str) -> str | None:
    key = unicodedata.normalize("NFKC", answer).strip().upper()
    if key in JUDGE_TRUE:
        return "对"
    if key in JUDGE_FALSE:
        return "错"
    return None


def _letters(answer: str) -> str | None:
    """ "a、c，D" → "ACD" (as written, upper case); None when it is not only letters."""
    text = re.sub(r"[\s,、;/和及与]", "", unicodedata.normalize("NFKC", answer)).upper()
    return text if re.fullmatch(r"[A-Z]+", text) else None


def _question_type(
    type_text: str, answer: str, options: list[str], errs: list[str]
) -> QuestionType | None:
    word = unicodedata.normalize("NFKC", type_text).replace(" ", "").lower()
    if word and word not in TYPE_WORDS:
        errs.append(f"题型 '{type_text}' 不认识（可填 单选、多选、判断）")
        return None
    declared = TYPE_WORDS.get(word)
    if declared is not None:
        return declared
    letters = _letters(answer)
    is_letter_answer = letters is not None and set(letters) <= set(LETTERS) and bool(options)
    if _judge_word(answer) and not is_letter_answer:
        return QuestionType.JUDGE
    if letters is None:
        errs.append(f"答案 '{answer}' 看不懂（应是选项字母如 A、ACD，或判断题的 对/错）")
        return None
    return QuestionType.MULTIPLE if len(letters) >= 2 else QuestionType.SINGLE


def _judge_answer(answer: str, options: list[str], errs: list[str]) -> str | None:
    """Judge answers: 对/错 and their variants, or a letter pointing at a 正确/错误 option."""
    if options and not all(_judge_word(o) for o in options):
        errs.append("判断题不需要选项（如填写，只能是 对、错）")
        return None
    word = _judge_word(answer)
    letters = _letters(answer)
    if word is None and options and letters and len(letters) == 1 and letters in LETTERS:
        i = LETTERS.index(letters)
        word = _judge_word(options[i]) if i < len(options) else None
    if word is None:
        errs.append(f"判断题的答案应是 对 或 错（收到 '{answer}'）")
    return word


def _choice_answer(
    qtype: QuestionType, answer: str, options: list[str], errs: list[str]
) -> str | None:
    letters = _letters(answer)
    if letters is None:
        errs.append(f"答案 '{answer}' 看不懂（应是选项字母，如 A 或 ACD）")
        return None
    if len(options) < 2:
        errs.append(f"选择题至少要有两个选项（只有 {len(options)} 个）")
        return None
    valid = LETTERS[: len(options)]
    outside = "".join(c for c in letters if c not in valid)
    if outside:
        errs.append(f"答案 '{answer}' 不在选项中（只有 A–{valid[-1]}）")
        return None
    if len(set(letters)) != len(letters):
        errs.append(f"答案 '{answer}' 中有重复的字母")
        return None
    if qtype is QuestionType.SINGLE and len(letters) != 1:
        errs.append(f"单选题只能有一个答案（收到 '{answer}'）")
        return None
    if qtype is QuestionType.MULTIPLE and len(letters) < 2:
        errs.append(f"多选题至少要有两个答案（收到 '{answer}'）")
        return None
    return "".join(sorted(letters))


def _difficulty(text: str, default: int, errs: list[str]) -> int:
    word = unicodedata.normalize("NFKC", text).replace(" ", "")
    if not word:
        return default
    level = DIFFICULTY_WORDS.get(word) or DIFFICULTY_WORDS.get(word.removesuffix("级"))
    if level is None:
        errs.append(f"难度 '{text}' 不认识（可填 1、2、3 或 易、中、难）")
        return default
    return level


def _explanation(text: str, answer: str, kept_source: str) -> str:
    """解析 (or a neutral line naming the answer), then an unparsed 出处, within the limit."""
    body = _tidy(text) or NO_EXPLANATION.format(answer=answer)
    if not kept_source:
        return truncate(body, EXPLANATION_LIMIT)
    suffix = "出处：" + truncate(_one_line(kept_source), SOURCE_KEEP_LIMIT)
    body = truncate(body, EXPLANATION_LIMIT - len(suffix) - 1)
    return body + ("" if body[-1] in _SENTENCE_END + "…）)”" else "。") + suffix


def _question(text: str, errs: list[str]) -> str:
    question = _tidy(text)
    if not question:
        errs.append("题干为空")
    elif len(question) > QUESTION_LIMIT:
        errs.append(f"题干太长（{len(question)} 字，最多 {QUESTION_LIMIT} 字）")
    return question


def _answer(qtype: QuestionType, text: str, options: list[str], errs: list[str]) -> str | None:
    if qtype is QuestionType.JUDGE:
        return _judge_answer(text, options, errs)
    return _choice_answer(qtype, text, options, errs)


@dataclass(frozen=True, slots=True)
class _Settings:
    laws: dict[str, str]
    tag: str
    difficulty: int


def _row(
    cells: Sequence[str], cols: _Columns, settings: _Settings, errs: list[str]
) -> dict[str, object] | None:
    """One data row → a QuizModel-shaped dict without id, or None with `errs` filled in."""
    question = _question(cols.get(cells, "question"), errs)
    options = _options(cells, cols, errs)
    answer_text = cols.get(cells, "answer")
    difficulty = _difficulty(cols.get(cells, "difficulty"), settings.difficulty, errs)
    if not answer_text:
        errs.append("答案为空")
        return None
    qtype = _question_type(cols.get(cells, "type"), answer_text, options, errs)
    answer = _answer(qtype, answer_text, options, errs) if qtype else None
    if errs or qtype is None or answer is None:
        return None
    source = cols.get(cells, "source")
    reference = citation_from(source, settings.laws) if source else None
    item: dict[str, object] = {"type": qtype.value, "question": question}
    if qtype is not QuestionType.JUDGE:
        item["options"] = options
    item["answer"] = answer
    item["explanation"] = _explanation(
        cols.get(cells, "explanation"), answer, "" if reference else source
    )
    if reference:
        item["reference"] = reference
    item["tags"] = [settings.tag]
    item["difficulty"] = difficulty
    return item


def _model_problems(item: dict[str, object]) -> list[str]:
    """What QuizModel still objects to (normally nothing: the row checks cover its rules)."""
    try:
        QuizModel.model_validate(item)
    except ValidationError as err:
        return [
            f"{FIELD_NAMES.get(str(e['loc'][0]), str(e['loc'][0])) if e['loc'] else '-'}: "
            f"{error_words(e)}"
            for e in err.errors()
        ]
    return []


# --- the whole file ------------------------------------------------------------------------


def _check_settings(id_prefix: str, tag: str, difficulty: int) -> None:
    if not re.fullmatch(ID_PATTERN, id_prefix) or len(id_prefix) > 40:
        raise ValueError(f"编号前缀 {id_prefix!r} 不合格（小写字母、数字和 -，最多 40 个字符）")
    if not 1 <= len(tag.strip()) <= 20:
        raise ValueError(f"标签 {tag!r} 不合格（1–20 个字）")
    if difficulty not in (1, 2, 3):
        raise ValueError(f"难度 {difficulty!r} 不合格（1、2 或 3）")


def parse_bank(
    table: Sequence[Sequence[str]],
    laws: Sequence[Law],
    id_prefix: str,
    tag: str = "题库",
    difficulty: int = 2,
) -> BankImport:
    """Check every row of a bank table; see `read_bank`."""
    _check_settings(id_prefix, tag, difficulty)
    cols = _find_header(table)
    if cols is None:
        return BankImport([], [_header_problem()], 0)
    layout = _combined_options_problem(table, cols)
    if layout:
        return BankImport([], [layout], 0)
    settings = _Settings(law_index(laws), tag.strip(), difficulty)
    questions: list[dict[str, object]] = []
    problems: list[str] = []
    taken: set[str] = set()
    blank = 0
    for line, cells in enumerate(table[cols.header_row + 1 :], start=cols.header_row + 2):
        if not any(c.strip() for c in cells):
            blank += 1
            continue
        errs: list[str] = []
        item = _row(cells, cols, settings, errs)
        if item is not None:
            item = {"id": _stable_id(id_prefix, item, taken), **item}
            errs = _model_problems(item)
        if errs or item is None:
            problems.append(f"第 {line} 行: {'；'.join(errs)}")
        else:
            questions.append(item)
    if not questions and not problems:
        problems.append("文件里没有题目")
    return BankImport(questions, problems, blank)


def _stable_id(prefix: str, item: dict[str, object], taken: set[str]) -> str:
    """An id from the question's own text, so re-importing an edited or re-ordered bank keeps
    every unchanged question's id (answers recorded in the database point at ids)."""
    digest = hashlib.sha1(f"{item['question']}|{item.get('options')}".encode()).hexdigest()
    candidate, n = f"{prefix}-{digest[:8]}", 1
    while candidate in taken:  # the same question twice in one bank
        n += 1
        candidate = f"{prefix}-{digest[:8]}-{n}"
    taken.add(candidate)
    return candidate


def read_bank(
    path: Path,
    laws: Sequence[Law],
    id_prefix: str,
    tag: str = "题库",
    difficulty: int = 2,
) -> BankImport:
    """Read a bank (.xlsx or .csv in UTF-8/GBK) and check every row.

    `laws` are the library's laws (for 出处); ids are `{id_prefix}-<hash of the question>`, in row
    order; `tag` and `difficulty` go on every question (a 难度 column overrides the latter).
    Raises SheetError when the file cannot be read as a table, ValueError on bad arguments."""
    return parse_bank(read_table(path), laws, id_prefix, tag, difficulty)


# --- output --------------------------------------------------------------------------------


class _BankDumper(yaml.SafeDumper):
    """Block style; multi-line text as a literal block (|-) so the file reads like the rest."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BankDumper.add_representer(str, _str_presenter)


def write_bank_yaml(
    questions: Sequence[Mapping[str, object]], out: Path, source: str | None = None
) -> int:
    """Write the questions as one quiz YAML file (atomically); returns how many were written."""
    body = yaml.dump(
        [dict(q) for q in questions],
        Dumper=_BankDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
    )
    origin = f"从 {source} " if source else ""
    head = f"# {origin}导入的题库（legalbot quiz import），共 {len(questions)} 题。\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(head + body, encoding="utf-8")
    os.replace(tmp, out)
    return len(questions)


def import_bank(
    path: Path,
    out: Path,
    laws: Sequence[Law],
    tag: str = "题库",
    difficulty: int = 2,
) -> BankImport:
    """read_bank + write_bank_yaml, writing only when every row is good (ids from `out`)."""
    result = read_bank(path, laws, id_prefix_for(out), tag, difficulty)
    if result.ok:
        write_bank_yaml(result.questions, out, source=path.name)
    return result


def id_prefix_for(out: Path) -> str:
    """The id prefix for a bank written to `out`: its name in [a-z0-9-], else "bank"."""
    stem = out.name.split(".")[0].lower()
    prefix = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:40].rstrip("-")
    return prefix or "bank"
