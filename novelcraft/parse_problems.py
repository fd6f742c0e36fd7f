"""Korean text for the syntax errors of the parsers we use (PyYAML, tomllib, json).

Their messages are English; the author sees the file, the line and one Korean phrase for the
problem. A parser message we do not recognise becomes a general phrase rather than English.
"""

from __future__ import annotations

import errno
import re

_YAML_TOKENS = {
    "<stream end>": "파일 끝",
    "<document start>": "문서 시작",
    "<document end>": "문서 끝",
    "<block end>": "블록 끝",
    "<block mapping start>": "새 키 블록",
    "<block sequence start>": "새 목록 블록",
    "<flow mapping start>": "'{'",
    "<flow sequence start>": "'['",
    "<scalar>": "값",
    "<block entry>": "'-' 목록 항목",
    "<key>": "키",
    "<value>": "값",
    "<anchor>": "앵커",
    "<alias>": "별칭",
    "the node content": "값",
    "a comment or a line break": "주석이나 줄바꿈",
    "alphabetic or numeric character": "영문자나 숫자",
    "a single document in the stream": "문서 하나",
}
_YAML_FIXED = {
    "found unexpected end of stream": (
        "값이 끝나기 전에 파일이 끝났습니다 (닫는 따옴표나 괄호 확인)"
    ),
    "mapping values are not allowed here": (
        "여기에는 '키: 값'을 쓸 수 없습니다 (값에 ':'이 있으면 따옴표로 감싸세요)"
    ),
    "could not find expected ':'": "':'이 있어야 할 곳에 없습니다",
    "did not find expected key": "키가 있어야 할 곳에 없습니다 (들여쓰기 확인)",
    "did not find expected node content": "값이 있어야 할 곳에 없습니다",
    "did not find expected '-' indicator": "목록 항목의 '-'가 있어야 할 곳에 없습니다",
    "did not find expected comment or line break": "값 뒤에 알 수 없는 글자가 있습니다",
    "found unexpected ':'": "예상하지 못한 ':'이 있습니다",
    "found undefined alias": "정의되지 않은 별칭입니다",
    "found duplicate anchor": "앵커가 중복됩니다",
    "but found another document": "YAML 문서가 둘 이상입니다 ('---' 구분선을 지우세요)",
}
_EXPECTED = re.compile(r"^expected (.+?), but (?:got|found) (.+)$")
_BAD_CHAR = re.compile(r"^found character (.+) that cannot start any token$")
_ESCAPE = re.compile(r"^found unknown escape character (.+)$")


def _subject(word: str) -> str:
    """`word` with 이 or 가 chosen by its last syllable; 이(가) after a symbol or a letter."""
    last = word[-1:] if word else ""
    if "\uac00" <= last <= "\ud7a3":
        return word + ("이" if (ord(last) - 0xAC00) % 28 else "가")
    return word + "이(가)"


def _yaml_token(text: str) -> str:
    text = text.strip()
    if len(text) > 2 and text[0] == text[-1] == "'" and text[1] == "<":
        text = text[1:-1]
    if text in _YAML_TOKENS:
        return _YAML_TOKENS[text]
    if text.startswith("<") and text.endswith(">"):
        return "다른 구문"
    if re.fullmatch(r"[A-Za-z ]+", text):  # a parser phrase we have no Korean for
        return "알맞은 구문"
    return text


def yaml_problem(problem: str | None) -> str:
    """One Korean phrase for a PyYAML `problem` (or `context`) string."""
    text = (problem or "").strip()
    if text in _YAML_FIXED:
        return _YAML_FIXED[text]
    if match := _EXPECTED.match(text):
        if "<block end>" in match.group(1):
            return f"들여쓰기가 맞지 않습니다 ({_subject(_yaml_token(match.group(2)))} 나왔습니다)"
        whole = match.group(1)
        parts = [whole] if whole in _YAML_TOKENS else whole.split(" or ")
        wanted = " 또는 ".join(_yaml_token(t) for t in parts)
        return f"{_subject(wanted)} 와야 하는데 {_subject(_yaml_token(match.group(2)))} 나왔습니다"
    if match := _BAD_CHAR.match(text):
        tab = " (들여쓰기에는 탭 대신 공백을 쓰세요)" if "\\t" in match.group(1) else ""
        return f"값을 시작할 수 없는 문자 {match.group(1)}이(가) 있습니다{tab}"
    if match := _ESCAPE.match(text):
        return f"알 수 없는 이스케이프 문자 {match.group(1)}이(가) 있습니다"
    if "special characters are not allowed" in text:
        return "쓸 수 없는 제어 문자가 있습니다"
    return "YAML 문법에 맞지 않습니다"


_TOML_AT = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
_TOML_FIXED = [
    ("Expected ']' at the end of a table declaration", "표 이름 끝에 ']'가 없습니다"),
    ("Expected ']]' at the end of an array declaration", "표 배열 이름 끝에 ']]'가 없습니다"),
    ("Expected '=' after a key in a key/value pair", "키 뒤에 '='가 없습니다"),
    ("Invalid value", "값이 올바르지 않습니다 (문자열은 따옴표로 감싸세요)"),
    ("Invalid statement", "TOML 문장이 아닙니다"),
    ("Invalid initial character for a key part", "키를 시작할 수 없는 문자입니다"),
    ("Cannot overwrite a value", "같은 키를 두 번 정했습니다"),
    ("Cannot declare", "같은 표를 두 번 선언했습니다"),
    ("Cannot mutate immutable namespace", "이미 정한 값을 바꿀 수 없습니다"),
    ("Unclosed array", "목록을 닫는 ']'가 없습니다"),
    ("Unclosed inline table", "인라인 표를 닫는 '}'가 없습니다"),
    ("Unterminated string", "문자열을 닫는 따옴표가 없습니다"),
    ("Illegal character", "쓸 수 없는 문자가 있습니다"),
    ("Expected newline or end of document after a statement", "한 줄에는 한 항목만 쓰세요"),
    ("Unescaped '\\' in a string", "문자열 안의 '\\'는 '\\\\'로 쓰세요"),
    ("Unescaped", "문자열 안의 '\\'는 '\\\\'로 쓰세요"),
    ("Invalid date or datetime", "날짜·시간 형식이 아닙니다"),
    ("Invalid hex value", "16진수 값이 아닙니다"),
]


def toml_problem(message: str) -> str:
    """One Korean phrase (with line and column) for a `tomllib.TOMLDecodeError` message."""
    text = str(message)
    where = ""
    if match := _TOML_AT.search(text):
        text = text[: match.start()]
        where = f"{match.group(1)}행 {match.group(2)}열: " if match.group(1) else "파일 끝: "
    for english, korean in _TOML_FIXED:
        if text.startswith(english):
            return where + korean
    return where + "TOML 문법에 맞지 않습니다"


_JSON_FIXED = [
    ("Expecting value", "값이 있어야 합니다"),
    ("Expecting ',' delimiter", "','가 있어야 합니다"),
    ("Expecting ':' delimiter", "':'가 있어야 합니다"),
    ("Expecting property name enclosed in double quotes", "키는 큰따옴표로 감싸야 합니다"),
    ("Unterminated string starting at", "문자열을 닫는 따옴표가 없습니다"),
    ("Invalid control character at", "문자열 안에 제어 문자가 있습니다"),
    ("Invalid \\escape", "알 수 없는 이스케이프입니다"),
    ("Invalid \\uXXXX escape", "알 수 없는 \\u 이스케이프입니다"),
    ("Extra data", "JSON 값 뒤에 다른 내용이 있습니다"),
    ("Illegal trailing comma before end of object", "객체 끝에 ','가 남았습니다"),
    ("Illegal trailing comma before end of array", "목록 끝에 ','가 남았습니다"),
]


def json_problem(message: str) -> str:
    """One Korean phrase for a `json.JSONDecodeError.msg`."""
    for english, korean in _JSON_FIXED:
        if str(message).startswith(english):
            return korean
    return "JSON 문법에 맞지 않습니다"


def json_error_text(exc: BaseException) -> str:
    """A `json.loads` failure (bad syntax or bad bytes) as one Korean phrase with its place."""
    if isinstance(exc, UnicodeDecodeError):
        return f"UTF-8 텍스트가 아닙니다 ({exc.start}번째 바이트)"
    msg = getattr(exc, "msg", None)
    if msg is None:
        return "JSON 문법에 맞지 않습니다"
    return f"{json_problem(msg)} ({exc.lineno}행 {exc.colno}열)"  # type: ignore[attr-defined]


_OS_ERRORS = {
    errno.EACCES: "권한이 없습니다",
    errno.EPERM: "허용되지 않는 작업입니다",
    errno.ENOENT: "없는 경로입니다",
    errno.ENOTDIR: "경로 중간에 폴더가 아닌 것이 있습니다",
    errno.EISDIR: "폴더입니다",
    errno.EEXIST: "이미 있습니다",
    errno.ENOSPC: "디스크 공간이 부족합니다",
    errno.EDQUOT: "디스크 할당량을 넘었습니다",
    errno.EROFS: "읽기 전용 파일 시스템입니다",
    errno.ENAMETOOLONG: "이름이 너무 깁니다",
    errno.EMFILE: "열린 파일이 너무 많습니다",
    errno.EIO: "입출력 오류가 났습니다",
    errno.ENOEXEC: "실행할 수 있는 파일이 아닙니다",
    errno.ETXTBSY: "다른 프로세스가 쓰고 있는 파일입니다",
    errno.ELOOP: "심볼릭 링크가 너무 많이 이어집니다",
}


def os_error_text(exc: OSError) -> str:
    """The reason of a failed file operation in Korean (the OS gives English strerror)."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    return f"운영체제 오류 {exc.errno}번" if exc.errno else "운영체제 오류"
