"""Content loading and validation: all or nothing, every problem as file:line: id: field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.articles import chinese_to_int, int_to_chinese, parse_articles, parse_citation
from bot.content.loader import load_library
from bot.domain.content import QuestionType
from bot.domain.errors import ContentError
from bot.domain.people import Role, Track
from tests.harness import FIXTURE_CONTENT


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def test_fixture_library_loads_as_domain_objects() -> None:
    lib = load_library(FIXTURE_CONTENT)
    assert [i.id for i in lib.study_for(Track.CADRE)] == ["c-1", "c-2", "c-3", "s-xianfa"]
    pinned = lib.study_item("s-xianfa")
    assert (
        pinned is not None
        and pinned.pin is not None
        and (pinned.pin.month, pinned.pin.day) == (12, 4)
    )
    assert pinned.tracks == frozenset(Track)
    q1, q2, *_ = lib.quiz
    assert q1.type is QuestionType.SINGLE and q1.answer == frozenset({1})
    assert q2.options == ("对", "错") and q2.answer == frozenset({1})
    assert q2.audience == frozenset(Role)
    assert lib.faq[0].alternates == ("说法一", "说法二", "说法三")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as err:
        load_library(root)
    return err.value.problems


def test_every_problem_is_located(library_copy: Path) -> None:
    study = library_copy / "study" / "a-cadre.yaml"
    text = study.read_text(encoding="utf-8")
    text = text.replace("article: 第六条", "article: 第6条")  # c-2 at line 9
    text = text.replace("explanation: 测试解释三。", "explanation: " + "很长" * 101)  # c-3
    study.write_text(text, encoding="utf-8")
    quiz = library_copy / "quiz" / "q.yaml"
    appended_at = len(quiz.read_text(encoding="utf-8").splitlines()) + 1
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("answer: B", "answer: D")
        + "- id: c-1\n  type: judge\n  question: 重复编号\n  answer: 对\n  explanation: x\n"
        "  reference: 《不存在法》第一条\n  tags: [没这个标签]\n  difficulty: 5\n",
        encoding="utf-8",
    )
    problems = _problems(library_copy)
    joined = "\n".join(problems)
    assert "study/a-cadre.yaml:9: c-2: article: 条文号格式不对" in joined
    assert "study/a-cadre.yaml:18: c-3: explanation: 太长了（最多 200 字）" in joined
    assert "quiz/q.yaml:1: q-1: answer: 答案应是 A–C 中的字母" in joined
    assert f"quiz/q.yaml:{appended_at}: c-1: difficulty: 不能大于 3" in joined
    assert len(problems) >= 4


def test_cross_checks(library_copy: Path) -> None:
    (library_copy / "quiz" / "more.yaml").write_text(
        "- id: c-1\n  type: single\n  question: 问\n  options: [甲, 乙]\n  answer: A\n"
        "  explanation: 解\n  reference: 《不存在法》第一条\n  tags: [没这个标签]\n  difficulty: 1\n"
        "- id: q-multi\n  type: multiple\n  question: 问\n  options: [甲, 乙, 丙]\n  answer: B\n"
        "  explanation: 解\n  reference: 《中华人民共和国宪法》第五条\n  tags: [宪法]\n"
        "  difficulty: 1\n",
        encoding="utf-8",
    )
    (library_copy / "study" / "d-pin.yaml").write_text(
        "- id: s-other\n  title: 另一条\n  law: 中华人民共和国宪法\n  article: 第一条\n"
        '  text: 文\n  explanation: 解\n  audience: [干部]\n  tags: [宪法]\n  date: "12-04"\n',
        encoding="utf-8",
    )
    joined = "\n".join(_problems(library_copy))
    assert "quiz/more.yaml:1: c-1: id: 编号重复（study/a-cadre.yaml:1 已使用）" in joined
    assert "quiz/more.yaml:1: c-1: reference: laws.yaml 里没有这部法律: 不存在法" in joined
    assert "quiz/more.yaml:10: q-multi: answer: 多选题至少有两个答案" in joined
    assert "study/d-pin.yaml:1: s-other: date: 12-04 已有 s-xianfa" in joined


def test_unlinked_questions_load_but_are_listed(library_copy: Path) -> None:
    (library_copy / "quiz" / "bank.yaml").write_text(
        "- id: imp-1\n  type: judge\n  question: 导入的题\n  answer: 对\n  explanation: 解\n"
        "  tags: [题库]\n  difficulty: 1\n",
        encoding="utf-8",
    )
    lib = load_library(library_copy)
    assert lib.unlinked_quiz == ("imp-1",)
    assert [q.reference for q in lib.quiz if q.id == "imp-1"] == [None]


def test_yaml_syntax_error_and_wrong_shape(library_copy: Path) -> None:
    (library_copy / "faq" / "broken.yaml").write_text("- id: x\n  question: [未闭合\n", "utf-8")
    (library_copy / "study" / "shape.yaml").write_text("id: not-a-list\n", "utf-8")
    joined = "\n".join(_problems(library_copy))
    assert "faq/broken.yaml:3: -: -: YAML 格式错误" in joined
    assert "study/shape.yaml:1: -: -: 文件顶层应是一个列表" in joined


def test_unknown_fields_and_missing_fields(library_copy: Path) -> None:
    (library_copy / "faq" / "bad.yaml").write_text(
        "- id: faq-bad\n  question: 问\n  alternates: [一, 二]\n  answr: 拼错\n"
        "  references: [《中华人民共和国宪法》第五条]\n  tags: [t]\n",
        "utf-8",
    )
    joined = "\n".join(_problems(library_copy))
    assert "faq/bad.yaml:1: faq-bad: alternates: 太少了（至少 3 项）" in joined
    assert "faq/bad.yaml:1: faq-bad: answer: 缺少这一项" in joined
    assert "faq/bad.yaml:1: faq-bad: answr: 不认识的字段" in joined


@pytest.mark.parametrize(
    ("number", "text"),
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (101, "一百零一"), (110, "一百一十"),
     (1010, "一千零一十"), (1042, "一千零四十二"), (1260, "一千二百六十")],
)  # fmt: skip
def test_article_numerals(number: int, text: str) -> None:
    assert int_to_chinese(number) == text
    assert chinese_to_int(text) == number


def test_article_references() -> None:
    assert [r.number for r in parse_articles("第十条至第十二条")] == [10, 11, 12]
    assert [r.number for r in parse_articles("第三十九条、第四十条")] == [39, 40]
    (ref,) = parse_articles("第十七条之一")
    assert (ref.number, ref.sub) == (17, 1)
    law, (ref,) = parse_citation("《中华人民共和国民法典》第一千零七十九条第三款")
    assert law == "中华人民共和国民法典" and (ref.number, ref.paragraph) == (1079, 3)
    for bad in ("第6条", "第十二条至第十条", "民法典第一条"):
        with pytest.raises(ValueError):
            parse_citation(f"《法》{bad}") if not bad.startswith("民") else parse_citation(bad)
