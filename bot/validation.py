"""Chinese wording for pydantic validation errors (config and content share it)."""

from __future__ import annotations

from typing import Any

_ERROR_WORDS = {
    "extra_forbidden": "不认识的字段（拼写错了？）",
    "missing": "缺少这一项",
    "string_too_long": "太长了（最多 {max_length} 字）",
    "string_too_short": "不能为空",
    "too_short": "太少了（至少 {min_length} 项）",
    "too_long": "太多了（最多 {max_length} 项）",
    "string_pattern_mismatch": "格式不对（只能用小写字母、数字和 -）",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "date_parsing": "应为日期，例如 2026-10-01",
    "date_from_datetime_parsing": "应为日期，例如 2026-10-01",
    "date_type": "应为日期，例如 2026-10-01",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "model_type": "应为一组键值",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "time_type": "应为 HH:MM 格式的时间",
}


def error_words(error: Any) -> str:
    """One pydantic error dict → a short Chinese reason."""
    kind = error.get("type", "")
    if kind in _ERROR_WORDS:
        try:
            return _ERROR_WORDS[kind].format(**error.get("ctx", {}))
        except (KeyError, IndexError):
            return _ERROR_WORDS[kind]
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")
