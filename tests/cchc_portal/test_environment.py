""".env.example is the contract between the settings, docker-compose.yml and the operator:
every variable it lists is read by someone and reaches the containers, and the settings read
nothing it does not list (docs/operations.md tells operators to configure through it). The web
and worker services run one image with one environment and share the folders of files and of
jobs' progress."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
DEPLOYMENT_HEADER = "# --- Deployment only"
# `NAME=value`, or `# NAME=value` for an optional one shown commented out.
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
# How the settings read a variable: the strict parsers of cchc_portal/env.py, by literal name.
SETTINGS_READ = re.compile(r"\benv_(?:str|bool|int|list|database)\(\s*\"([A-Z][A-Z0-9_]*)\"")
# Entries of the portal services' `environment` that do not pass .env's value through, and why.
COMPOSED = {
    "DATABASE_URL": "the db service's address, built from POSTGRES_*",
    "MEDIA_ROOT": "where the media volume is mounted",
    "JOBS_CACHE_DIR": "where the jobs-cache volume is mounted",
}
# The services running the portal's image: the same environment and files for both.
PORTAL_SERVICES = ("web", "worker")
# Folders web and worker must share: uploads written by web are read by the worker, progress
# and heartbeats written by the worker are read by web's polls.
SHARED_FOLDERS = ("MEDIA_ROOT", "JOBS_CACHE_DIR")


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


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def service(name: str) -> dict:
    return compose()["services"][name]


def environment_of(name: str) -> dict[str, str]:
    environment = service(name).get("environment") or {}
    if isinstance(environment, list):  # the `- NAME=value` form
        environment = dict(item.partition("=")[::2] for item in environment)
    return {key: str(value) for key, value in environment.items()}


def env_files_of(name: str) -> list[str]:
    env_file = service(name).get("env_file")
    files = [env_file] if isinstance(env_file, str | dict) else (env_file or [])
    return [f["path"] if isinstance(f, dict) else f for f in files]


def mounts_of(name: str) -> dict[str, str]:
    """Folder in the container → the named volume mounted there (short `volume:/path` form)."""
    mounts = {}
    for entry in service(name).get("volumes") or []:
        source, _, rest = entry.partition(":")
        mounts[rest.split(":")[0]] = source
    return mounts


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


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_the_portal_containers_get_the_whole_env_file(name):
    paths = env_files_of(name)
    assert any(Path(p).name == ".env" for p in paths), paths


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_no_compose_entry_hides_the_env_file_value(name):
    """An `environment` entry wins over env_file: it must pass the same variable through, or be
    one that compose builds on purpose (COMPOSED)."""
    environment = environment_of(name)
    hiding = {
        key: value
        for key, value in environment.items()
        if key not in COMPOSED and key not in interpolated(value)
    }
    assert hiding == {}
    assert COMPOSED.keys() <= environment.keys()  # else COMPOSED excuses an entry gone


def test_the_worker_runs_the_web_image_with_the_same_environment():
    web, worker = service("web"), service("worker")
    assert (worker.get("build"), worker.get("image")) == (web.get("build"), web.get("image"))
    assert env_files_of("worker") == env_files_of("web")
    assert environment_of("worker") == environment_of("web")
    assert environment_of("web")["DATABASE_URL"].endswith("@db:5432/${POSTGRES_DB:-cchc}")
    assert worker["command"] == ["python", "manage.py", "worker"]
    assert worker["depends_on"]["db"] == {"condition": "service_healthy"}


@pytest.mark.parametrize("variable", SHARED_FOLDERS)
def test_web_and_worker_share_a_volume_at_each_shared_folder(variable):
    folder = environment_of("web")[variable]
    volumes = {name: mounts_of(name).get(folder) for name in PORTAL_SERVICES}
    assert volumes["web"] is not None, f"{variable}={folder} is no mount point of web"
    assert volumes["worker"] == volumes["web"], volumes
    assert volumes["web"] in (compose().get("volumes") or {})  # a named volume, not a bind


def test_the_image_lets_the_portal_user_write_the_shared_folders():
    """A new named volume takes the owner of the image's folder it is mounted on."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    chown = re.search(r"chown portal ([^\n]+)", dockerfile)
    assert chown, "the Dockerfile no longer hands folders to the portal user"
    for variable in SHARED_FOLDERS:
        assert environment_of("web")[variable] in chown[1].split()


def compose_command() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, timeout=60)
        if probe.returncode == 0:
            return command
    return None


def test_compose_config_shows_db_web_and_worker(tmp_path):
    """What an operator's `docker compose config` sees, with the example as its .env (.ci/run
    validates the file the same way)."""
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(EXAMPLE, tmp_path / ".env")
    result = subprocess.run(
        [*command, "config", "--services"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.split()) == ["db", "web", "worker"]


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
