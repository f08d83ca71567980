"""Config: defaults, env override, errors that name the key, the token kept secret."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.config import load_config
from bot.domain.errors import ConfigError

TOKEN = "123456:AAHsecret-token-value-that-must-never-leak"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_file_is_optional(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "missing.yaml", required=False, env={})
    assert cfg.timezone == "Asia/Shanghai"
    assert cfg.study.push_time == time(8, 0)
    assert cfg.study.days == (1, 2, 3, 4, 5)
    assert cfg.hours.minutes_per_class_hour == 45
    assert cfg.outbox.rate_per_second == 25
    assert cfg.database == tmp_path / "data" / "legalbot.sqlite3"
    assert cfg.token == ""


def test_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="找不到配置文件"):
        load_config(tmp_path / "nope.yaml", required=True, env={})


def test_env_token_overrides_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "telegram:\n  token: from-file\n")
    assert load_config(path, env={}).token == "from-file"
    assert load_config(path, env={"LEGALBOT_TOKEN": TOKEN}).token == TOKEN


def test_token_never_in_repr_or_errors(tmp_path: Path) -> None:
    path = _write(tmp_path, f"telegram:\n  token: '{TOKEN}'\n")
    cfg = load_config(path, env={})
    assert TOKEN not in repr(cfg) and TOKEN not in str(cfg) and TOKEN not in repr(cfg.telegram)
    bad = _write(tmp_path, f"telegram:\n  token: '{TOKEN}'\n  base_url: ftp://x\n")
    with pytest.raises(ConfigError) as err:
        load_config(bad, env={})
    assert TOKEN not in str(err.value)


def test_errors_name_each_key_and_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "timezone: Mars/Base\n"
        "study:\n  push_time: 8点\n  days: [mon, 周八]\n  skip_dates: [2026-13-01]\n"
        "hours:\n  minutes_per_class_hour: 0\n"
        "telegram:\n  tokn: x\n",
    )
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    text = str(err.value)
    for expected in (
        "timezone: 不认识的时区",
        "study.push_time: 应为 HH:MM",
        "study.days.1: 不认识的星期",
        "study.skip_dates.0: 应为日期",
        "hours.minutes_per_class_hour: 不能小于 1",
        "telegram.tokn: 不认识的字段",
    ):
        assert expected in text, text


def test_times_days_and_dates_are_parsed(tmp_path: Path) -> None:
    # an unquoted 07:30 is read by YAML 1.1 as the number 450; it must still mean 07:30
    path = _write(
        tmp_path,
        "study:\n  push_time: 07:30\n  reminder_time: '20：00'\n  days: [周一, 周三, fri]\n"
        "  skip_dates: [2026-10-01, '2026-10-02']\n",
    )
    cfg = load_config(path, env={})
    assert cfg.study.push_time == time(7, 30)
    assert cfg.study.reminder_time == time(20, 0)
    assert cfg.study.days == (1, 3, 5)
    assert cfg.study.skip_dates == (date(2026, 10, 1), date(2026, 10, 2))


def test_relative_paths_follow_the_config_file(tmp_path: Path) -> None:
    sub = tmp_path / "etc"
    sub.mkdir()
    path = sub / "config.yaml"
    path.write_text("database: db/bot.sqlite3\ncontent_dir: ../content\n", encoding="utf-8")
    cfg = load_config(path, env={})
    assert cfg.database == sub / "db" / "bot.sqlite3"
    assert cfg.content_dir == sub / ".." / "content"


def test_broken_yaml_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "study: [unclosed\n")
    with pytest.raises(ConfigError, match="不是有效的 YAML"):
        load_config(path, env={})


def test_the_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.yaml"
    cfg = load_config(example, env={})
    assert cfg.telegram.base_url.startswith("https://")
    assert cfg.study.push_time == time(8, 0)
