"""The steps a signed-in user still owes before any page: the second factor (verify, or enrol
where it is required) and a new password after one set by someone else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp import user_has_device

from accounts import policy

# Pages a user may open while a step is pending (besides the step's own page).
ALWAYS_OPEN = ("logout", "set_language", "healthz")
# Once a session owes nothing, it is remembered there: no device queries on every request.
DONE_KEY = "_sign_in_steps_done"


class SignInStepsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated and not request.session.get(DONE_KEY):
            step = self.pending_step(request)
            if step is None:
                if settings.SIGN_IN_STEPS_ENFORCED:
                    request.session[DONE_KEY] = True
                return self.get_response(request)
            open_paths = {reverse(name) for name in (*ALWAYS_OPEN, *step[1])}
            if request.path not in open_paths:
                url = reverse(step[0])
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    url = f"{url}?{urlencode({'next': request.get_full_path()})}"
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return HttpResponseRedirect(url)
        return self.get_response(request)

    @staticmethod
    def pending_step(request: HttpRequest) -> tuple[str, tuple[str, ...]] | None:
        """(the page of the step, the pages open during it), or None when nothing is owed."""
        user = request.user
        if not user.is_authenticated or not settings.SIGN_IN_STEPS_ENFORCED:
            return None
        if user_has_device(user) and not user.is_verified():  # type: ignore[attr-defined]
            return ("accounts:two_factor_verify", ("accounts:two_factor_verify",))
        if policy.must_change_password(user):
            return ("password_change", ("password_change", "password_change_done"))
        if policy.must_enrol(user):
            return (
                "accounts:two_factor_setup",
                ("accounts:two_factor_setup", "accounts:two_factor_codes"),
            )
        return None
