"""The versions tab's diff as an author reads it: the newer text inline, insertions in green,
deletions struck through in red, unchanged paragraphs folded, with Korean labels. Paragraphs
are matched first, then the characters inside a changed paragraph, so a one-word edit in an
8,000-character episode shows as one word, not as two whole paragraphs."""

from __future__ import annotations

import difflib
import html

INS_STYLE = "background:#d7f5dd;color:#0b5d1e;text-decoration:none"
DEL_STYLE = "background:#fde2e1;color:#9b1c1c;text-decoration:line-through"
# Changed paragraphs keep this many unchanged neighbours each side; the rest are folded.
CONTEXT_PARAGRAPHS = 1


def _ins(text: str) -> str:
    return f'<ins class="nc-ins" style="{INS_STYLE}">{html.escape(text)}</ins>'


def _del(text: str) -> str:
    return f'<del class="nc-del" style="{DEL_STYLE}">{html.escape(text)}</del>'


def inline_paragraph(old: str, new: str) -> tuple[str, int, int]:
    """One changed paragraph, character by character: (html, chars added, chars removed)."""
    out, added, removed = [], 0, 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape(old[a1:a2]))
            continue
        if a2 > a1:
            out.append(_del(old[a1:a2]))
            removed += a2 - a1
        if b2 > b1:
            out.append(_ins(new[b1:b2]))
            added += b2 - b1
    return "".join(out), added, removed


def _paragraph(body: str, kind: str = "") -> str:
    return f'<p class="nc-diff-par {kind}" style="margin:4px 0">{body or "&nbsp;"}</p>'


def _fold(count: int) -> str:
    style = "color:#777;margin:4px 0"
    return f'<p class="nc-diff-fold" style="{style}">… 바뀌지 않은 문단 {count}개 …</p>'


def diff_html(old: str, new: str, old_name: str = "A", new_name: str = "B") -> str:
    old_pars, new_pars = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_pars, new_pars, autojunk=False)
    opcodes = matcher.get_opcodes()
    if all(op == "equal" for op, *_ in opcodes):
        return '<p class="nc-diff-same">두 버전의 내용이 같습니다.</p>'
    parts: list[str] = []
    added = removed = changed = 0
    for index, (op, a1, a2, b1, b2) in enumerate(opcodes):
        if op == "equal":
            same = new_pars[b1:b2]
            keep_head = CONTEXT_PARAGRAPHS if index > 0 else 0
            keep_tail = CONTEXT_PARAGRAPHS if index < len(opcodes) - 1 else 0
            if len(same) <= keep_head + keep_tail + 1:
                parts += [_paragraph(html.escape(p)) for p in same]
                continue
            parts += [_paragraph(html.escape(p)) for p in same[:keep_head]]
            parts.append(_fold(len(same) - keep_head - keep_tail))
            parts += [_paragraph(html.escape(p)) for p in same[len(same) - keep_tail :]]
            continue
        olds, news = old_pars[a1:a2], new_pars[b1:b2]
        changed += max(len(olds), len(news))
        for i in range(max(len(olds), len(news))):
            before = olds[i] if i < len(olds) else None
            after = news[i] if i < len(news) else None
            if before is None:
                parts.append(_paragraph(_ins(after), "nc-diff-added"))
                added += len(after)
            elif after is None:
                parts.append(_paragraph(_del(before), "nc-diff-removed"))
                removed += len(before)
            else:
                body, plus, minus = inline_paragraph(before, after)
                parts.append(_paragraph(body, "nc-diff-changed"))
                added, removed = added + plus, removed + minus
    summary = (
        f'<p class="nc-diff-summary"><b>{html.escape(old_name)} → {html.escape(new_name)}</b>: '
        f"바뀐 문단 {changed}개 · 추가 {added:,}자 · 삭제 {removed:,}자 "
        f"&nbsp; 범례: {_ins('추가된 글')} {_del('삭제된 글')}</p>"
    )
    return (
        f'<div class="nc-diff" style="font-size:14px;line-height:1.7">{summary}'
        f"{''.join(parts)}</div>"
    )
