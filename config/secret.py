"""The secret key: from HANDOFF_SECRET_KEY, or a generated one kept on disk for local use.

The WSGI/ASGI entry points refuse to start without HANDOFF_SECRET_KEY, so the generated key only
ever serves the local demo, the development server and management commands.
"""

import secrets
from pathlib import Path


def local_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
