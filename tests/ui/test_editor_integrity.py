"""The manuscript keeps every keystroke (issue 11): 2,000+ characters of Korean, one syllable
at a time as an IME commits them, and ASCII, typed at 10 ms per key while autosave fires, then
Ctrl+S; what is stored is exactly what was typed — five times. Saving again without a change
makes no version."""

from __future__ import annotations

import random
import time

import pytest
from conftest import open_screen, seeded_server, shoot

KOREAN = "그날 밤 학생회실의 불이 혼자 켜졌다 도재현은 숨을 죽였고 오민지는 창문을 열었다"
ASCII = "Room 301, ok? 2026-12 #tag (A/B) x+y=z"
KEY_DELAY_MS = 10
# The message of a save by hand. "자동 저장했습니다 (…" also contains "저장했습니다 (", and the
# autosave message is still shown when Ctrl+S is pressed: waiting for that would reload the
# page before the save by hand landed (seen on a busy machine).
SAVED_BY_HAND = "저장했습니다 (수정 번호"


def passage(seed: int, length: int = 2100) -> list[str]:
    """Tokens as they arrive: a Korean syllable, an ASCII character or a line break."""
    rng = random.Random(seed)
    tokens: list[str] = []
    while sum(len(t) for t in tokens) < length:
        source = KOREAN if rng.random() < 0.7 else ASCII
        start = rng.randrange(len(source) - 12)
        tokens += list(source[start : start + rng.randint(4, 12)])
        tokens.append("\n" if rng.random() < 0.08 else " ")
    return tokens


def type_like_a_person(page, tokens: list[str], pause_at: int) -> None:
    """One key (or committed syllable) at least every KEY_DELAY_MS: the wait is what is left
    of the interval after the call itself, so the pace is 10 ms per key or as fast as the
    browser takes them."""
    last = time.monotonic()
    for i, token in enumerate(tokens):
        if token == "\n":
            page.keyboard.press("Enter")
        elif token.isascii():
            page.keyboard.type(token)
        else:
            page.keyboard.insert_text(token)  # an IME commits a whole syllable
        left = KEY_DELAY_MS / 1000 - (time.monotonic() - last)
        if left > 0:
            time.sleep(left)
        last = time.monotonic()
        if i == pause_at:
            # A pause longer than the autosave idle time: autosave fires (5 s idle plus a poll,
            # so about 7 s on a quiet machine), then typing resumes.
            page.locator(".nc-message", has_text="자동 저장했습니다").wait_for(timeout=120000)
            last = time.monotonic()


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    with seeded_server(tmp_path_factory, "integrity", 1) as server:
        yield server
    # Every test closed its tab while the page polled: the terminal shows no traceback.
    err = server.stderr
    assert "WebSocketClosedError" not in err and "Traceback" not in err, err


def manuscript(page):
    return page.locator(".nc-manuscript textarea")


@pytest.mark.parametrize("round_", range(5))
def test_every_keystroke_is_stored_exactly(page, editor_server, round_):
    page.set_default_timeout(60000)
    open_screen(page, editor_server, "editor", ready=".nc-manuscript textarea")
    box = manuscript(page)
    before = box.input_value()
    box.click()
    page.keyboard.press("Control+End")
    tokens = passage(round_)
    type_like_a_person(page, tokens, pause_at=len(tokens) // 2)
    expected = before + "".join(tokens)
    assert box.input_value() == expected  # the page itself never lost one
    page.keyboard.press("Control+s")
    page.locator(".nc-message", has_text=SAVED_BY_HAND).wait_for()
    if round_ == 0:
        shoot(page, "editor-integrity-typed")
    page.reload()  # what the store holds, as a fresh page shows it
    manuscript(page).wait_for()
    assert manuscript(page).input_value() == expected


def test_saving_twice_without_a_change_makes_one_version(page, editor_server):
    open_screen(page, editor_server, "editor", ready=".nc-manuscript textarea")
    box = manuscript(page)
    box.click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("끝")
    page.keyboard.press("Control+s")
    page.locator(".nc-message", has_text=SAVED_BY_HAND).wait_for()
    page.locator(".bk-tab", has_text="버전").first.click()
    listing = page.locator(".nc-versions li")
    listing.first.wait_for()
    count = listing.count()
    page.locator(".bk-tab", has_text="원고").first.click()
    box.click()
    page.keyboard.press("Control+s")
    page.locator(".nc-message", has_text="바뀐 내용이 없어").wait_for()
    page.locator(".nc-save button").click()
    page.locator(".bk-tab", has_text="버전").first.click()
    shoot(page, "editor-integrity-versions")
    assert listing.count() == count
    diff = page.locator(".nc-diff")
    assert diff.locator("ins", has_text="끝").count() == 1
