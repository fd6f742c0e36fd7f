"""How the offline demo writer reads the prompts NovelCraft renders.

The demo writer gets nothing but the prompt, like a real model, so everything it needs (the
episode number, the characters' voices, the outline, the length range, earlier feedback) is
read back from the prompt text here. Overridden templates that drop these headings only make
the demo writer fall back to generic choices.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field


@dataclass
class Voice:
    name: str
    role: str = "main"
    endings: list[str] = field(default_factory=list)
    banned: list[str] = field(default_factory=list)
    catchphrases: list[str] = field(default_factory=list)


def section(prompt: str, heading: str) -> str:
    """The text under the first `## heading...` line, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}[^\n]*\n", prompt, re.M)
    if not match:
        return ""
    rest = prompt[match.end() :]
    end = re.search(r"^## ", rest, re.M)
    return (rest[: end.start()] if end else rest).strip()


def _items(value: str) -> list[str]:
    return [x.strip() for x in value.split(",") if x.strip()]


def voices(prompt: str) -> list[Voice]:
    text = section(prompt, "등장 캐릭터") or section(prompt, "캐릭터 말투")
    found: list[Voice] = []
    for line in text.splitlines():
        head = re.match(r"^### (.+?)(?: \((\w+)\))?$", line.strip())
        if head:
            found.append(Voice(name=head.group(1).strip(), role=head.group(2) or "main"))
            continue
        if not found:
            continue
        key, _, value = line.strip().lstrip("- ").partition(":")
        if key == "말투 어미":
            found[-1].endings = _items(value)
        elif key == "금지 어미":
            found[-1].banned = _items(value)
        elif key == "입버릇":
            found[-1].catchphrases = _items(value)
    return found


def episode_number(prompt: str) -> int:
    match = re.search(r"(\d+)화(?:를 작성|의 장면별| 원고)", prompt)
    return int(match.group(1)) if match else 1


def length_range(prompt: str, default: tuple[int, int] = (7000, 9000)) -> tuple[int, int]:
    match = re.search(r"공백 제외 ([\d,]+)~([\d,]+)자", prompt) or re.search(
        r"분량 ([\d,]+)~([\d,]+)자", prompt
    )
    if not match:
        return default
    return int(match.group(1).replace(",", "")), int(match.group(2).replace(",", ""))


def outline(prompt: str) -> dict | None:
    text = section(prompt, "이번 화 아웃라인")
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < 0:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("scenes") else None


def bullet_values(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, sep, value = line.strip().lstrip("- ").partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def feedback(prompt: str) -> list[str]:
    text = section(prompt, "이전 초고의 문제")
    return [line.lstrip("- ").strip() for line in text.splitlines() if line.strip()]


def open_foreshadow_ids(prompt: str) -> list[int]:
    text = section(prompt, "아직 풀리지 않은 복선")
    return [int(m.group(1)) for m in re.finditer(r"^(\d+):", text, re.M)]
