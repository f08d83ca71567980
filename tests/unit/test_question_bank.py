"""Question-bank import: .xlsx and .csv banks → quiz YAML that the library loader accepts."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook

from bot.content.loader import load_library
from bot.content.schema import QuizModel
from bot.domain.content import Law, QuestionType
from bot.render import fits_poll, quiz_poll
from bot.services.question_bank import (
    citation_from,
    id_prefix_for,
    import_bank,
    law_index,
    read_bank,
    write_bank_yaml,
)
from bot.sheets import read_table
from tests.fakebot import _poll_problem

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "content"
MCQ = Path(__file__).resolve().parents[3] / "shared" / "data" / "disc-law-eval-mcq"
FULL = (
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "出处",
)
MFD = "《中华人民共和国民法典》第一千零四十二条"


@pytest.fixture(scope="module")
def laws() -> tuple[Law, ...]:
    return load_library(FIXTURE).laws


def write_xlsx(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], title: str = ""
) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("题库")
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], encoding: str
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def full_row(kind: str, question: str, options: Sequence[str], answer: str,
             explanation: str = "", source: str = "") -> list[str]:  # fmt: skip
    padded = [*options, *[""] * (6 - len(options))]
    return [kind, question, *padded, answer, explanation, source]


def library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    return root


FOUR = ["借婚姻索取财物", "自由恋爱结婚", "协议离婚", "婚前财产约定"]


def test_xlsx_with_chinese_headers_reads_every_type(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    rows = [
        full_row("单选题", "下列哪种行为是法律明确禁止的？", FOUR, "A", "禁止借婚姻索取财物。", "民法典第1042条"),
        full_row("多选题", "宪法规定的公民基本义务有哪些？", ["依法纳税", "依法服兵役", "出国旅游"], "a、b", "", "《宪法》第56条"),
        full_row("判断题", "禁止借婚姻索取财物。", [], "√", "", "中华人民共和国民法典 第 1042 条"),
        full_row("是非题", "结婚可以由父母包办。", [], "错误"),
        full_row("单项选择", "六个选项的题，正确的是哪一项？", ["一", "二", "三", "四", "五", "六"], "Ｆ", "", "《治安管理处罚法》第26条"),
        full_row("多项选择题", "下列属于近亲属的有？", ["配偶", "同事", "子女", "父母"], "A,C，D"),
    ]  # fmt: skip
    result = read_bank(write_xlsx(tmp_path / "bank.xlsx", FULL, rows), laws, "bank")
    assert result.problems == [] and result.skipped_blank == 0
    q = result.questions
    ids = [str(x["id"]) for x in q]
    assert len(set(ids)) == 6 and all(re.fullmatch(r"bank-[0-9a-f]{8}", i) for i in ids)
    # ids come from the question text: re-ordering the bank keeps every question's id
    again = read_bank(write_xlsx(tmp_path / "bank2.xlsx", FULL, rows[::-1]), laws, "bank")
    assert sorted(str(x["id"]) for x in again.questions) == sorted(ids)
    assert [x["type"] for x in q] == ["single", "multiple", "judge", "judge", "single", "multiple"]
    assert [x["answer"] for x in q] == ["A", "AB", "对", "错", "F", "ACD"]
    assert q[0]["options"] == FOUR and "options" not in q[2]
    assert q[0]["explanation"] == "禁止借婚姻索取财物。" and q[0]["reference"] == MFD
    assert q[1]["reference"] == "《中华人民共和国宪法》第五十六条"
    assert q[1]["explanation"] == "本题答案：AB。（题库未附解析）"
    assert q[2]["reference"] == MFD
    assert "reference" not in q[3] and q[3]["explanation"] == "本题答案：错。（题库未附解析）"
    assert "reference" not in q[4]
    assert q[4]["explanation"] == "本题答案：F。（题库未附解析）出处：《治安管理处罚法》第26条"
    for item in q:
        assert item["tags"] == ["题库"] and item["difficulty"] == 2
        QuizModel.model_validate(item)


@pytest.mark.parametrize(
    ("header", "title"),
    [
        (("试题类型", "题目", "A", "B", "C", "D", "正确答案", "答案解析", "依据", "难度"), ""),
        (("题型", "试题", "A选项", "B选项", "C选项", "D选项", "参考答案", "解析说明", "法律依据", "难度"), "2026年普法考试题库"),
        (("题型", "题目内容", "选项 A", "选项 B", "选项 C", "选项 D", "标准答案*", "解析", "出处", "难易程度"), ""),
    ],
)  # fmt: skip
def test_header_variants(
    tmp_path: Path, laws: tuple[Law, ...], header: tuple[str, ...], title: str
) -> None:
    rows = [
        ["单选", "哪一项是禁止的？", *FOUR, "A", "因为禁止。", "《民法典》第1042条", "易"],
        ["多选", "哪些是义务？", "纳税", "服兵役", "旅游", "", "BA", "", "宪法第55、56条", "3"],
        ["判断", "宪法是根本法。", "", "", "", "", "对", "", "", ""],
    ]
    path = write_xlsx(tmp_path / "v.xlsx", header, rows, title=title)
    result = read_bank(path, laws, "v", difficulty=2)
    assert result.problems == []
    q = result.questions
    assert [x["answer"] for x in q] == ["A", "AB", "对"]
    assert [x["difficulty"] for x in q] == [1, 3, 2]
    assert q[0]["explanation"] == "因为禁止。" and q[0]["reference"] == MFD
    assert q[1]["reference"] == "《中华人民共和国宪法》第五十五条、第五十六条"
    assert q[1]["options"] == ["纳税", "服兵役", "旅游"]


def test_type_is_inferred_without_a_type_column(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    rows = [
        ["哪一项对？", "甲", "乙", "丙", "丁", "B"],
        ["哪些对？", "甲", "乙", "丙", "丁", "ACD"],
        ["这是对的。", "", "", "", "", "对"],
        ["这是错的。", "", "", "", "", "×"],
        ["这也对。", "", "", "", "", "T"],
        ["这也错。", "", "", "", "", "F"],
        ["没有题型列时，对/错选项按单选处理。", "正确", "错误", "", "", "B"],
    ]
    path = write_xlsx(tmp_path / "i.xlsx", ("题干", "A", "B", "C", "D", "答案"), rows)
    result = read_bank(path, laws, "i")
    assert result.problems == []
    got = [(x["type"], x["answer"]) for x in result.questions]
    assert got == [
        ("single", "B"),
        ("multiple", "ACD"),
        ("judge", "对"),
        ("judge", "错"),
        ("judge", "对"),
        ("judge", "错"),
        ("single", "B"),
    ]


def test_answer_letter_outside_four_options_is_reported(
    tmp_path: Path, laws: tuple[Law, ...]
) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", ("题干", "A", "B", "C", "D", "答案"),
                      [["哪一个？", "1", "2", "3", "4", "F"]])  # fmt: skip
    assert read_bank(path, laws, "f").problems == ["第 2 行: 答案 'F' 不在选项中（只有 A–D）"]


def test_judge_with_true_false_options_and_letter_answer(
    tmp_path: Path, laws: tuple[Law, ...]
) -> None:
    rows = [full_row("判断题", "宪法是根本法。", ["正确", "错误"], "A"),
            full_row("判断题", "可以包办婚姻。", ["对", "错"], "B")]  # fmt: skip
    result = read_bank(write_xlsx(tmp_path / "j.xlsx", FULL, rows), laws, "j")
    assert result.problems == []
    assert [(x["answer"], "options" in x) for x in result.questions] == [
        ("对", False),
        ("错", False),
    ]


def test_option_letter_labels_are_removed(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    rows = [full_row("单选", "哪一年？", ["A. 1949年", "B、1954年", "C：1978年", "D)1982年"], "B"),
            full_row("单选", "哪一个？", ["A、B两人共有", "仅 B", "仅 C"], "A")]  # fmt: skip
    q = read_bank(write_xlsx(tmp_path / "l.xlsx", FULL, rows), laws, "l").questions
    assert q[0]["options"] == ["1949年", "1954年", "1978年", "1982年"]
    assert q[1]["options"] == ["A、B两人共有", "仅 B", "仅 C"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_in_gbk_and_utf8(tmp_path: Path, laws: tuple[Law, ...], encoding: str) -> None:
    header = ("题型", "题目", "选项A", "选项B", "选项C", "正确答案", "答案解析", "法律依据")
    rows = [
        ("单选题", "甲、乙、丙三人中，谁有权继承？", "甲", "乙", "丙", "C", "丙是配偶，有权继承。", "民法典 第1127条"),
        ("判断题", "村民委员会是基层群众性自治组织。", "", "", "", "√", "", "《宪法》第111条"),
        ("多选题", "下列说法，正确的有？", "说法一", "说法二", "说法三", "A、B", "", ""),
    ]  # fmt: skip
    path = write_csv(tmp_path / "bank.csv", header, rows, encoding)
    result = read_bank(path, laws, "g")
    assert result.problems == []
    q = result.questions
    assert q[0]["question"] == "甲、乙、丙三人中，谁有权继承？"
    assert q[0]["reference"] == "《中华人民共和国民法典》第一千一百二十七条"
    assert (q[1]["answer"], q[1]["reference"]) == ("对", "《中华人民共和国宪法》第一百一十一条")
    assert (q[2]["type"], q[2]["answer"]) == ("multiple", "AB")


def test_benchmark_csv_layout(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    header = ("input", "output", "A", "B", "C", "D", "source", "multichoice")
    rows = [
        ("我国现行宪法是哪一年通过的？\n", "D", "1949年", "1954年", "1975年", "1982年", "made up", "False"),
        ("根据合同法律制度的规定，下列\n说法中正确的有哪些？", "BD", "说法一", "说法二", "说法三", "说法四", "made up", "True"),
    ]  # fmt: skip
    result = read_bank(write_csv(tmp_path / "m.csv", header, rows, "utf-8"), laws, "m")
    assert result.problems == []
    q = result.questions
    assert q[0]["question"] == "我国现行宪法是哪一年通过的？"
    assert q[1]["question"] == "根据合同法律制度的规定，下列说法中正确的有哪些？"
    assert [(x["type"], x["answer"]) for x in q] == [("single", "D"), ("multiple", "BD")]
    assert all("出处" not in str(x["explanation"]) for x in q)  # `source` is not a 出处


@pytest.mark.parametrize(
    ("source", "citation"),
    [
        ("民法典第1042条", MFD),
        ("《民法典》第1042条", MFD),
        ("《中华人民共和国民法典》第一千零四十二条", MFD),
        ("民法典１０４２条的规定。", MFD),
        ("民法典第1042条第2款", "《中华人民共和国民法典》第一千零四十二条第二款"),
        ("《宪法》第10-12条", "《中华人民共和国宪法》第十条至第十二条"),
        ("宪法第10、12条", "《中华人民共和国宪法》第十条、第十二条"),
        ("《宪法》第十条至十二条", "《中华人民共和国宪法》第十条至第十二条"),
        ("《治安管理处罚法》第26条", None),
        ("民法典第1042条、宪法第5条", None),
        ("民法典第1042条第1项", None),
        ("民法典第0条", None),
        ("民法典婚姻家庭编", None),
        ("2018 national judicial examination", None),
    ],
)
def test_citations(laws: tuple[Law, ...], source: str, citation: str | None) -> None:
    assert citation_from(source, law_index(laws)) == citation


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(
    tmp_path: Path, laws: tuple[Law, ...]
) -> None:
    rows = [
        full_row("单选", "好的题？", FOUR, "A"),  # row 2
        full_row("单选", "答案超出选项？", FOUR, "E"),
        full_row("单选", "", FOUR, "A"),
        full_row("单选", "两个答案？", FOUR, "AB"),
        [""] * len(FULL),  # row 6: blank, skipped
        full_row("单选", "缺了选项 C？", ["甲", "乙", "", "丁"], "A"),
        full_row("填空题", "不认识的题型？", FOUR, "A"),
        full_row("单选", "选项太长？", ["短", "长" * 301], "A"),
        full_row("单选", "问" * 1001, FOUR, "A"),
        full_row("多选", "只有一个答案的多选题？", FOUR, "A"),
        full_row("单选", "重复的选项？", ["甲", "乙", "甲"], "A"),
        full_row("判断", "判断题的答案是字母？", [], "A"),
        full_row("单选", "没有答案？", FOUR, ""),
        full_row("单选", "看不懂的答案？", FOUR, "第一个"),
    ]
    out = tmp_path / "quiz" / "bad.yaml"
    result = import_bank(write_xlsx(tmp_path / "bad.xlsx", FULL, rows), out, laws)
    assert result.problems == [
        "第 3 行: 答案 'E' 不在选项中（只有 A–D）",
        "第 4 行: 题干为空",
        "第 5 行: 单选题只能有一个答案（收到 'AB'）",
        "第 7 行: 选项 C 为空，但后面还有选项 D（选项要从 A 起连续填写）",
        "第 8 行: 题型 '填空题' 不认识（可填 单选、多选、判断）",
        "第 9 行: 选项 B 太长（301 字，最多 300 字）",
        "第 10 行: 题干太长（1001 字，最多 1000 字）",
        "第 11 行: 多选题至少要有两个答案（收到 'A'）",
        "第 12 行: 选项 C 与选项 A 相同",
        "第 13 行: 判断题的答案应是 对 或 错（收到 'A'）",
        "第 14 行: 答案为空",
        "第 15 行: 答案 '第一个' 看不懂（应是选项字母，如 A 或 ACD）",
    ]
    assert result.skipped_blank == 1 and len(result.questions) == 1
    assert not out.exists() and not out.parent.exists()


def test_bad_difficulty_and_missing_header(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    path = write_xlsx(
        tmp_path / "d.xlsx", ("题干", "答案", "难度"), [["宪法是根本法。", "对", "超难"]]
    )
    assert read_bank(path, laws, "d").problems == [
        "第 2 行: 难度 '超难' 不认识（可填 1、2、3 或 易、中、难）"
    ]
    path = write_xlsx(tmp_path / "h.xlsx", ("题干", "选项A", "选项B"), [["哪个？", "甲", "乙"]])
    (problem,) = read_bank(path, laws, "h").problems
    assert problem.startswith("第 1 行: 找不到表头")
    path = write_xlsx(tmp_path / "c.xlsx", ("题干", "选项", "答案"), [["哪个？", "A.甲 B.乙", "A"]])
    (problem,) = read_bank(path, laws, "c").problems
    assert "选项需要分列填写" in problem
    path = write_xlsx(tmp_path / "e.xlsx", ("题干", "答案"), [])
    assert read_bank(path, laws, "e").problems == ["文件里没有题目"]


def test_long_explanation_is_cut_at_a_sentence_end(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    long = "".join(f"这是第{i}句比较长的解析内容。" for i in range(40))
    rows = [full_row("单选", "哪一个？", FOUR, "A", long),
            full_row("单选", "哪一个？", FOUR, "A", long, "《某某条例》第3条")]  # fmt: skip
    q = read_bank(write_xlsx(tmp_path / "x.xlsx", FULL, rows), laws, "x").questions
    first, second = (str(x["explanation"]) for x in q)
    assert len(first) <= 300 and first.endswith("。…") and long.startswith(first[:-1])
    assert len(second) <= 300 and second.endswith("…出处：《某某条例》第3条")
    assert long.startswith(second.split("…")[0])


def test_written_yaml_loads_in_the_library(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    rows = [
        full_row("单选", "下列哪种行为是禁止的？", FOUR, "a", "禁止借婚姻索取财物。", "民法典第1042条"),
        full_row("多选", "下列说法正确的有：\n①说法一\n②说法二", ["①", "②", "①②"], "BC", "", "宪法第5条"),
        full_row("判断", "宪法是国家的根本法。", [], "正确", "", "《宪法》序言"),
        full_row("单选", "yes 还是 no？", ["yes", "no", "1954", "2020-05-28"], "C"),
    ]  # fmt: skip
    root = library_copy(tmp_path)
    before = len(load_library(root).quiz)
    out = root / "quiz" / "Bank_2026.yaml"
    result = import_bank(write_xlsx(tmp_path / "b.xlsx", FULL, rows), out, laws)
    assert result.ok and id_prefix_for(out) == "bank-2026"
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data[0]["answer"] == "A" and data[3]["options"][2] == "1954"
    assert "question: |-\n" in out.read_text(encoding="utf-8")  # block style, readable
    library = load_library(root)
    imported = {q.id: q for q in library.quiz if q.id.startswith("bank-2026-")}
    assert len(library.quiz) == before + 4 and len(imported) == 4
    single, multiple, judge, numbers = imported.values()
    assert single.type is QuestionType.SINGLE and single.answer == frozenset({0})
    assert single.reference == MFD
    assert multiple.answer == frozenset({1, 2}) and multiple.question.count("\n") == 2
    assert judge.options == ("对", "错") and judge.answer == frozenset({0})
    assert judge.reference is None and judge.explanation.endswith("出处：《宪法》序言")
    assert numbers.options == ("yes", "no", "1954", "2020-05-28")
    assert set(library.unlinked_quiz) >= set(imported)  # tag 题库 is not a study tag


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("content/quiz/mcq_sing_lbk.yaml", "mcq-sing-lbk"),
        ("普法题库.yaml", "bank"),
        ("Bank 2026.yaml", "bank-2026"),
        ("--x--.yaml", "x"),
        ("a" * 60 + ".yaml", "a" * 40),
    ],
)
def test_id_prefix_for(name: str, prefix: str) -> None:
    assert id_prefix_for(Path(name)) == prefix


def test_write_is_atomic_and_counts(tmp_path: Path) -> None:
    item = {"id": "w-0001", "type": "judge", "question": "对吗？", "answer": "对",
            "explanation": "对。", "tags": ["题库"], "difficulty": 2}  # fmt: skip
    out = tmp_path / "deep" / "w.yaml"
    assert write_bank_yaml([item], out) == 1
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == [item]
    assert [p.name for p in out.parent.iterdir()] == ["w.yaml"]


def _poll_params(question: Any) -> dict[str, Any]:
    poll = quiz_poll(question)
    return {
        "question": poll.question,
        "options": [{"text": o} for o in poll.options],
        "type": "quiz",
        "correct_option_ids": list(poll.correct),
        "explanation": poll.explanation,
    }


@pytest.mark.skipif(not MCQ.is_dir(), reason="shared exam data (disc-law-eval-mcq) not present")
def test_real_exam_csvs_import_or_are_reported(tmp_path: Path, laws: tuple[Law, ...]) -> None:
    root = library_copy(tmp_path)
    before = len(load_library(root).quiz)
    total = imported = reported = 0
    prefixes = []
    for path in sorted(MCQ.glob("*.csv")):
        rows = len(read_table(path)) - 1
        prefix = id_prefix_for(path)
        result = read_bank(path, laws, prefix)
        assert len(result.questions) + len(result.problems) + result.skipped_blank == rows
        assert all(p.startswith("第 ") and " 行: " in p for p in result.problems)
        write_bank_yaml(result.questions, root / "quiz" / f"{prefix}.yaml", source=path.name)
        total += rows
        imported += len(result.questions)
        reported += len(result.problems)
        prefixes.append(prefix + "-")
    library = load_library(root)
    bank = [q for q in library.quiz if q.id.startswith(tuple(prefixes))]
    assert len(library.quiz) == before + imported == before + len(bank)
    fitting = [q for q in bank if fits_poll(q)]
    problems = {q.id: _poll_problem(_poll_params(q)) for q in fitting}
    assert {k: v for k, v in problems.items() if v is not None} == {}
    assert imported >= 0.95 * total
    print(
        f"\n真实题库: {total} 行，导入 {imported}，报告 {reported}，可作原生测验投票 {len(fitting)}"
    )
