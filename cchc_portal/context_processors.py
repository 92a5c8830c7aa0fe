"""Navigation by role, collected from the apps so that each app owns its own menu entries."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def navigation(request: HttpRequest) -> dict:
    """Menu entries for the current user.

    An app declares `nav_items = [(label, url_name, user_attribute_or_None), …]` on its
    AppConfig; an entry shows when the attribute is true for the user (None: every user).
    Entries of an app with a `nav_label` are grouped under it in a drop-down menu
    (`nav_groups`), one menu for every app that names the same label (the admin pages of
    several apps under "Quản trị"). Menus come in `INSTALLED_APPS` order, except that an app
    may set `nav_order` (default 50; the admin pages' apps say 90, so "Quản trị" comes last);
    `nav_items` is the flat list (used by the home page without panels).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    items: list[dict] = []
    groups: list[dict] = []
    by_label: dict[str, dict] = {}
    for config in apps.get_app_configs():
        entries = []
        for label, url_name, attribute in getattr(config, "nav_items", ()):
            if attribute and not getattr(user, attribute, False):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            entries.append({"label": label, "url": url, "active": request.path.startswith(url)})
        if not entries:
            continue
        items.extend(entries)
        group_label = getattr(config, "nav_label", None)
        active = any(e["active"] for e in entries)
        if group_label and str(group_label) in by_label:
            group = by_label[str(group_label)]
            group["items"].extend(entries)
            group["active"] = group["active"] or active
            continue
        group = {
            "order": getattr(config, "nav_order", 50),
            "label": group_label or entries[0]["label"],
            "items": list(entries) if group_label else [],
            "url": entries[0]["url"],
            "active": active,
        }
        groups.append(group)
        if group_label:
            by_label[str(group_label)] = group
    groups.sort(key=lambda g: g["order"])  # stable: INSTALLED_APPS order within an order
    return {"nav_items": items, "nav_groups": groups}
