"""Who may use a served workspace: the users file, password hashes and the cookie secret.

Panel's own basic auth compares plain-text passwords (one shared string, or a JSON file of
`{user: password}`), so NovelCraft keeps its own users file with scrypt hashes and checks the
login itself (`novelcraft.dashboards.login`). The dashboard's signed session cookie is signed
with a secret kept per workspace in a 0600 file, so the HTTP API can verify the same cookie and
sessions survive a restart of the server.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from novelcraft.errors import BadInput
from novelcraft.files import PRIVATE_FILE_MODE, write_file_atomically
from novelcraft.parse_problems import json_error_text

USERS_FORMAT = "novelcraft-users/1"
COOKIE_SECRET_FILE = "cookie_secret"
USERS_FILE = "users.json"
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_USERS_FILE_BYTES = 1024 * 1024
USER_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
# scrypt cost (RFC 7914 interactive parameters): ~50 ms and 16 MiB per check.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """`scrypt$N$r$p$salt$hash`: the only form a password is ever written in."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def _check_hash(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        n_, r_, p_ = int(n), int(r), int(p)
        if not (2 <= n_ <= 2**20 and 1 <= r_ <= 32 and 1 <= p_ <= 16):  # bounded work
            return False
        expected = base64.b64decode(digest, validate=True)
        got = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt, validate=True),
            n=n_, r=r_, p=p_, dklen=len(expected), maxmem=64 * 1024 * 1024,
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


@functools.cache
def _dummy_hash() -> str:
    """Checked against for an unknown user, so a wrong name takes as long as a wrong password.
    Made with the first `Users` that holds a hash (a server's start), not at import: a scrypt
    costs ~70 ms, which every CLI command paid at start-up."""
    return hash_password(secrets.token_urlsafe(16))


class Users:
    """User name -> password hash; `verify` is the one question a login handler asks."""

    def __init__(self, hashes: Mapping[str, str]):
        self._hashes = dict(hashes)
        if self._hashes:
            _dummy_hash()  # now, so that no check pays for making it

    def __len__(self) -> int:
        return len(self._hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    @property
    def names(self) -> list[str]:
        return sorted(self._hashes)

    def verify(self, user: str, password: str) -> bool:
        if not isinstance(user, str) or not isinstance(password, str):
            return False
        if len(password) > MAX_PASSWORD:
            return False
        stored = self._hashes.get(user)
        ok = _check_hash(stored or _dummy_hash(), password)
        return ok and stored is not None

    @classmethod
    def single(cls, spec: str) -> Users:
        """`--basic-auth USER:PASSWORD`: one real user, hashed in memory, never written."""
        user, sep, password = spec.partition(":")
        if not sep or not user or not password:
            raise BadInput(
                "--basic-auth에는 USER:PASSWORD를 주세요 (사용자가 여럿이면 "
                "`novelcraft auth add USER`로 만든 --basic-auth-file FILE)"
            )
        check_user_name(user)
        return cls({user: hash_password(password)})

    def hashes(self) -> dict[str, str]:
        return dict(self._hashes)


def check_user_name(user: str) -> None:
    if not USER_NAME.match(user):
        raise BadInput(
            f"사용자 이름 {user[:70]!r}을(를) 쓸 수 없습니다: "
            "영문자, 숫자, '.', '_', '@', '-'로 1-64자"
        )


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다")
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"비밀번호는 {MAX_PASSWORD}자 이하여야 합니다")


def load_users(path: Path | str) -> Users:
    """Read a users file; anything but `novelcraft auth add`'s format is one line naming it."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: 사용자 파일이 없습니다 (`novelcraft auth add USER`로 만드세요)")
    if path.stat().st_size > MAX_USERS_FILE_BYTES:
        raise BadInput(f"{path}: 사용자 파일로 보기에는 너무 큽니다")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        reason = "중첩이 너무 깊음" if isinstance(exc, RecursionError) else json_error_text(exc)
        raise BadInput(f"{path}: 사용자 파일이 아닙니다 ({reason})") from None
    if not isinstance(data, dict) or data.get("format") != USERS_FORMAT:
        raise BadInput(
            f"{path}: NovelCraft 사용자 파일(형식 {USERS_FORMAT})이 아닙니다. 평문 비밀번호 "
            "파일은 받지 않으니 `novelcraft auth add USER`로 만드세요"
        )
    users = data.get("users")
    if not isinstance(users, dict) or not users:
        raise BadInput(f"{path}: 사용자 파일에 사용자가 한 명도 없습니다")
    for user, stored in users.items():
        check_user_name(user)
        if not isinstance(stored, str) or not stored.startswith("scrypt$"):
            raise BadInput(f"{path}: 사용자 {user!r}에게 비밀번호 해시가 없습니다")
    return Users(users)


def save_users(path: Path | str, users: Users) -> None:
    body = {"format": USERS_FORMAT, "users": users.hashes()}
    write_file_atomically(Path(path), json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    os.chmod(path, PRIVATE_FILE_MODE)


def add_user(path: Path | str, user: str, password: str) -> bool:
    """Add or replace `user`; returns True when the user is new."""
    check_user_name(user)
    check_password(password)
    path = Path(path)
    hashes = load_users(path).hashes() if path.exists() else {}
    new = user not in hashes
    hashes[user] = hash_password(password)
    save_users(path, Users(hashes))
    return new


def remove_user(path: Path | str, user: str) -> None:
    hashes = load_users(path).hashes()
    if user not in hashes:
        raise BadInput(f"{path}: 사용자 {user!r}이(가) 없습니다")
    if len(hashes) == 1:
        raise BadInput(f"{path}: {user!r}은(는) 마지막 사용자입니다. 대신 파일을 지우세요")
    del hashes[user]
    save_users(path, Users(hashes))


def cookie_secret(paths) -> str:
    """The workspace's cookie-signing secret, created on first use in a 0600 file."""
    path = Path(paths.root) / COOKIE_SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        os.chmod(path, PRIVATE_FILE_MODE)
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) < 32:
            raise BadInput(f"{path}: 쿠키 비밀값이 너무 짧습니다. 파일을 지우세요") from None
        return secret
    secret = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secret + "\n")
    return secret


# Panel signs the `user` cookie for `config.oauth_expiry` days (default 1).
SESSION_MAX_AGE_DAYS = 1


def session_user(paths, signed_cookie: str | None) -> str | None:
    """The user name in the dashboard's signed `user` cookie, or None when it is missing,
    forged, signed for another workspace or expired (for the HTTP API's cookie auth)."""
    if not signed_cookie:
        return None
    from tornado.web import decode_signed_value

    value = decode_signed_value(
        cookie_secret(paths), "user", signed_cookie.strip('"'), max_age_days=SESSION_MAX_AGE_DAYS
    )
    return value.decode("utf-8") if value else None
