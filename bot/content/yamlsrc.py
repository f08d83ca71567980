"""YAML loading that remembers where each mapping started, for `file:line` problem reports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class PlainLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (the schema decides what a date is)."""


class _LineLoader(PlainLoader):
    """SafeLoader that records each mapping's 1-based line under LINE_KEY; no implicit dates."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


# Keep "2026-10-01", "12-04" and "08:00" as text: the schema decides what a date or a time
# is. (YAML 1.1 would read an unquoted 08:00 as the base-60 number 480.)
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.X,
)
PlainLoader.yaml_implicit_resolvers = {}
for _first, _resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items():
    for _tag, _rx in _resolvers:
        if _tag == "tag:yaml.org,2002:timestamp":
            continue
        if _tag == "tag:yaml.org,2002:int":
            _rx = _INT
        elif _tag == "tag:yaml.org,2002:float":
            _rx = _FLOAT
        PlainLoader.yaml_implicit_resolvers.setdefault(_first, []).append((_tag, _rx))


class YamlProblem(Exception):
    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"{line}: {reason}")


def load_yaml(path: Path) -> Any:
    """Parse one file; a syntax error becomes YamlProblem with the line it happened on."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlProblem(1, "文件不是 UTF-8 编码") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as e:
        line = (e.problem_mark.line + 1) if e.problem_mark else 1
        raise YamlProblem(line, f"YAML 格式错误: {e.problem}") from None
    except yaml.YAMLError as e:
        raise YamlProblem(1, f"YAML 格式错误: {e}") from None
