"""YAML loading that remembers where each mapping started, for `file:line` problem reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's 1-based line under LINE_KEY; no implicit dates."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


# Keep "2026-10-01" and "12-04" as text: the schema decides what a date is.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
