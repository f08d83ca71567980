"""The `legalbot` command as a user runs it (subprocesses, real files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import FIXTURE_CONTENT
from tests.rosters import SMALL, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:AAHsecret-token-value-that-must-never-leak"


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LEGALBOT_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=full_env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def _config(tmp_path: Path, content: Path = FIXTURE_CONTENT) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database: {tmp_path / 'bot.sqlite3'}\ncontent_dir: {content}\n"
        "telegram:\n  bot_username: legal_study_bot\n",
        encoding="utf-8",
    )
    return path


def test_run_without_token_names_the_variable(tmp_path: Path) -> None:
    result = run("run", "--config", str(_config(tmp_path)), cwd=tmp_path)
    assert result.returncode == 2
    assert "LEGALBOT_TOKEN" in result.stderr


def test_bad_config_names_key_and_hides_token(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("study:\n  push_time: 25:00\n", encoding="utf-8")
    result = run("run", "--config", str(path), cwd=tmp_path, env={"LEGALBOT_TOKEN": TOKEN})
    assert result.returncode == 2
    assert "study.push_time" in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_config_from_environment_variable(tmp_path: Path) -> None:
    result = run("db", "migrate", cwd=tmp_path, env={"LEGALBOT_CONFIG": str(_config(tmp_path))})
    assert result.returncode == 0, result.stderr
    assert "版本 0 → " in result.stdout
    assert (tmp_path / "bot.sqlite3").exists()


def test_check_content_ok_and_broken(tmp_path: Path) -> None:
    ok = run("check-content", str(FIXTURE_CONTENT), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "学习内容 study: 7" in ok.stdout and "测验题 quiz: 4" in ok.stdout
    broken = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, broken)
    quiz = broken / "quiz" / "q.yaml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("answer: B", "answer: Z"), "utf-8")
    bad = run("check-content", str(broken), cwd=tmp_path)
    assert bad.returncode == 1
    assert "quiz/q.yaml:1: q-1: answer:" in bad.stdout


def test_roster_import_codes_and_plan(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    roster = write_xlsx(tmp_path / "名单.xlsx", SMALL)
    first = run("roster", "import", str(roster), "--config", config, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "新增 5 人" in first.stdout
    again = run("roster", "import", str(roster), "--config", config, cwd=tmp_path)
    assert "新增 0 人" in again.stdout and "未变 5 人" in again.stdout
    bad = write_xlsx(tmp_path / "bad.xlsx", [("张三", "王家村", "村长", "")])
    failed = run("roster", "import", str(bad), "--config", config, cwd=tmp_path)
    assert failed.returncode == 1 and "第 2 行" in failed.stdout
    out = tmp_path / "codes.csv"
    codes = run("roster", "codes", "--out", str(out), "--config", config, cwd=tmp_path)
    assert codes.returncode == 0, codes.stderr
    assert out.read_text(encoding="utf-8-sig").count("https://t.me/legal_study_bot?start=") == 5
    plan = run("plan", "--days", "7", "--config", config, cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert "干部学习线" in plan.stdout and "[c-1]" in plan.stdout


@pytest.mark.parametrize(
    "command",
    [["run"], ["check-content"], ["plan"], ["roster", "import"], ["roster", "codes"],
     ["db", "migrate"], ["quiz", "import"], ["session", "new"], ["attendance", "import"]],
)  # fmt: skip
def test_every_subcommand_has_help_and_config(command: list[str], tmp_path: Path) -> None:
    result = run(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "--config" in result.stdout


def test_quiz_import_writes_a_loadable_file(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    bank = write_xlsx(
        tmp_path / "题库.xlsx",
        [("单选", "村委会每届任期几年？", "三年", "五年", "", "B", "", "《村民委员会组织法》第11条"),
         ("判断", "调解不收费。", "", "", "", "对", "人民调解不收费。", "")],
        ("题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "出处"),
    )  # fmt: skip
    out = content / "quiz" / "bank.yaml"
    ok = run(
        "quiz", "import", str(bank), "--out", str(out), "--content", str(content), cwd=tmp_path
    )
    assert ok.returncode == 0, ok.stderr
    assert "已导入 2 道题" in ok.stdout and "内容库检查通过" in ok.stdout
    assert "村委会每届任期几年" in out.read_text(encoding="utf-8")
    broken = write_xlsx(tmp_path / "坏.xlsx", [("单选", "题？", "甲", "乙", "E")],
                        ("题型", "题干", "选项A", "选项B", "答案"))  # fmt: skip
    bad = run("quiz", "import", str(broken), "--out", str(tmp_path / "x.yaml"),
              "--content", str(content), cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 1 and "第 2 行" in bad.stdout
    assert not (tmp_path / "x.yaml").exists()


def test_session_new_and_sheet_import(tmp_path: Path) -> None:
    config = str(_config(tmp_path))
    assert run("roster", "import", str(write_xlsx(tmp_path / "r.xlsx", SMALL)), "--config", config,
               cwd=tmp_path).returncode == 0  # fmt: skip
    qr = tmp_path / "qr.png"
    made = run("session", "new", "--title", "中心组学法（民法典）", "--kind", "中心组学法",
               "--start", "2026-12-05 09:00", "--hours", "2", "--place", "三楼会议室",
               "--units", "镇党政办,镇司法所", "--qr", str(qr), "--config", config, cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "培训编号 session id: 1" in made.stdout and "签到码 check-in code: " in made.stdout
    assert "https://t.me/legal_study_bot?start=checkin_" in made.stdout
    assert qr.read_bytes().startswith(b"\x89PNG")
    bad_kind = run("session", "new", "--title", "x", "--kind", "跳舞", "--start", "2026-12-05 09:00",
                   "--hours", "1", "--config", config, cwd=tmp_path)  # fmt: skip
    assert bad_kind.returncode == 1 and "培训类型应为" in bad_kind.stderr
    bad_unit = run("session", "new", "--title", "x", "--kind", "中心组学法", "--start",
                   "2026-12-05 09:00", "--hours", "1", "--units", "火星村", "--config", config,
                   cwd=tmp_path)  # fmt: skip
    assert bad_unit.returncode == 1 and "火星村" in bad_unit.stderr
    sheet = write_xlsx(tmp_path / "签到表.xlsx", [("王五", "镇司法所", "出席"),
                                                  ("赵六", "镇党政办", "请假")], ("姓名", "单位", "状态"))  # fmt: skip
    imported = run("attendance", "import", "1", str(sheet), "--config", config, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "已导入 2 条签到记录" in imported.stdout
