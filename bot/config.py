"""Typed, validated configuration: YAML file + environment (`LEGALBOT_TOKEN`, `LEGALBOT_CONFIG`).

Every problem is reported as a `ConfigError` naming the key and the reason. The bot token is a
`SecretStr`: it never shows in a repr, a log line or an error message.
"""

from __future__ import annotations

import os
import re
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from bot.content.yamlsrc import PlainLoader
from bot.domain.errors import ConfigError
from bot.validation import error_words

TOKEN_ENV = "LEGALBOT_TOKEN"
CONFIG_ENV = "LEGALBOT_CONFIG"
DEFAULT_CONFIG_PATH = "config.yaml"

_WEEKDAYS = {
    "mon": 1,
    "tue": 2,
    "wed": 3,
    "thu": 4,
    "fri": 5,
    "sat": 6,
    "sun": 7,
    "周一": 1,
    "周二": 2,
    "周三": 3,
    "周四": 4,
    "周五": 5,
    "周六": 6,
    "周日": 7,
    "周天": 7,
    "星期一": 1,
    "星期二": 2,
    "星期三": 3,
    "星期四": 4,
    "星期五": 5,
    "星期六": 6,
    "星期日": 7,
}


def _parse_clock_time(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f'应为 HH:MM 格式的时间，例如 "08:00"（收到 {value!r}）')
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d{1,2})[:：](\d{2})\s*", value)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError(f'应为 HH:MM 格式的时间，例如 "08:00"（收到 {value!r}）')
        return time(int(m.group(1)), int(m.group(2)))
    return value


def _parse_weekday(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        if key not in _WEEKDAYS:
            raise ValueError(f"不认识的星期 {value!r}，可写 mon…sun 或 周一…周日")
        return _WEEKDAYS[key]
    return value


ClockTime = Annotated[time, BeforeValidator(_parse_clock_time)]
Weekday = Annotated[int, BeforeValidator(_parse_weekday), Field(ge=1, le=7)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramConfig(_Section):
    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    proxy_url: str | None = None
    admin_ids: tuple[int, ...] = ()
    bot_username: str | None = None
    poll_timeout: int = Field(default=30, ge=0, le=50)
    overall_rate_per_second: float = Field(default=30, gt=0)
    group_per_minute: float = Field(default=20, gt=0)

    @field_validator("base_url", "base_file_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"^https?://", v):
            raise ValueError("应以 http:// 或 https:// 开头")
        return v

    @field_validator("proxy_url")
    @classmethod
    def _proxy(cls, v: str | None) -> str | None:
        if v and not re.match(r"^(https?|socks5h?)://", v):
            raise ValueError("代理地址应以 http://、https:// 或 socks5:// 开头")
        return v or None


class StudyConfig(_Section):
    push_time: ClockTime = time(8, 0)
    days: tuple[Weekday, ...] = (1, 2, 3, 4, 5)
    skip_dates: tuple[date, ...] = ()
    reminder_time: ClockTime | None = None
    minutes_per_item: int = Field(default=10, ge=1, le=240)
    makeup_days: int = Field(default=3, ge=0, le=31)
    pinned_on_any_day: bool = True

    @field_validator("days")
    @classmethod
    def _days(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if not v:
            raise ValueError("至少要有一个学习日")
        return tuple(sorted(set(v)))


class HoursConfig(_Section):
    minutes_per_class_hour: int = Field(default=45, ge=1, le=240)


class QuizConfig(_Section):
    daily_questions: int = Field(default=3, ge=1, le=20)
    answer_window_hours: float = Field(default=24, gt=0, le=24 * 30)


class TrainingConfig(_Section):
    kinds: tuple[str, ...] = (
        "中心组学法",
        "干部职工学习",
        "法律明白人培训",
        "送法进企业",
        "广场咨询",
        "其他培训",
    )
    checkin_before_minutes: int = Field(default=15, ge=0, le=24 * 60)
    checkin_after_minutes: int = Field(default=30, ge=0, le=24 * 60)
    late_grace_minutes: int = Field(default=5, ge=0, le=24 * 60)
    late_credit: float = Field(default=1.0, ge=0, le=1)
    reminder_lead_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)
    code_attempts: int = Field(default=5, ge=1, le=100)
    code_attempt_window_minutes: int = Field(default=10, ge=1, le=24 * 60)

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v or any(not k.strip() or len(k) > 20 for k in v):
            raise ValueError("至少一个培训类型，每个不超过 20 字")
        return v


class FaqConfig(_Section):
    contacts: tuple[str, ...] = (
        "乡镇司法所（工作日上班时间）",
        "村（居）法律顾问",
        "12348 公共法律服务热线",
    )
    threshold: float | None = Field(default=None, ge=0, le=1)


class ReportsConfig(_Section):
    weekly_day: Weekday | None = None  # e.g. mon: a summary of last week to organizers
    weekly_time: ClockTime = time(8, 30)


class OutboxConfig(_Section):
    rate_per_second: float = Field(default=25, gt=0)
    per_chat_interval: float = Field(default=1.0, ge=0)
    group_per_minute: float = Field(default=20, gt=0)
    concurrency: int = Field(default=32, ge=1, le=1024)
    max_attempts: int = Field(default=5, ge=1, le=50)
    backoff_seconds: float = Field(default=2.0, ge=0)
    backoff_max_seconds: float = Field(default=300.0, ge=0)


class Config(_Section):
    telegram: TelegramConfig = TelegramConfig()
    timezone: str = "Asia/Shanghai"
    database: Path = Path("data/legalbot.sqlite3")
    content_dir: Path = Path("content")
    study: StudyConfig = StudyConfig()
    hours: HoursConfig = HoursConfig()
    quiz: QuizConfig = QuizConfig()
    training: TrainingConfig = TrainingConfig()
    faq: FaqConfig = FaqConfig()
    reports: ReportsConfig = ReportsConfig()
    outbox: OutboxConfig = OutboxConfig()
    log_level: str = "INFO"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"不认识的时区 {v!r}，例如 Asia/Shanghai") from None
        return v

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        if v.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("应为 DEBUG、INFO、WARNING 或 ERROR")
        return v.upper()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        return self.telegram.token.get_secret_value()


def _format_error(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(根)"
        lines.append(f"{key}: {error_words(e)}")
    return "配置错误:\n" + "\n".join(lines)


def config_path_from(arg: str | None) -> tuple[Path, bool]:
    """The config path to use, and whether the user named it (so a missing file is an error)."""
    if arg:
        return Path(arg), True
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env), True
    return Path(DEFAULT_CONFIG_PATH), False


def load_config(path: Path, *, required: bool = True, env: dict[str, str] | None = None) -> Config:
    """Read and validate the config; relative paths are taken relative to the config file."""
    env = dict(os.environ) if env is None else env
    raw: dict[str, Any] = {}
    base = path.parent if path.parent != Path("") else Path(".")
    if path.exists():
        try:
            loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=PlainLoader)
        except (yaml.YAMLError, ValueError) as e:
            raise ConfigError(f"配置文件 {path} 不是有效的 YAML: {e}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"配置文件 {path} 的顶层应是键值对")
        raw = loaded
    elif required:
        raise ConfigError(f"找不到配置文件 {path}（可复制 config.example.yaml 为 config.yaml）")
    token = env.get(TOKEN_ENV)
    if token:
        tg = dict(raw.get("telegram") or {})
        tg["token"] = token
        raw = {**raw, "telegram": tg}
    try:
        cfg = Config.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(_format_error(e)) from None
    updates: dict[str, Any] = {}
    if not cfg.database.is_absolute():
        updates["database"] = base / cfg.database
    if not cfg.content_dir.is_absolute():
        updates["content_dir"] = base / cfg.content_dir
    return cfg.model_copy(update=updates)
