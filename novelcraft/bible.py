"""Story Bible YAML: strict import with file:line errors, canonical export (DESIGN §4).

Import composes the YAML node tree first so every key keeps its line, then validates with the
pydantic models; an error names the file, the line and the field path. Export writes the
canonical form: keys in model order, block style, no aliases, unicode kept, empty optional
fields omitted, one trailing newline. For a canonical file F, export(import(F)) == F.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from novelcraft.errors import BadInput, NotFound
from novelcraft.field_problems import problem_text
from novelcraft.models import Bible
from novelcraft.parse_problems import yaml_problem

Path_ = tuple[str | int, ...]

# A bible larger than this is not a bible (the dashboard upload uses the same limit).
MAX_BIBLE_BYTES = 2 * 1024 * 1024
# The canonical bible nests five levels (characters > [i] > speech_style > endings > [j]).
MAX_BIBLE_DEPTH = 20

_OPENS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSES = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


_PLAIN_KEY = re.compile(r"^[\w-]{1,60}$")


def shown(value: object, limit: int = 60) -> str:
    """A value from someone else's file, safe to put in a one-line message: short, and quoted
    when it holds anything but letters, digits, `_` and `-` (a newline, say)."""
    text = value if isinstance(value, str) else repr(value)
    if _PLAIN_KEY.match(text):
        return text
    cut = repr(text[:limit])
    return cut + ("…" if len(text) > limit else "")


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shown(part)}" if out else shown(part)
    return out or "(root)"


def check_yaml_shape(text: str, source: str, max_depth: int = MAX_BIBLE_DEPTH) -> None:
    """Refuse anchors, aliases and deep nesting while only *parsing* (PyYAML's parser keeps a
    state stack, not recursion): alias expansion and the recursive composer never run on a
    file that would make them explode (a 582-byte alias bomb, a 20,000-deep list)."""
    loader = yaml.SafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent):
                raise BadInput(f"{source}:{line}: YAML 별칭(*{event.anchor})은 쓸 수 없습니다")
            if getattr(event, "anchor", None) is not None:
                raise BadInput(f"{source}:{line}: YAML 앵커(&{event.anchor})는 쓸 수 없습니다")
            if isinstance(event, _OPENS):
                depth += 1
                if depth > max_depth:
                    raise BadInput(f"{source}:{line}: 중첩이 {max_depth}단계보다 깊습니다")
            elif isinstance(event, _CLOSES):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise BadInput(
            f"{where}: YAML 형식이 잘못되었습니다: {yaml_problem(exc.problem or exc.context)}"
        ) from None
    except yaml.YAMLError as exc:
        problem = yaml_problem(str(exc))
        raise BadInput(f"{source}: YAML 형식이 잘못되었습니다: {problem}") from None
    finally:
        loader.dispose()


class _Located:
    """YAML data plus the line of every key and list item, addressed by path."""

    def __init__(self, source: str, text: str):
        self.source = source
        self.lines: dict[Path_, int] = {}
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise BadInput(f"{source}: 바이블이 비어 있습니다")
            self._index(node, ())
            self.data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{source}:{mark.line + 1}" if mark else source
            problem = yaml_problem(exc.problem or exc.context)
            raise BadInput(f"{where}: YAML 형식이 잘못되었습니다: {problem}") from None
        except yaml.YAMLError as exc:
            raise BadInput(
                f"{source}: YAML 형식이 잘못되었습니다: {yaml_problem(str(exc))}"
            ) from None
        finally:
            loader.dispose()

    def _index(self, node: yaml.Node, path: Path_) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise BadInput(
                        f"{self.source}:{line}: {format_path((*path, key))}: 키가 중복됩니다 "
                        f"(처음 나온 줄 {seen[key]})"
                    )
                seen[key] = line
                self.lines[(*path, key)] = line
                self._index(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, (*path, i))

    def line_of(self, path: Path_) -> int:
        """The line of the deepest part of `path` the file has (a missing key: its parent)."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return 1

    def fail(self, path: Path_, message: str) -> BadInput:
        return BadInput(f"{self.source}:{self.line_of(path)}: {format_path(path)}: {message}")


def _pydantic_message(err: dict) -> str:
    return problem_text(err)


def parse_bible(text: str, source: str = "<bible>") -> Bible:
    """Validate bible YAML text; raise BadInput naming source:line: field on any problem."""
    if not text.strip():
        raise BadInput(f"{source}: 바이블이 비어 있습니다")
    if len(text) > MAX_BIBLE_BYTES:
        raise BadInput(f"{source}: {len(text):,}자는 바이블로 보기에 너무 큽니다")
    check_yaml_shape(text, source)
    located = _Located(source, text)
    if not isinstance(located.data, dict):
        kind = type(located.data).__name__
        raise BadInput(f"{source}:1: 바이블은 키와 값의 묶음(mapping)이어야 합니다 ({kind}이 아님)")
    try:
        bible = Bible.model_validate(located.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise located.fail(tuple(err["loc"]), _pydantic_message(err)) from None
    problems = bible.problems()
    if problems:
        path, message = problems[0]
        raise located.fail(path, message)
    return bible


def read_bible_file(path: Path | str) -> Bible:
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: 파일이 없습니다")
    if path.is_dir():
        raise BadInput(f"{path}: 바이블 파일이 아니라 폴더입니다")
    data = path.read_bytes()
    if len(data) > MAX_BIBLE_BYTES:
        raise BadInput(f"{path}: {len(data):,}바이트는 바이블로 보기에 너무 큽니다")
    return parse_bible(decode_text(data, str(path)), str(path))


def decode_text(data: bytes, source: str) -> str:
    """Strict UTF-8 (a BOM is allowed); the error names the line of the first bad byte."""
    if b"\x00" in data:
        raise BadInput(f"{source}: 텍스트 파일이 아니라 바이너리 데이터입니다")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(
            f"{source}:{line}: UTF-8 텍스트가 아닙니다 ({exc.start}번째 바이트)"
        ) from None


# --- export -----------------------------------------------------------------------------


def _prune(value: Any) -> Any:
    """Drop empty optional values so the canonical file holds only what the author set."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ("", None, [], {})}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


class _CanonicalDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key; PyYAML's default puts them at the key's column.
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CanonicalDumper.add_representer(str, _represent_str)


def dump_bible(bible: Bible) -> str:
    data = _prune(bible.model_dump(mode="json", by_alias=True))
    data["format"] = bible.format
    ordered = {"format": data.pop("format"), **data}
    text = yaml.dump(
        ordered,
        Dumper=_CanonicalDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )
    # PyYAML ends a document with one newline; only a value that itself ends in blank lines
    # (a `|+` block) makes more, and trimming those would change the value.
    return text
