""".env.example is the contract between the settings, docker-compose.yml and the operator:
every variable it lists is read by someone and reaches the container, and the settings read
nothing it does not list (docs/operations.md tells operators to configure through it)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
DEPLOYMENT_HEADER = "# --- Deployment only"
# `NAME=value`, or `# NAME=value` for an optional one shown commented out.
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
# How the settings read a variable: the strict parsers of cchc_portal/env.py, by literal name.
SETTINGS_READ = re.compile(r"\benv_(?:str|bool|int|list|database)\(\s*\"([A-Z][A-Z0-9_]*)\"")
# Entries of the web service's `environment` that do not pass .env's value through, and why.
COMPOSED = {"DATABASE_URL": "the db service's address, built from POSTGRES_*"}


def example() -> tuple[dict[str, str], dict[str, str]]:
    """(Django's variables, deployment-only variables) of .env.example, name → example value."""
    django, deployment = {}, {}
    target = django
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith(DEPLOYMENT_HEADER):
            target = deployment
        elif match := ASSIGNMENT.match(line.strip()):
            target[match[1]] = match[2]
    return django, deployment


def settings_reads() -> set[str]:
    """Names the settings package reads from the environment."""
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "cchc_portal").glob("*.py"))
    return set(SETTINGS_READ.findall(source))


def web_service() -> dict:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["services"]["web"]


def interpolated(text: str) -> set[str]:
    """Names used as ${NAME}, ${NAME:-default}, ${NAME:?message} or $NAME."""
    return set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", text))


def test_the_example_is_parsed_into_both_sections():
    django, deployment = example()
    # Guards the parser itself: a header renamed or a format change would empty a section.
    assert {"SECRET_KEY", "DEBUG", "AXES_PROXY_COUNT", "JOBS_CACHE_DIR"} <= django.keys()
    assert {"POSTGRES_PASSWORD", "WEB_CONCURRENCY"} <= deployment.keys()


def test_every_django_variable_of_the_example_is_read_by_the_settings():
    django, _ = example()
    assert sorted(django.keys() - settings_reads()) == []


def test_every_variable_the_settings_read_is_in_the_example():
    django, deployment = example()
    assert sorted(settings_reads() - django.keys()) == []
    assert sorted(settings_reads() & deployment.keys()) == []


def test_every_deployment_variable_is_read_by_compose_or_the_image():
    _, deployment = example()
    used = interpolated((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    used |= interpolated((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert sorted(deployment.keys() - used) == []


def test_compose_and_the_image_use_only_documented_variables():
    django, deployment = example()
    used = interpolated((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    used |= interpolated((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    assert sorted(used - django.keys() - deployment.keys()) == []


def test_the_web_container_gets_the_whole_env_file():
    env_file = web_service().get("env_file")
    files = [env_file] if isinstance(env_file, str | dict) else (env_file or [])
    paths = [f["path"] if isinstance(f, dict) else f for f in files]
    assert any(Path(p).name == ".env" for p in paths), env_file


def test_no_compose_entry_hides_the_env_file_value():
    """An `environment` entry wins over env_file: it must pass the same variable through, or be
    one that compose builds on purpose (COMPOSED)."""
    environment = web_service().get("environment") or {}
    if isinstance(environment, list):  # the `- NAME=value` form
        environment = dict(item.partition("=")[::2] for item in environment)
    hiding = {
        name: value
        for name, value in environment.items()
        if name not in COMPOSED and name not in interpolated(str(value))
    }
    assert hiding == {}
    assert COMPOSED.keys() <= environment.keys()  # else COMPOSED excuses an entry gone


def test_the_example_values_start_the_production_settings():
    """Every example value passes the strict parsers (a typo there stops the container)."""
    django, _ = example()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO"))}
    env = {k: v for k, v in env.items() if k not in django}
    env.update(django)
    env["DJANGO_SETTINGS_MODULE"] = "cchc_portal.settings"
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.DEFAULT_FROM_EMAIL, settings.ALLOWED_HOSTS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "cchc-portal@example.gov.vn",
        "['cchc.example.gov.vn']",
    ]
