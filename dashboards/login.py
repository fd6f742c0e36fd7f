"""Panel login against NovelCraft's users file (hashed passwords), not Panel's plain-text check.

Panel's `BasicAuthProvider` serves the login page and signs the `user` cookie; only how a
password is checked differs, so the provider hands Panel a login handler whose `_validate`
asks `novelcraft.auth.Users`. Nothing on disk holds a password.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

import tornado.escape
from panel.auth import BasicAuthProvider, BasicLoginHandler, _validate_next_url

from novelcraft.auth import Users

LOGIN_TEMPLATE = "data/login.html"
WRONG_LOGIN = "사용자 이름 또는 비밀번호가 올바르지 않습니다"
FAILED_LOGIN_DELAY = 0.5
_CHECKS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="login-check")


def _login_handler(users: Users, endpoint: str, template) -> type[BasicLoginHandler]:
    class HashedLoginHandler(BasicLoginHandler):
        _login_endpoint = endpoint
        _login_template = template

        def _validate(self, username: str, password: str) -> bool:
            return users.verify(username, password)

        async def post(self) -> None:
            username = self.get_argument("username", "")
            password = self.get_argument("password", "")
            # scrypt takes ~0.1 s and 16 MiB: off the event loop, two at a time, so a burst of
            # logins neither freezes the dashboard nor exhausts memory.
            loop = asyncio.get_running_loop()
            ok = await loop.run_in_executor(_CHECKS, users.verify, username, password)
            if ok:
                self.set_current_user(username)
                self.redirect(_validate_next_url(self.get_cookie("next_url", "/")) or "/")
                return
            await asyncio.sleep(FAILED_LOGIN_DELAY)  # slows guessing, blocks nobody else
            self.redirect(f"{self._login_endpoint}?error={tornado.escape.url_escape(WRONG_LOGIN)}")

    return HashedLoginHandler


class HashedBasicAuthProvider(BasicAuthProvider):
    def __init__(self, users: Users):
        self._users = users
        self._handler: type[BasicLoginHandler] | None = None
        template = str(resources.files("novelcraft").joinpath(LOGIN_TEMPLATE))
        super().__init__(login_template=template)

    @property
    def login_handler(self) -> type[BasicLoginHandler]:
        # Panel's base __init__ already asks for the handler, before it returns.
        if self._handler is None:
            self._handler = _login_handler(self._users, self._login_endpoint, self._login_template)
        return self._handler
