"""Navigation by role, collected from the apps so that each app owns its own menu entries."""

from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


def navigation(request: HttpRequest) -> dict:
    """Menu entries for the current user.

    An app declares `nav_items = [(label, url_name, user_attribute_or_None), …]` on its
    AppConfig; an entry shows when the attribute is true for the user (None: every user).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for config in apps.get_app_configs():
        for label, url_name, attribute in getattr(config, "nav_items", ()):
            if attribute and not getattr(user, attribute, False):
                continue
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    return {"nav_items": items}
