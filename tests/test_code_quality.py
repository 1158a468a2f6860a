"""Lint and format are part of the test command."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_model_name_reads_as_english_in_the_admin():
    import re

    from django.apps import apps

    def misspelt(model) -> bool:
        plural, name = str(model._meta.verbose_name_plural), str(model._meta.verbose_name)
        return bool(re.search(r"([^aeiou]ys|ss)$", plural)) or name.startswith("ai ")

    wrong = [
        f"{model.__name__}: {model._meta.verbose_name_plural}"
        for app in ("escalations", "templates_catalog")
        for model in apps.get_app_config(app).get_models()
        # history tables are not admin pages
        if not model.__name__.startswith("Historical") and misspelt(model)
    ]
    assert wrong == []
