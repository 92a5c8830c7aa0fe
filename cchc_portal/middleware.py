"""The portal's own middleware: the language choice, security headers, the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware but ignoring the browser's Accept-Language.

    Many officials' computers run an English browser; the portal still opens in Vietnamese and
    switches only when the user presses EN (the choice is kept in the language cookie).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None:
        return bool(user.is_authenticated)
    # A response made before AuthenticationMiddleware ran (a redirect of CommonMiddleware).
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


class SecurityHeadersMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user, pages and downloads alike
    (a shared or public computer must not keep a copy of a score sheet or an evidence file), and
    `Permissions-Policy` on every response (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if _signed_in(request):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


IDLE_KEY = "_last_seen"
IDLE_STAMP_EVERY = 60  # seconds: the session is written at most once a minute for this


class IdleTimeoutMiddleware:
    """Ends a session unused for SESSION_IDLE_MINUTES (besides SESSION_COOKIE_AGE, the absolute
    lifetime): the next request signs out and goes to the login page, which says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)
                query = urlencode({"idle": 1, "next": request.get_full_path()})
                url = f"{resolve_url(settings.LOGIN_URL)}?{query}"
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return HttpResponseRedirect(url)
            if not isinstance(last, int) or now - last >= IDLE_STAMP_EVERY:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


def captures_photos(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """View decorator for a page with a camera upload (`capture`): its Permissions-Policy lets
    this origin use the camera; every other page keeps `camera=()`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        response["Permissions-Policy"] = settings.PERMISSIONS_POLICY.replace(
            "camera=()", "camera=(self)"
        )
        return response

    return wrapper
