"""Every screen a person sees is Korean (issue 11): walk each screen and tab in Chromium,
read the visible text through the shadow roots Panel renders into, and fail on any English
word outside a short allow-list (product and format names, model ids, URLs)."""

from __future__ import annotations

import re

from conftest import open_screen, shoot

ALLOWED = {
    # names of things, not English prose
    "NovelCraft", "CSV", "ZIP", "JSON", "YAML", "LLM", "API", "OpenAI", "Codex", "Ollama",
    "vLLM", "Ctrl", "Enter", "ms",
}  # fmt: skip
# Tokens that are ids, not words: URLs, model ids and env names (a digit, '_', '.', '/', ':').
# A hyphen alone does not make an id: "with-editor" is English.
ID_LIKE = re.compile(r"[\d_./:@]")
VISIBLE_TEXT = """
() => {
  const out = []
  const visible = (el) => !el.checkVisibility || el.checkVisibility({visibilityProperty: true})
  const walk = (root) => {
    for (const node of root.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement
        // choices.js draws its "Remove item" button as an × with the words moved off-screen
        if (node.textContent.trim() && parent && visible(parent)
            && !["SCRIPT", "STYLE"].includes(parent.tagName)
            && !parent.classList.contains("choices__button")) out.push(node.textContent)
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        if (visible(node)) {
          if (node.placeholder) out.push(node.placeholder)
          if (node.tagName === "OPTION") out.push(node.textContent)
        }
        if (node.shadowRoot) walk(node.shadowRoot)
        walk(node)
      }
    }
  }
  walk(document)
  return out
}
"""
SCREENS = {
    "projects": (".nc-projects-table", ["컨셉으로 시작", "스토리 바이블 업로드"]),
    "bible": ("text=관계도", ["작품 설정", "인물", "시즌", "관계", "관계도"]),
    "episodes": (".nc-episodes-table", []),
    "editor": (".nc-editor-header", ["아웃라인", "원고", "검증", "이벤트", "버전", "컨텍스트"]),
    "batch": (".nc-estimate", []),
    "quality": (".nc-charts", ["회차별 추이", "시즌 비교"]),
    "jobs": (".nc-jobs-table", []),
    "settings": (".nc-settings-save", []),
}


def english_words(texts: list[str]) -> set[str]:
    found = set()
    for text in texts:
        for token in re.split(r"[\s,;()\[\]{}<>\"'`·│|—–→!?]+", text):
            if not token or ID_LIKE.search(token) or token.startswith("http"):
                continue
            for word in re.findall(r"[A-Za-z]{2,}", token):
                if word not in ALLOWED:
                    found.add(word)
    return found


def test_every_screen_shows_only_korean(page, served):
    page.set_default_timeout(30000)
    leaks: dict[str, set[str]] = {}
    for screen, (ready, tabs) in SCREENS.items():
        open_screen(page, served, screen, ready=ready)
        page.wait_for_timeout(800)
        for tab in [None, *tabs]:
            if tab is not None:
                page.locator(".bk-tab", has_text=tab).first.click()
                page.wait_for_timeout(400)
            words = english_words(page.evaluate(VISIBLE_TEXT))
            if words:
                leaks[f"{screen}/{tab or '-'}"] = words
                shoot(page, f"english-{screen}-{tab or 'main'}")
    assert leaks == {}


def test_unknown_project_or_episode_in_the_url_says_so_in_korean(page, served):
    page.goto(f"{served.url}/?screen=quality&project=base-font", wait_until="domcontentloaded")
    page.get_by_text("프로젝트를 찾을 수 없습니다").first.wait_for()
    assert page.get_by_text("base-font").count() >= 1  # named in the message, not a heading
    page.goto(
        f"{served.url}/?screen=editor&project={served.slug}&episode=999",
        wait_until="domcontentloaded",
    )
    page.get_by_text("999화").first.wait_for()
    shoot(page, "unknown-episode")
