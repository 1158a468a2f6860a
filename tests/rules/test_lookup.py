"""lookup() against a real HTTP server on this machine: allowlist, timeout, size cap."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from escalations.rules.integrations import IntegrationConfig, IntegrationError, build_url, lookup


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if "/slow" in self.path:
            time.sleep(1.0)
        if "/redirect" in self.path:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/steal")
            self.end_headers()
            return
        if "/big" in self.path:
            body = json.dumps({"blob": "x" * 5000}).encode()
        else:
            body = json.dumps(
                {"path": self.path, "auth": self.headers.get("Authorization")}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client that gave up (the timeout test) is expected here


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def crm(server):
    return {
        "crm": IntegrationConfig(
            name="crm",
            base_url=f"{server}/api",
            credential="s3cret",
            timeout=0.3,
            max_bytes=1024,
        )
    }


def test_lookup_reads_json_with_the_credential(crm):
    answer = lookup(crm, "crm", "/accounts/42", {"fields": "plan"})
    assert answer == {"path": "/api/accounts/42?fields=plan", "auth": "Bearer s3cret"}


def test_an_unknown_integration_is_refused(crm):
    with pytest.raises(IntegrationError, match="no active integration called 'erp'"):
        lookup(crm, "erp", "/x")


@pytest.mark.parametrize(
    "path", ["//127.0.0.2/x", "http://127.0.0.2/x", "/x@127.0.0.2", "relative", "/a\\b"]
)
def test_paths_cannot_leave_the_integrations_host(crm, path):
    with pytest.raises(IntegrationError):
        build_url(crm["crm"], path, None)


def test_loopback_addresses_not_configured_are_refused(server):
    # only erp.example.com is configured: the service listening on loopback is out of reach
    configs = {"erp": IntegrationConfig(name="erp", base_url="http://erp.example.com")}
    with pytest.raises(IntegrationError, match="no active integration called 'local'"):
        lookup(configs, "local", server + "/api/x")
    for path in (server + "/api/x", "//127.0.0.1/api/x"):
        with pytest.raises(IntegrationError):
            lookup(configs, "erp", path)


def test_redirects_are_not_followed(crm):
    with pytest.raises(IntegrationError, match="redirect"):
        lookup(crm, "crm", "/redirect")


def test_a_slow_integration_times_out(crm):
    started = time.monotonic()
    with pytest.raises(IntegrationError, match=r"did not answer within 0\.3 s"):
        lookup(crm, "crm", "/slow")
    assert time.monotonic() - started < 0.9


def test_a_large_answer_is_refused(crm):
    with pytest.raises(IntegrationError, match="more than 1 KiB"):
        lookup(crm, "crm", "/big")
