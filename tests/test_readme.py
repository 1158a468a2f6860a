"""The README is the front door: keep what it shows true."""

import tomllib
from pathlib import Path

from escalations.management.commands.handoff_lifecycle import readme_block

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lifecycle_diagram_is_the_one_in_the_code():
    assert readme_block() in README, "run: uv run manage.py handoff_lifecycle --readme"


def test_readme_documents_every_setting_in_env_example():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    names = {
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in example.splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }
    assert names, ".env.example lists no settings"
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert not missing, f"settings missing from the README: {missing}"


def test_every_setting_read_in_code_is_in_env_example():
    import re

    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    read = set()
    for path in (ROOT / "config").glob("*.py"):
        read |= set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', path.read_text(encoding="utf-8")))
    for package in ("escalations", "templates_catalog"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            read |= set(re.findall(r'os\.environ(?:\.get)?[\[(]\s*"(HANDOFF_[A-Z_]+)"', text))
    missing = sorted(name for name in read if name not in example)
    assert not missing, f"settings missing from .env.example: {missing}"


def test_python_version_matches_the_project():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"].startswith(">=3.12")
    assert (ROOT / ".python-version").read_text().strip() == "3.12"


def test_readme_workflow_diagram_is_the_one_the_code_draws():
    from templates_catalog.services import template_diagram

    drawn = (ROOT / "docs" / "workflow-quality-control-checklist.svg").read_text(encoding="utf-8")
    assert "docs/workflow-quality-control-checklist.svg" in README
    assert drawn == template_diagram("quality-control-checklist"), (
        "run: uv run manage.py handoff_templates --diagram quality-control-checklist "
        "> docs/workflow-quality-control-checklist.svg"
    )


def test_the_development_section_names_every_management_command():
    development = README.split("## Development", 1)[1]
    commands = {
        path.stem
        for path in ROOT.glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }
    assert commands
    missing = sorted(name for name in commands if f"`{name}" not in development)
    assert not missing, f"management commands the Development section does not name: {missing}"
