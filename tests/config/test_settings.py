import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list
from escalations.core.checks import E_LOCAL_SECRET, check_secret_key_from_environment

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("off", False)])
def test_booleans_read_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("HANDOFF_X", raw)
    assert env_bool("HANDOFF_X") is expected


def test_a_malformed_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("HANDOFF_X", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="HANDOFF_X must be a boolean"):
        env_bool("HANDOFF_X")
    monkeypatch.setenv("HANDOFF_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="HANDOFF_N must be an integer"):
        env_int("HANDOFF_N", 1)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("HANDOFF_HOSTS", "a.example.com, b.example.com,")
    assert env_list("HANDOFF_HOSTS", []) == ["a.example.com", "b.example.com"]


def test_production_entry_point_refuses_to_start_without_a_secret_key(tmp_path):
    no_file = str(tmp_path / "missing.env")
    refused = run_python(
        "import config.wsgi", HANDOFF_VAR_DIR=str(tmp_path), HANDOFF_ENV_FILE=no_file
    )
    assert refused.returncode != 0
    assert "Set HANDOFF_SECRET_KEY" in refused.stderr

    started = run_python(
        "import config.wsgi; print('ok')",
        HANDOFF_VAR_DIR=str(tmp_path),
        HANDOFF_ENV_FILE=no_file,
        HANDOFF_SECRET_KEY="x" * 50,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "ok"


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_production_entry_points_take_the_secret_key_from_the_env_file(tmp_path, entry):
    env_file = tmp_path / "handoff.env"
    env_file.write_text("HANDOFF_SECRET_KEY=" + "k" * 50 + "\n", encoding="utf-8")
    started = run_python(
        f"import {entry}; from django.conf import settings; print(settings.SECRET_KEY[:3])",
        HANDOFF_VAR_DIR=str(tmp_path),
        HANDOFF_ENV_FILE=str(env_file),
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "kkk"


def test_deploy_check_fails_while_the_generated_key_is_in_use(settings):
    settings.HANDOFF_SECRET_KEY_FROM_ENV = False
    assert [e.id for e in check_secret_key_from_environment(None, deploy=True)] == [E_LOCAL_SECRET]
    settings.HANDOFF_SECRET_KEY_FROM_ENV = True
    assert check_secret_key_from_environment(None, deploy=True) == []


def test_debug_is_off_unless_asked(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        HANDOFF_VAR_DIR=str(tmp_path),
    )
    assert result.stdout.strip() == "False", result.stderr


def test_embedded_database_is_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "print(connection.settings_dict['NAME'])"
    )
    result = run_python(code, HANDOFF_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    mode, name = result.stdout.split()
    assert mode == "wal"
    assert name == str(tmp_path / "handoff.sqlite3")


def test_a_retry_shorter_than_the_timeout_is_refused_at_start_up(settings):
    from escalations.core.checks import E_Q_RETRY, check_task_retry_exceeds_timeout

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 60, "retry": 60}
    assert [e.id for e in check_task_retry_exceeds_timeout(None)] == [E_Q_RETRY]
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "retry": 61}
    assert check_task_retry_exceeds_timeout(None) == []
