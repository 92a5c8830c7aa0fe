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
    (`nav_groups`); `nav_items` is the flat list (used by the home page without panels).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": []}
    items, groups = [], []
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
        groups.append(
            {
                "label": group_label or entries[0]["label"],
                "items": entries if group_label else [],
                "url": entries[0]["url"],
                "active": any(e["active"] for e in entries),
            }
        )
    return {"nav_items": items, "nav_groups": groups}
