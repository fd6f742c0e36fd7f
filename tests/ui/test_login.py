"""Logging in through the Korean login page in Chromium: the right user reaches the dashboard,
the wrong user and a wrong password see the error and stay on the login page."""

from __future__ import annotations

import pytest
from auth_helpers import Served
from conftest import shoot

from novelcraft.auth import add_user


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    root = tmp_path_factory.mktemp("login")
    users = root / "users.json"
    add_user(users, "alice", "원더랜드-s3cret")
    add_user(users, "bob", "builder-pass-42")
    server = Served(root / "ws", "--basic-auth-file", users)
    yield server
    server.stop()


def _submit(page, server, user: str, password: str) -> None:
    page.goto(f"{server.url}/", wait_until="domcontentloaded")
    page.get_by_label("사용자 이름").fill(user)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()


def test_the_right_user_reaches_the_dashboard(page, guarded):
    _submit(page, guarded, "alice", "원더랜드-s3cret")
    page.locator(".nc-projects-table").first.wait_for(state="visible", timeout=60000)
    shoot(page, "login-alice")


@pytest.mark.parametrize(
    ("user", "password"), [("mallory", "원더랜드-s3cret"), ("alice", "builder-pass-42")]
)
def test_a_wrong_user_or_password_stays_on_the_login_page(page, guarded, user, password):
    _submit(page, guarded, user, password)
    page.get_by_text("사용자 이름 또는 비밀번호가 올바르지 않습니다").wait_for(timeout=30000)
    assert "/login" in page.url
    assert page.locator(".nc-projects-table").count() == 0
