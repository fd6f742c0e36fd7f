"""Every message a person reads from the engine is Korean (issue 11): drive the CLI through a
list of ordinary user mistakes and fail on any English word outside a short allow-list, and
check that every raise of our own errors in the source carries Korean text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HANGUL = re.compile(r"[\uac00-\ud7a3]")
OWN_ERRORS = {"BadInput", "NotFound", "OperationFailed", "WorkspaceBusy", "RevisionConflict"}
ALLOWED = {
    # names of things and formats, not English prose
    "NovelCraft", "novelcraft", "CSV", "ZIP", "JSON", "YAML", "TOML", "EPUB", "LLM", "API",
    "URL", "UTF", "PATH", "HTTP", "MB", "pid", "id", "slug", "OAuth", "USER", "PASSWORD", "FILE",
    "Codex", "OpenAI",
    # backend ids
    "offline", "codex", "openai",
}  # fmt: skip
# Tokens that are not words: paths, field keys, option names, ids (a digit, '_', '.', '/', ':',
# '@' or a leading '-'), and whatever the user typed, which we quote back as given.
ID_LIKE = re.compile(r"[\d_./:@]|^-")
QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")


def english_words(line: str) -> set[str]:
    found = set()
    for token in re.split(r"[\s,;()\[\]{}<>·|—–→!?=]+", QUOTED.sub(" ", line)):
        if not token or ID_LIKE.search(token) or token.startswith("http"):
            continue
        for word in re.findall(r"[A-Za-z]{2,}", token):
            if word not in ALLOWED:
                found.add(word)
    return found


def test_the_english_detector_can_fail():
    assert english_words("novelcraft: 오류: no project 'x'") == {"no", "project"}
    assert english_words("novelcraft: 오류: /tmp/a.yaml:3: 작품 'nope'이(가) 없습니다") == set()
    assert english_words("--from 3, `novelcraft init`, generation.target_length") == set()


def assert_korean_error(result, code: int = 2) -> str:
    assert result.code == code, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    line = lines[0]
    assert line.startswith("novelcraft: 오류: "), line
    assert HANGUL.search(line.removeprefix("novelcraft: 오류: ")), line
    assert not english_words(line), (english_words(line), line)
    return line


@pytest.fixture
def project(cli, tmp_path, sample_bible_path):
    ws = tmp_path / "ws"
    slug = cli("--workspace", ws, "bible", "import", sample_bible_path).out.strip()
    assert slug
    return ws, slug


def _mistakes(tmp_path: Path, slug: str, bible_text: str) -> dict[str, tuple[list, str]]:
    """name -> (arguments after --workspace WS, a technical token the line must name)."""
    broken_yaml = tmp_path / "broken.yaml"
    broken_yaml.write_text("name: [열린 괄호\ngenre: 학원\n", encoding="utf-8")
    bad_key = tmp_path / "extra.yaml"
    bad_key.write_text(bible_text + "\nnickname: 별명\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    not_zip = tmp_path / "novel.zip"
    not_zip.write_text("zip이 아닙니다", encoding="utf-8")
    missing = tmp_path / "nowhere.yaml"
    return {
        "episode number zero": (["show", slug, "0"], "0"),
        "no such episode": (["show", slug, "99"], "99"),
        "unknown project": (["show", "no-such-novel", "1"], "no-such-novel"),
        "unknown project's episodes": (["episodes", "no-such-novel"], "no-such-novel"),
        "unknown job id": (["job", "zzzzzzzz"], "zzzzzzzz"),
        "cancel an unknown job": (["cancel", "zzzzzzzz"], "zzzzzzzz"),
        "--from after --to": (["generate", slug, "--from", "5", "--to", "3"], "--from 5"),
        "episode numbers below 1": (["generate", slug, "--from", "0", "--to", "3"], "--from 0"),
        "too large a batch": (["generate", slug, "--from", "1", "--to", "100000"], "100000"),
        "missing bible file": (["bible", "import", missing], str(missing)),
        "broken YAML": (["bible", "import", broken_yaml], f"{broken_yaml}:2"),
        "unknown bible key": (["bible", "import", bad_key], "nickname"),
        "--slug with --into": (
            ["bible", "import", missing, "--slug", "a", "--into", "b"],
            "--into",
        ),
        "missing manuscript": (["check", missing], str(missing)),
        "empty manuscript": (["check", empty], str(empty)),
        "not a zip": (["import-archive", not_zip], str(not_zip)),
        "no such backup": (["restore", tmp_path / "no-backup"], "no-backup"),
        "revise with an empty instruction": (
            ["revise", slug, "1", "--instruction", "  "],
            "--instruction",
        ),
        "revise an episode with no text": (["revise", slug, "7", "--instruction", "짧게"], "7"),
        "outline file missing": (["outline", slug, "1", "--set", missing], str(missing)),
        "unwritable export path": (["export", slug, "--format", "md", "-o", "/sys/x.md"], "/sys"),
    }


def test_user_mistakes_are_one_korean_line(cli, project, tmp_path, sample_bible_text):
    ws, slug = project
    written = cli("--workspace", ws, "generate", slug, "--from", "1", "--to", "1")
    assert written.code == 0, written.err
    for name, (args, token) in _mistakes(tmp_path, slug, sample_bible_text).items():
        line = assert_korean_error(cli("--workspace", ws, *args))
        assert token in line, (name, token, line)


def _write_settings(ws: Path, text: str) -> None:
    (ws / "novelcraft.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("settings", "token"),
    [
        ('[generation]\ntarget_length = "길게"\n', "generation.target_length"),
        ("[generation]\ntarget_length = 0\n", "generation.target_length"),
        ("[generation]\nmin_length = 9000\nmax_length = 3000\n", "generation.min_length"),
        ("[generation]\nfavourite_colour = 3\n", "generation.favourite_colour"),
        ("[backend]\nopenai_base_url = 'ftp://x'\n", "backend.openai_base_url"),
        ("[generation\n", "novelcraft.toml"),
    ],
)
def test_bad_settings_are_one_korean_line(cli, project, settings, token):
    ws, slug = project
    _write_settings(ws, settings)
    line = assert_korean_error(cli("--workspace", ws, "episodes", slug))
    assert token in line, line


def test_unknown_backend_in_settings_is_korean(cli, project):
    ws, slug = project
    _write_settings(ws, '[backend]\ndefault = "typewriter"\n')
    line = assert_korean_error(cli("--workspace", ws, "generate", slug, "--from", "1", "--to", "1"))
    assert "typewriter" in line and "offline" in line, line


def test_users_file_mistakes_are_korean(cli, tmp_path):
    users = tmp_path / "users.json"
    line = assert_korean_error(cli("auth", "remove", "nobody", "--file", users))
    assert str(users) in line, line
    nowhere = tmp_path / "no-folder" / "users.json"
    line = assert_korean_error(cli("auth", "add", "writer", "--file", nowhere))
    assert str(nowhere.parent) in line, line


def test_what_the_cli_prints_is_korean(cli, project, tmp_path):
    """Ordinary output lines (not data the author wrote) carry no English words either."""
    ws, slug = project
    empty_ws = tmp_path / "empty"
    lines = [
        cli("--workspace", empty_ws, "init").out,
        cli("--workspace", empty_ws, "init").out,
        cli("--workspace", empty_ws, "projects").out,
        cli("--workspace", ws, "episodes", slug).out,
        cli("--workspace", ws, "jobs").out,
        cli("--workspace", ws, "backends").out,
    ]
    generated = cli("--workspace", ws, "generate", slug, "--from", "1", "--to", "1")
    assert generated.code == 0, generated.err
    lines += [
        generated.err,
        cli("--workspace", ws, "episodes", slug).out,
        cli("--workspace", ws, "jobs").out,
        cli("--workspace", ws, "guard-summary", slug).out,
        cli("--workspace", ws, "metrics", slug).out,
        cli("--workspace", ws, "canon", slug).out,
    ]
    job_id = re.search(r"[0-9a-f]{17}", cli("--workspace", ws, "jobs").out).group(0)
    lines.append(cli("--workspace", ws, "job", job_id).out)
    shown = cli("--workspace", ws, "show", slug, "1").out.splitlines()
    lines += shown[1:2]  # the status line under the title (the rest is the manuscript)
    text = "\n".join(lines).replace(slug, "슬러그")  # the slug is the author's id, not prose
    assert HANGUL.search(text)
    leaks = {line: english_words(line) for line in text.splitlines() if english_words(line.strip())}
    assert not leaks, leaks


def _first_text_argument(call: ast.Call) -> ast.expr | None:
    if not call.args:
        return None
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first
    if isinstance(first, ast.JoinedStr):
        return first
    return None


def _literal_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    return "".join(part.value for part in node.values if isinstance(part, ast.Constant))  # type: ignore[attr-defined]


def own_error_raises() -> list[tuple[str, int, str]]:
    found = []
    for folder in ("novelcraft", "dashboards"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.is_symlink() or any(p.is_symlink() for p in path.parents if p != ROOT):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                    continue
                func = node.exc.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                literal = _first_text_argument(node.exc) if name in OWN_ERRORS else None
                if literal is not None:
                    rel = str(path.relative_to(ROOT))
                    found.append((rel, node.lineno, _literal_text(literal)))
    return found


def _has_words(text: str) -> bool:
    """Words, not just punctuation around placeholders or a file name such as manifest.json."""
    tokens = re.split(r"[\s,;:()]+", text)
    return any(re.search("[A-Za-z]{2,}", t) and not ID_LIKE.search(t) for t in tokens)


def test_the_raise_scan_can_fail():
    assert _has_words("no such file") and not _has_words(": manifest.json: ")


def test_every_raise_of_our_errors_has_korean_text():
    raises = own_error_raises()
    assert len(raises) > 150, len(raises)  # the walk reached the sources
    english = [
        f"{p}:{line}: {text!r}"
        for p, line, text in raises
        if _has_words(text) and not HANGUL.search(text)
    ]
    assert not english, "\n".join(english)


def test_parser_and_os_problems_read_in_korean(tmp_path):
    import errno
    import json
    import tomllib

    import yaml

    from novelcraft.parse_problems import json_error_text, os_error_text, toml_problem, yaml_problem

    problems = []
    for text in (
        "a: [1, 2\nb: 3\n",
        "a:\n  - 1\n b: 2\n",
        "a: b: c\n",
        "a: 'open\n",
        "\ta: 1\n",
        "a: 1\n---\nb: 2\n",
    ):
        with pytest.raises(yaml.YAMLError) as caught:
            yaml.safe_load(text)
        problems.append(yaml_problem(caught.value.problem or caught.value.context))
    for text in ("[generation\n", "a = \n", "a = 1\na = 2\n", 'a = "open\n', "a = [1, 2\n"):
        with pytest.raises(tomllib.TOMLDecodeError) as caught:
            tomllib.loads(text)
        problems.append(toml_problem(str(caught.value)))
    for text in ("{not json", "[1, 2", '{"a": 1} x', '{"a" 1}'):
        with pytest.raises(json.JSONDecodeError) as caught:
            json.loads(text)
        problems.append(json_error_text(caught.value))
    for code in (errno.EACCES, errno.ENOENT, errno.ENOSPC, errno.EROFS):
        problems.append(os_error_text(OSError(code, "English strerror")))
    for problem in problems:
        assert HANGUL.search(problem) and not english_words(problem), problem
    # An unknown parser message becomes a general Korean phrase, never the English.
    assert yaml_problem("something new happened") == "YAML 문법에 맞지 않습니다"
    assert (
        toml_problem("Brand new failure (at line 2, column 3)")
        == "2행 3열: TOML 문법에 맞지 않습니다"
    )
