"""A request body sent in chunks (Transfer-Encoding: chunked, no Content-Length), over real
HTTP: read where the server de-chunks it (gunicorn), refused with 411 where it cannot be read
(Django's development server, which also runs the live test server) — never taken as empty."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from escalations.tickets.models import Ticket
from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure
from tests.helpers.servers import database_url, free_port, wait_for

ROOT = Path(__file__).resolve().parents[3]


def ticket_json(team) -> bytes:
    return json.dumps(
        {
            "workspace": team.workspace.slug,
            "subject": "Sent in chunks",
            "body": "The parcel never came.",
            "customer": {"email": "chunks@example.org", "name": "Chunks"},
        }
    ).encode()


def post_chunked(host: str, port: int, token: str, body: bytes) -> tuple[int, dict]:
    """POST the body in two chunks, with no Content-Length. The request goes out in one write,
    so a server that answers before reading it all still finds it whole in its buffer."""
    pieces = [body[:20], body[20:]]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    head = (
        f"POST /api/tickets/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(head.encode() + chunks)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, json.loads(response.read() or b"{}")


def integration_token() -> str:
    _, raw = api_token_issue(user=integration_user_ensure(username="chunky-bot"), days=1)
    return raw


def test_a_chunked_body_is_411_on_a_server_that_cannot_read_it(live_server, l1_team):
    host, port = live_server.url.removeprefix("http://").split(":")

    status, answer = post_chunked(host, int(port), integration_token(), ticket_json(l1_team))

    assert status == 411
    assert answer == {
        "detail": "Send the request body with a Content-Length header: this "
        "server cannot read a chunked body."
    }
    assert not Ticket.objects.exists()


@contextmanager
def gunicorn(**env):
    """A real gunicorn (one sync worker) on the test database; yields its port."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HANDOFF_SECRET_KEY": "test-only-secret-key-not-for-production-use-0123456789",
        "HANDOFF_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HANDOFF_DEBUG": "0",
        **env,
    }
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "config.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"),
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_is_read_under_gunicorn(l1_team):
    with gunicorn() as port:
        status, answer = post_chunked("127.0.0.1", port, integration_token(), ticket_json(l1_team))

    assert status == 201, answer
    assert answer["subject"] == "Sent in chunks"
    assert Ticket.objects.get().subject == "Sent in chunks"


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_over_the_limit_is_413_under_gunicorn(l1_team):
    body = ticket_json(l1_team)
    with gunicorn(HANDOFF_API_MAX_BODY_BYTES=str(len(body) - 1)) as port:
        status, answer = post_chunked("127.0.0.1", port, integration_token(), body)

    assert (status, answer) == (
        413,
        {"detail": f"The request body is larger than {len(body) - 1} bytes."},
    )
    assert not Ticket.objects.exists()
