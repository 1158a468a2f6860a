"""Reading JSON from a configured integration: the only outbound call a script can make.

Only the integration's own host is reached (no redirects, no absolute or protocol-relative
paths), with its timeout and response size cap; the credential comes from the environment.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


class IntegrationError(Exception):
    """A lookup that was refused or failed; the message says which and why."""


@dataclass(frozen=True)
class IntegrationConfig:
    name: str
    base_url: str
    credential: str = ""
    auth_header: str = "Authorization"
    auth_prefix: str = "Bearer"
    timeout: float = 3.0
    max_bytes: int = 256 * 1024

    @property
    def host(self) -> tuple[str, int | None]:
        parts = urllib.parse.urlsplit(self.base_url)
        return (parts.hostname or "", parts.port)

    @classmethod
    def from_model(cls, integration) -> "IntegrationConfig":
        credential = (
            os.environ.get(integration.credential_env, "") if integration.credential_env else ""
        )
        return cls(
            name=integration.name,
            base_url=integration.base_url,
            credential=credential,
            auth_header=integration.auth_header,
            auth_prefix=integration.auth_prefix,
            timeout=integration.timeout_seconds,
            max_bytes=integration.max_response_kb * 1024,
        )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise IntegrationError(f"the integration answered with a redirect ({code}), not followed")


no_redirect_opener = urllib.request.build_opener(_NoRedirects)


def build_url(config: IntegrationConfig, path: str, params: dict | None) -> str:
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise IntegrationError("the path must start with a single '/'")
    if any(char in path for char in ("\\", "\r", "\n", "@")) or "://" in path:
        raise IntegrationError("the path may not name another address")
    url = config.base_url.rstrip("/") + path
    if params:
        if not isinstance(params, dict):
            raise IntegrationError("params must be a dict of names to values")
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(
            {str(k): str(v) for k, v in params.items()}
        )
    parts = urllib.parse.urlsplit(url)
    if (parts.hostname or "", parts.port) != config.host:
        raise IntegrationError(f"{parts.hostname} is not the host of the integration {config.name}")
    return url


def lookup(configs: dict[str, IntegrationConfig], name: Any, path: Any, params: Any = None):
    """GET base_url + path from the named integration and return the parsed JSON."""
    config = configs.get(name) if isinstance(name, str) else None
    if config is None:
        raise IntegrationError(f"there is no active integration called {name!r}")
    url = build_url(config, path, params)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    if config.credential:
        value = f"{config.auth_prefix} {config.credential}".strip()
        request.add_header(config.auth_header, value)
    try:
        with no_redirect_opener.open(request, timeout=config.timeout) as response:
            body = response.read(config.max_bytes + 1)
    except IntegrationError:
        raise
    except TimeoutError:
        raise IntegrationError(
            f"{config.name} did not answer within {config.timeout:g} s"
        ) from None
    except urllib.error.HTTPError as exc:
        raise IntegrationError(f"{config.name} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise IntegrationError(
                f"{config.name} did not answer within {config.timeout:g} s"
            ) from None
        raise IntegrationError(f"{config.name} could not be reached: {reason}") from None
    if len(body) > config.max_bytes:
        raise IntegrationError(f"{config.name} answered more than {config.max_bytes // 1024} KiB")
    try:
        return json.loads(body)
    except ValueError:
        raise IntegrationError(f"{config.name} did not answer JSON") from None
