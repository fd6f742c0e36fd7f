"""Writing files so that a failure never leaves half of one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from novelcraft.errors import BadInput
from novelcraft.parse_problems import os_error_text


def write_file_atomically(path: Path, data: str | bytes) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    path = Path(path)
    if path.is_dir():
        raise BadInput(f"{path}: 폴더입니다")
    if not path.parent.is_dir():
        raise BadInput(f"{path}: 폴더 {path.parent}이(가) 없습니다")
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BadInput(f"{path}: 여기에 쓸 수 없습니다 ({os_error_text(exc)})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        # A full disk or a vanished folder is the user's to fix; nothing half written remains.
        raise BadInput(f"{path}: 쓸 수 없습니다 ({os_error_text(exc)})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# The workspace holds manuscripts and credentials: only its owner may read it (DESIGN §3).
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private(path: Path) -> None:
    """Owner-only modes on `path` and everything under it (symbolic links are left alone)."""
    path = Path(path)
    if path.is_symlink():
        return
    if path.is_file():
        os.chmod(path, PRIVATE_FILE_MODE)
        return
    os.chmod(path, PRIVATE_DIR_MODE)
    for folder, dirs, names in os.walk(path):
        for name in dirs:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), PRIVATE_DIR_MODE)
        for name in names:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), PRIVATE_FILE_MODE)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside (by us, DuckDB or SQLite) are born owner-only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
