"""Request types for views, so the type checker knows what the middleware guarantees.

Every page sits behind `LoginRequiredMiddleware` unless its view is marked `@login_not_required`
(cchc_portal/settings.py), so an ordinary view's `request.user` is a signed-in portal user, never
`AnonymousUser`; and `HtmxMiddleware` sets `request.htmx` on every request. Views annotate their
request as `AuthedHttpRequest`; public views keep `HttpRequest` (their user may be anonymous).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from units.models import User


class AuthedHttpRequest(HttpRequest):
    """A request of a signed-in user (a view without `@login_not_required`)."""

    user: User
    htmx: HtmxDetails
