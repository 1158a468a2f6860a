"""Typed access to the environment: every setting Handoff reads comes through here, the secret
key too (from HANDOFF_SECRET_KEY, or a generated one kept on disk for local use)."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def load_env_file(path) -> None:
    """Read KEY=VALUE lines from a `.env` file; variables already set in the environment win."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not key.strip().isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(key.strip(), value)


def env_file_path(base_dir):
    """The `.env` file read at start-up: HANDOFF_ENV_FILE, else `.env` in the project."""
    return Path(env_str("HANDOFF_ENV_FILE") or Path(base_dir) / ".env")


def production_secret_key_required(base_dir) -> None:
    """The production entry points' check: a secret key from the environment or the `.env`
    file (read first, as the settings read it), never the generated local one."""
    load_env_file(env_file_path(base_dir))
    if not os.environ.get("HANDOFF_SECRET_KEY"):
        raise ImproperlyConfigured(
            "Set HANDOFF_SECRET_KEY (in the environment or the .env file) before serving "
            "Handoff in production."
        )


def local_secret_key(var_dir: Path) -> str:
    """A generated secret key kept on disk, made on first use.

    The WSGI/ASGI entry points refuse to start without HANDOFF_SECRET_KEY, so the generated key
    only ever serves the local demo, the development server and management commands.
    """
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
