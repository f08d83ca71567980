"""Load and validate the whole library; every problem is `file:line: item id: field: reason`.

The library loads all or nothing: `load_library` raises ContentError listing every problem,
so a broken file never half-loads.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.articles import parse_citation
from bot.content.schema import (
    ExamModel,
    FaqModel,
    LawModel,
    OutsideModel,
    QuizModel,
    StudyModel,
    parse_local,
    roles_of,
)
from bot.content.yamlsrc import LINE_KEY, YamlProblem, load_yaml
from bot.domain.content import (
    JUDGE_OPTIONS,
    FaqEntry,
    Law,
    Library,
    OutsideTopic,
    Pin,
    QuestionType,
    QuizQuestion,
    StudyItem,
)
from bot.domain.errors import ContentError
from bot.domain.quiz import Exam
from bot.validation import error_words

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
LETTERS = "ABCDEFGHIJKL"
SYNONYMS_GLOB = "synonyms*.yaml"
OUTSIDE_GLOB = "outside*.yaml"


def _is_synonyms(path: Path) -> bool:
    return path.match(SYNONYMS_GLOB)


def _not_faq(path: Path) -> bool:
    """faq/ also holds the synonym tables and the matters it does not answer."""
    return _is_synonyms(path) or path.match(OUTSIDE_GLOB)


class _Problems:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[str] = []

    def add(self, path: Path, line: int, item_id: str | None, field: str, reason: str) -> None:
        where = path.relative_to(self.root) if path.is_relative_to(self.root) else path
        self.items.append(f"{where}:{line}: {item_id or '-'}: {field}: {reason}")


def _entries(path: Path, problems: _Problems) -> list[dict[str, Any]]:
    try:
        data = load_yaml(path)
    except YamlProblem as e:
        problems.add(path, e.line, None, "-", e.reason)
        return []
    if data is None:
        return []
    if not isinstance(data, list):
        problems.add(path, 1, None, "-", "文件顶层应是一个列表（每项以 - 开头）")
        return []
    good = []
    for entry in data:
        if not isinstance(entry, dict):
            problems.add(path, 1, None, "-", "列表中的每一项应是键值对")
            continue
        good.append(entry)
    return good


def _validate(model: type[M], entry: dict[str, Any], path: Path, problems: _Problems) -> M | None:
    line = int(entry.pop(LINE_KEY, 1))
    item_id = entry.get("id") if isinstance(entry.get("id"), str) else None
    for value in entry.values():
        if isinstance(value, dict):
            value.pop(LINE_KEY, None)
    try:
        return model.model_validate(entry)
    except ValidationError as err:
        for e in err.errors():
            field = ".".join(str(p) for p in e["loc"]) or "-"
            problems.add(path, line, item_id, field, error_words(e))
        return None


def _load_kind(
    root: Path,
    kind: str,
    model: type[M],
    problems: _Problems,
    skip: Callable[[Path], bool] = lambda p: False,
) -> list[tuple[M, Path, int]]:
    out: list[tuple[M, Path, int]] = []
    folder = root / kind
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.yaml")):
        if skip(path):
            continue
        for entry in _entries(path, problems):
            line = int(entry.get(LINE_KEY, 1))
            parsed = _validate(model, entry, path, problems)
            if parsed is not None:
                out.append((parsed, path, line))
    return out


def _where(root: Path, path: Path, line: int) -> str:
    return f"{path.relative_to(root)}:{line}"


def _build_study(root: Path, m: StudyModel, path: Path, line: int) -> StudyItem:
    pin = None
    if m.date:
        month, _, day = m.date.partition("-")
        pin = Pin(int(month), int(day) if day else None)
    return StudyItem(
        id=m.id,
        title=m.title,
        law=m.law,
        article=m.article,
        text=m.text,
        explanation=m.explanation,
        case=m.case or None,
        audience=roles_of(m.audience),
        tags=tuple(m.tags),
        pin=pin,
        source=_where(root, path, line),
    )


def _build_quiz(
    root: Path, m: QuizModel, path: Path, line: int, problems: _Problems
) -> QuizQuestion | None:
    qtype = QuestionType(m.type)
    if qtype is QuestionType.JUDGE:
        if m.options:
            problems.add(path, line, m.id, "options", "判断题不写选项（固定为 对/错）")
            return None
        mapping = {"对": 0, "正确": 0, "√": 0, "错": 1, "错误": 1, "×": 1}
        if m.answer not in mapping:
            problems.add(path, line, m.id, "answer", "判断题的答案应为 对 或 错")
            return None
        options: tuple[str, ...] = JUDGE_OPTIONS
        answer = frozenset({mapping[m.answer]})
    else:
        options = tuple(m.options)
        if not 2 <= len(options) <= 6:
            problems.add(path, line, m.id, "options", "选择题应有 2–6 个选项")
            return None
        if len(set(options)) != len(options):
            problems.add(path, line, m.id, "options", "选项有重复")
            return None
        letters = m.answer.upper().replace(",", "").replace("，", "").replace(" ", "")
        valid = LETTERS[: len(options)]
        if not letters or any(c not in valid for c in letters) or len(set(letters)) != len(letters):
            problems.add(path, line, m.id, "answer", f"答案应是 {valid[0]}–{valid[-1]} 中的字母")
            return None
        if qtype is QuestionType.SINGLE and len(letters) != 1:
            problems.add(path, line, m.id, "answer", "单选题只能有一个答案")
            return None
        if qtype is QuestionType.MULTIPLE and len(letters) < 2:
            problems.add(path, line, m.id, "answer", "多选题至少有两个答案")
            return None
        answer = frozenset(valid.index(c) for c in letters)
    return QuizQuestion(
        id=m.id,
        type=qtype,
        question=m.question,
        options=options,
        answer=answer,
        explanation=m.explanation,
        reference=m.reference,
        tags=tuple(m.tags),
        difficulty=m.difficulty,
        audience=roles_of(m.audience),
        source=_where(root, path, line),
    )


def _load_laws(root: Path, problems: _Problems) -> tuple[Law, ...]:
    path = root / "laws.yaml"
    if not path.exists():
        problems.add(path, 1, None, "-", "缺少 laws.yaml（内容库认识的法律清单）")
        return ()
    laws = []
    for entry in _entries(path, problems):
        m = _validate(LawModel, entry, path, problems)
        if m:
            laws.append(Law(m.name, m.short, m.version))
    return tuple(laws)


def _load_synonyms(root: Path, problems: _Problems) -> tuple[tuple[str, ...], ...]:
    """All groups from faq/synonyms*.yaml, in file order (first word: the legal term)."""
    groups = []
    for path in sorted((root / "faq").glob(SYNONYMS_GLOB)):
        try:
            data = load_yaml(path)
        except YamlProblem as e:
            problems.add(path, e.line, None, "-", e.reason)
            continue
        for i, group in enumerate(data or [], start=1):
            words = [str(w).strip() for w in group] if isinstance(group, list) else []
            if len(words) < 2 or any(not w for w in words):
                problems.add(path, 1, None, f"第{i}组", "每组至少两个词，且不能为空")
                continue
            groups.append(tuple(words))
    return tuple(groups)


def load_library(root: Path) -> Library:
    """Load everything under `root`; raise ContentError listing every problem found."""
    problems = _Problems(root)
    if not root.is_dir():
        raise ContentError([f"{root}: 内容目录不存在"])
    laws = _load_laws(root, problems)
    law_names = {law.name for law in laws}
    study_raw = _load_kind(root, "study", StudyModel, problems)
    quiz_raw = _load_kind(root, "quiz", QuizModel, problems)
    faq_raw = _load_kind(root, "faq", FaqModel, problems, skip=_not_faq)
    outside_raw = _load_kind(
        root, "faq", OutsideModel, problems, skip=lambda p: not p.match(OUTSIDE_GLOB)
    )
    synonyms = _load_synonyms(root, problems)

    seen: dict[str, str] = {}
    located: list[tuple[str, Path, int]] = [
        *((m.id, p, n) for m, p, n in study_raw),
        *((m.id, p, n) for m, p, n in quiz_raw),
        *((m.id, p, n) for m, p, n in faq_raw),
        *((m.id, p, n) for m, p, n in outside_raw),
    ]
    for item_id, path, line in located:
        if item_id in seen:
            problems.add(path, line, item_id, "id", f"编号重复（{seen[item_id]} 已使用）")
        else:
            seen[item_id] = _where(root, path, line)

    study = []
    for sm, path, line in study_raw:
        if sm.law not in law_names:
            problems.add(path, line, sm.id, "law", f"laws.yaml 里没有这部法律: {sm.law}")
        study.append(_build_study(root, sm, path, line))
    study_tags = {t for item in study for t in item.tags}
    _check_pins(root, study, problems)

    quiz = []
    unlinked = []
    for qm, path, line in quiz_raw:
        if qm.reference is not None:
            _check_citation(qm.reference, law_names, path, line, qm.id, "reference", problems)
        if not set(qm.tags) & study_tags:
            unlinked.append(qm.id)
        built = _build_quiz(root, qm, path, line, problems)
        if built:
            quiz.append(built)

    faq = []
    for fm, path, line in faq_raw:
        for ref in fm.references:
            _check_citation(ref, law_names, path, line, fm.id, "references", problems)
        faq.append(
            FaqEntry(
                id=fm.id,
                question=fm.question,
                alternates=tuple(fm.alternates),
                answer=fm.answer,
                references=tuple(fm.references),
                tags=tuple(fm.tags),
                keywords=tuple(fm.keywords),
                source=_where(root, path, line),
            )
        )
    exams = _load_exams(root, quiz, laws, problems)
    if problems.items:
        raise ContentError(problems.items)
    return Library(
        laws=laws,
        study=tuple(study),
        quiz=tuple(quiz),
        faq=tuple(faq),
        synonyms=synonyms,
        outside=tuple(
            OutsideTopic(m.id, m.topic, tuple(m.phrasings), m.where or None, m.chat)
            for m, _, _ in outside_raw
        ),
        unlinked_quiz=tuple(unlinked),
        exams=exams,
    )


def _check_citation(
    ref: str,
    law_names: set[str],
    path: Path,
    line: int,
    item_id: str,
    field: str,
    problems: _Problems,
) -> None:
    law, _ = parse_citation(ref)
    if law not in law_names:
        problems.add(path, line, item_id, field, f"laws.yaml 里没有这部法律: {law}")


def _check_pins(root: Path, study: list[StudyItem], problems: _Problems) -> None:
    by_day: dict[tuple[str, int, int], list[StudyItem]] = defaultdict(list)
    for item in study:
        if item.pin and item.pin.day:
            for track in item.tracks:
                by_day[(track.value, item.pin.month, item.pin.day)].append(item)
    for (_track, month, day), items in by_day.items():
        for extra in items[1:]:
            path_text, _, line = extra.source.rpartition(":")
            problems.add(
                root / path_text,
                int(line),
                extra.id,
                "date",
                f"{month:02d}-{day:02d} 已有 {items[0].id} 固定在这一天（每条学习线每天只能固定一条）",
            )


def _load_exams(
    root: Path, quiz: list[QuizQuestion], laws: tuple[Law, ...], problems: _Problems
) -> tuple[Exam, ...]:
    full_names = {law.short: law.name for law in laws} | {law.name: law.name for law in laws}
    exams = []
    seen: set[str] = set()
    for m, path, line in _load_kind(root, "exams", ExamModel, problems):
        if m.id in seen:
            problems.add(path, line, m.id, "id", "考试编号重复")
        seen.add(m.id)
        counts = tuple((QuestionType(k), n) for k, n in sorted(m.questions.items()) if n)
        audience = roles_of(m.audience)
        cited = frozenset(full_names.get(name, name) for name in m.laws)
        for name in cited - set(full_names.values()):
            problems.add(path, line, m.id, "laws", f"laws.yaml 里没有这部法律: {name}")
        exam = Exam(
            id=m.id,
            title=m.title,
            counts=counts,
            tags=frozenset(m.tags),
            laws=cited,
            time_limit_minutes=m.time_limit_minutes,
            pass_score=m.pass_score,
            audience=audience,
            units=frozenset(m.units),
            opens=parse_local(m.opens) if m.opens else None,
            closes=parse_local(m.closes) if m.closes else None,
            attempts=m.attempts,
            source=_where(root, path, line),
        )
        for qtype, wanted in counts:
            pool = [q for q in quiz if q.type is qtype and exam.admits(q) and q.audience & audience]
            if len(pool) < wanted:
                problems.add(
                    path,
                    line,
                    m.id,
                    "questions",
                    f"{qtype.value} 只有 {len(pool)} 道符合条件的题，不够 {wanted} 道",
                )
        if exam.opens and exam.closes and exam.closes <= exam.opens:
            problems.add(path, line, m.id, "closes", "结束时间应晚于开始时间")
        exams.append(exam)
    return tuple(exams)
