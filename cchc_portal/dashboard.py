"""The role dashboard at `/`: panels contributed by the apps.

Each app may define `<app>/dashboard.py` with `panels(request) -> list[Panel]`; the home page
shows them in app order (units → procedures → scoring → inspections). Discovery keeps the import
direction: the plumbing never imports an app by name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from cchc_portal.http import AuthedHttpRequest


@dataclass
class Panel:
    """One dashboard card: a template fragment and its context, with a link to the page behind."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    link: str | None = None
    width: int = 6  # Bootstrap columns out of 12 on large screens


def dashboard_panels(request: AuthedHttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.dashboard":
                raise
            continue
        contribute = getattr(module, "panels", None)  # this module itself has none
        if contribute is not None:
            panels.extend(contribute(request))
    return panels
