"""The lock files (requirements/*.txt, `make lock`) say what is installed everywhere: every
dependency pyproject.toml declares is locked at a version its range admits, with hashes, and the
runtime lock holds nothing the runtime does not need (docs/operations.md, "Dependencies")."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;\s*(.+?))?\s*\\?$")


def locked(name: str) -> dict[str, tuple[str, list[str]]]:
    """{canonical name: (version, hashes)} of requirements/<name>.txt, parsed line by line."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in (REPO / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match[1])
            pins[current] = (match[2], [])
        elif line.strip().startswith("--hash=sha256:") and current:
            pins[current][1].append(line.strip().removeprefix("--hash=sha256:").rstrip(" \\"))
        elif not line.startswith(" "):
            current = None
    return pins


def declared(*groups: str) -> list[Requirement]:
    requirements = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    for group in groups:
        requirements += [
            Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"][group]
        ]
    return requirements


@pytest.mark.parametrize(("lock", "groups"), [("base.txt", ()), ("dev.txt", ("dev",))])
def test_every_declared_dependency_is_locked_within_its_range(lock, groups):
    pins = locked(lock)
    problems = []
    for requirement in declared(*groups):
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name}: not in requirements/{lock}")
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            problems.append(f"{requirement.name}: {pins[name][0]} outside {requirement.specifier}")
    assert problems == [], "run `make lock`: " + "; ".join(problems)


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_pin_carries_sha256_hashes(lock):
    pins = locked(lock)
    assert pins, f"requirements/{lock} pins nothing"
    unhashed = [name for name, (_, hashes) in pins.items() if not hashes]
    assert unhashed == []
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for _, hashes in pins.values() for h in hashes)


def test_runtime_lock_is_the_dev_lock_minus_dev_tools():
    base, dev = locked("base.txt"), locked("dev.txt")
    # The same versions where both hold a package: what the suite tested is what is deployed.
    assert {n: v for n, (v, _) in base.items()} == {n: dev[n][0] for n in base if n in dev}
    assert set(base) <= set(dev)
    dev_only = {canonicalize_name(r.name) for r in declared("dev")}
    assert not dev_only & set(base) - {canonicalize_name(r.name) for r in declared()}


def test_this_environment_runs_the_locked_versions():
    """The virtualenv the suite runs in was installed from requirements/dev.txt (`make install`)."""
    from importlib.metadata import PackageNotFoundError, version

    environment = default_environment()
    mismatched = []
    for line in (REPO / "requirements" / "dev.txt").read_text().splitlines():
        match = PIN.match(line)
        if not match:
            continue
        name, pinned, marker = match[1], match[2], match[3]
        if marker and not Requirement(f"{name}; {marker}").marker.evaluate(environment):  # type: ignore[union-attr]
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            mismatched.append(f"{name}: not installed")
            continue
        if installed != pinned:
            mismatched.append(f"{name}: {installed} installed, {pinned} locked")
    assert mismatched == [], "run `make install`: " + "; ".join(mismatched)
