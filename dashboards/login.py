"""Panel login against NovelCraft's users file (hashed passwords), not Panel's plain-text check.

Panel's `BasicAuthProvider` serves the login page and signs the `user` cookie; only how a
password is checked differs, so the provider hands Panel a login handler whose `_validate`
asks `novelcraft.auth.Users`. Nothing on disk holds a password.
"""

from __future__ import annotations

from importlib import resources

import tornado.escape
from panel.auth import BasicAuthProvider, BasicLoginHandler, _validate_next_url

from novelcraft.auth import Users

LOGIN_TEMPLATE = "data/login.html"
WRONG_LOGIN = "사용자 이름 또는 비밀번호가 올바르지 않습니다"


def _login_handler(users: Users, endpoint: str, template) -> type[BasicLoginHandler]:
    class HashedLoginHandler(BasicLoginHandler):
        _login_endpoint = endpoint
        _login_template = template

        def _validate(self, username: str, password: str) -> bool:
            return users.verify(username, password)

        def post(self) -> None:
            username = self.get_argument("username", "")
            if users.verify(username, self.get_argument("password", "")):
                self.set_current_user(username)
                self.redirect(_validate_next_url(self.get_cookie("next_url", "/")) or "/")
            else:
                self.redirect(
                    f"{self._login_endpoint}?error={tornado.escape.url_escape(WRONG_LOGIN)}"
                )

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
