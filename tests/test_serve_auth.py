"""Basic auth with real users: the right user gets in, the wrong user and the right user with a
wrong password do not; no password is stored in plain text; the session cookie is signed with
the workspace's own 0600 secret."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

import httpx
import pytest
from auth_helpers import Served
from tornado.web import decode_signed_value

from novelcraft.auth import Users, cookie_secret, load_users, session_user
from novelcraft.errors import BadInput
from novelcraft.workspace import WorkspacePaths

ALICE_PASSWORD = "원더랜드-s3cret"
BOB_PASSWORD = "builder-pass-42"


@pytest.fixture(scope="module")
def users_file(tmp_path_factory):
    root = tmp_path_factory.mktemp("auth")
    path = root / "users.json"
    for user, password in (("alice", ALICE_PASSWORD), ("bob", BOB_PASSWORD)):
        made = subprocess.run(
            [sys.executable, "-m", "novelcraft", "auth", "add", user, "--file", str(path),
             "--password-stdin"],
            input=password + "\n", capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
    return path


def _logged_in(client: httpx.Client) -> bool:
    page = client.get("/")
    return page.status_code == 200 and "login" not in str(page.url)


@pytest.fixture(scope="module")
def served_with_file(tmp_path_factory, users_file):
    root = tmp_path_factory.mktemp("served") / "ws"
    server = Served(root, "--basic-auth-file", users_file)
    yield server
    server.stop()


def test_the_users_file_holds_hashes_only_and_is_private(users_file):
    text = users_file.read_text(encoding="utf-8")
    assert ALICE_PASSWORD not in text and BOB_PASSWORD not in text
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert load_users(users_file).names == ["alice", "bob"]


def test_without_a_login_the_app_redirects_to_the_korean_login_page(served_with_file):
    anonymous = httpx.Client(base_url=served_with_file.url, timeout=30, follow_redirects=True)
    page = anonymous.get("/")
    assert "/login" in str(page.url)
    assert "로그인" in page.text and "비밀번호" in page.text


@pytest.mark.parametrize(("user", "password"), [("alice", ALICE_PASSWORD), ("bob", BOB_PASSWORD)])
def test_each_user_logs_in_with_their_own_password(served_with_file, user, password):
    client = served_with_file.login(user, password)
    assert _logged_in(client)
    secret = cookie_secret(WorkspacePaths(served_with_file.root))
    signed = client.cookies.get("user").strip('"')
    assert decode_signed_value(secret, "user", signed) == user.encode()
    paths = WorkspacePaths(served_with_file.root)
    assert session_user(paths, client.cookies.get("user")) == user
    forged = signed.replace(signed.split("|")[-1], "0" * 64)
    assert session_user(paths, forged) is None and session_user(paths, None) is None


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("mallory", ALICE_PASSWORD),  # the wrong user with a real password
        ("alice", BOB_PASSWORD),  # the right user with someone else's password
        ("alice", ALICE_PASSWORD + "x"),
        ("alice", ""),
        ("", ""),
    ],
)
def test_wrong_users_and_wrong_passwords_stay_out(served_with_file, user, password):
    client = served_with_file.login(user, password)
    assert client.cookies.get("user") is None
    assert not _logged_in(client)
    refused = client.post("/login", data={"username": user, "password": password})
    assert "error=" in refused.headers["location"]


def test_the_cookie_secret_is_per_workspace_and_private(served_with_file, tmp_path):
    path = served_with_file.root / "cookie_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cookie_secret(WorkspacePaths(served_with_file.root)) == path.read_text().strip()
    other = tmp_path / "other"
    other.mkdir()
    assert cookie_secret(WorkspacePaths(other)) != cookie_secret(
        WorkspacePaths(served_with_file.root)
    )


def test_basic_auth_user_colon_password_is_one_real_user(tmp_path):
    """`--basic-auth alice:s3cret` used to be one shared password "alice:s3cret" for anyone."""
    server = Served(tmp_path / "ws", "--basic-auth", "alice:s3cret-and:colon")
    try:
        assert _logged_in(server.login("alice", "s3cret-and:colon"))
        assert not _logged_in(server.login("mallory", "alice:s3cret-and:colon"))
        assert not _logged_in(server.login("alice", "alice:s3cret-and:colon"))
    finally:
        server.stop()


def test_bad_auth_options_are_one_line(cli, tmp_path):
    plain = tmp_path / "panel-style.json"
    plain.write_text(json.dumps({"alice": "plain-text"}), encoding="utf-8")
    for args in (
        ["--basic-auth", "no-colon"],
        ["--basic-auth", ":password-only"],
        ["--basic-auth-file", plain],
        ["--basic-auth-file", tmp_path / "missing.json"],
    ):
        result = cli("--workspace", tmp_path / "ws", "serve", "--no-browser", "--port", "0", *args)
        assert result.code == 2, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1


def test_auth_add_reads_the_password_from_stdin_never_argv(tmp_path):
    path = tmp_path / "u.json"
    short = subprocess.run(
        [sys.executable, "-m", "novelcraft", "auth", "add", "eve", "--file", str(path),
         "--password-stdin"],
        input="short\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert short.returncode == 2 and "8자 이상" in short.stderr
    assert not path.exists()
    bad_name = subprocess.run(
        [sys.executable, "-m", "novelcraft", "auth", "add", "eve:x", "--file", str(path),
         "--password-stdin"],
        input="long enough pass\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad_name.returncode == 2 and "쓸 수 없습니다" in bad_name.stderr


def test_users_verify_rejects_unknown_users_and_tampered_hashes():
    users = Users.single("alice:correct horse")
    assert users.verify("alice", "correct horse")
    assert not users.verify("alice", "correct horsf")
    assert not users.verify("bob", "correct horse")
    tampered = Users({"alice": "scrypt$1048576000$8$1$AAAA$AAAA"})  # absurd cost: refused
    assert not tampered.verify("alice", "x")
    with pytest.raises(BadInput):
        Users.single("alice")


def test_an_unknown_user_costs_one_scrypt_like_a_known_one(monkeypatch):
    """A wrong name must not answer faster than a wrong password, nor the first wrong name
    slower than the next: the dummy hash it is checked against exists once users do."""
    import hashlib

    from novelcraft import auth

    auth._dummy_hash.cache_clear()  # as in a new process
    calls: list[int] = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    users = Users.single("alice:correct horse")
    for user, password in [("alice", "wrong horse"), ("bob", "correct horse"), ("carol", "x")]:
        before = len(calls)
        assert not users.verify(user, password)
        assert len(calls) - before == 1, user


def test_importing_auth_runs_no_scrypt():
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hashlib; calls = []; real = hashlib.scrypt\n"
            "hashlib.scrypt = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
            "import novelcraft.cli\n"
            "print(len(calls))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "0"
