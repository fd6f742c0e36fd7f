"""LLM backends. Built-ins register the way plug-ins would (CONVENTIONS 2)."""

from __future__ import annotations

import importlib

from novelcraft.backends.base import (
    REGISTRY,
    Backend,
    BackendError,
    BackendOptions,
    Completion,
    get_backend,
    register,
)

BUILTIN_BACKENDS = (
    "novelcraft.backends.offline",
    "novelcraft.backends.codex_cli",
    "novelcraft.backends.openai_compat",
)


def load_builtin_backends() -> None:
    for module in BUILTIN_BACKENDS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


__all__ = [
    "REGISTRY",
    "Backend",
    "BackendError",
    "BackendOptions",
    "Completion",
    "get_backend",
    "load_builtin_backends",
    "register",
]
