"""A real `novelcraft serve` with login options, in a subprocess on a free port (HTTP and
browser auth tests share it)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx

from novelcraft.dashboards.server import free_port


class Served:
    def __init__(self, root, *auth_args):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, NOVELCRAFT_HOME=str(root))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "novelcraft", "--workspace", str(root), "serve",
             "--host", "127.0.0.1", "--port", str(self.port), "--no-browser", "--workers", "1",
             *map(str, auth_args)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        server_file = root / "server.json"
        while True:
            if server_file.exists():
                with_pid = json.loads(server_file.read_text(encoding="utf-8"))
                if with_pid["pid"] == self.proc.pid:
                    break
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("server did not start in 90 s")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()

    def login(self, user: str, password: str) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)
        client.get("/login")
        client.post("/login", data={"username": user, "password": password})
        return client
