"""Strict readers for settings taken from the environment.

A wrong value must stop the server at start-up with a message that names the variable, not
surface later as a confusing error (docs/conventions.md, "Settings from the environment").
"""

from __future__ import annotations

import os
from typing import Any, cast, overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


SQLITE_INIT = "PRAGMA journal_mode=WAL;"


def env_database(name: str, *, default_sqlite_path: str, conn_max_age: int) -> dict:
    """Parse DATABASE_URL (PostgreSQL or SQLite); an SQLite file when unset."""
    import dj_database_url

    raw = os.environ.get(name, "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            # WAL: pages keep reading while the worker's import holds its long write transaction
            # (in the default journal mode they wait, then fail, once its pages spill to disk).
            "OPTIONS": {"timeout": 20, "init_command": SQLITE_INIT},
        }
    try:
        # A plain dict from here on: the OPTIONS below are ours, not the TypedDict's.
        config = cast(
            dict[str, Any],
            dj_database_url.parse(raw, conn_max_age=conn_max_age, conn_health_checks=True),
        )
    except Exception as exc:  # dj_database_url raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} cannot be parsed ({exc}).") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{name}={raw!r}: unknown database scheme.")
    if config["ENGINE"] not in (
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    ):
        raise ImproperlyConfigured(f"{name}: only postgres:// and sqlite:// URLs are supported.")
    if config["ENGINE"] == "django.db.backends.postgresql":
        # The portal's aggregates are short OLTP-sized queries: PostgreSQL's JIT compiler spent
        # ~1 s compiling a 1.7 s dossier aggregate (docs/benchmarks.md). Off for our sessions.
        config.setdefault("OPTIONS", {})
        config["OPTIONS"]["options"] = (
            config["OPTIONS"].get("options", "") + " -c jit=off"
        ).strip()
    return config
