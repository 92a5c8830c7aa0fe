"""Signing in and its security pages: login, password change and reset (inside the portal's
layout, reset throttled per address and per account), two-factor enrolment and verification
with recovery codes, and the admins' pages for lockouts and users' second factor."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import policy, selectors
from accounts.forms import (
    OwnerPasswordChangeForm,
    OwnerSetPasswordForm,
    PortalPasswordResetForm,
    TokenForm,
)
from accounts.models import AccountSecurity
from accounts.throttle import reset_requests_in_last_hour
from audit.choices import Action
from audit.services import record
from cchc_portal.http import AuthedHttpRequest
from cchc_portal.net import client_address
from cchc_portal.permissions import require, user_passes
from units.choices import Role

RECOVERY_CODES = 10
SESSION_CODES = "_recovery_codes_to_show"
TOO_MANY_RESETS = _(
    "Đã có quá nhiều yêu cầu đặt lại mật khẩu từ địa chỉ này. Vui lòng thử lại sau một giờ."
)
WRONG_TOKEN = _("Mã không đúng hoặc đã hết hạn. Hãy nhập mã đang hiện trên ứng dụng xác thực.")
NOT_YOURS_TO_TURN_OFF = _("Vai trò của bạn bắt buộc xác thực hai lớp.")


# --------------------------------------------------------------------------- login, passwords


class PortalLoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["idle"] = self.request.GET.get("idle") == "1"
        return context


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    form_class = OwnerPasswordChangeForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["forced"] = policy.must_change_password(self.request.user)
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(action=Action.PASSWORD_CHANGED, request=self.request)
        return response


class PortalPasswordResetView(auth_views.PasswordResetView):
    """Throttled: per client address (an error page, 429) and per account (silently no mail,
    so the page never tells whether the address belongs to someone)."""

    form_class = PortalPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        address = client_address(self.request)
        email = form.cleaned_data["email"].strip().lower()
        if (
            reset_requests_in_last_hour(ip_address=address)
            >= settings.PASSWORD_RESET_PER_ADDRESS_HOUR
        ):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        owner = get_user_model().objects.filter(email__iexact=email).select_related("unit").first()
        record(
            action=Action.PASSWORD_RESET_REQUESTED,
            request=self.request,
            target=email,
            unit=owner.unit if owner else None,
        )
        if reset_requests_in_last_hour(target=email) > settings.PASSWORD_RESET_PER_ACCOUNT_HOUR:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = OwnerSetPasswordForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        record(action=Action.PASSWORD_RESET, request=self.request, actor=form.user)
        return response


# --------------------------------------------------------------------------- two-factor


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _new_recovery_codes(user: Any) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _next_or_home(request: AuthedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def two_factor_setup(request: AuthedHttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the key), confirm with one code; recovery codes
    follow. With a device already confirmed: the status, new codes, switching off."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if confirmed is not None:
        return render(
            request,
            "accounts/two_factor_status.html",
            {
                "title": gettext("Xác thực hai lớp"),
                "device": confirmed,
                "codes_left": StaticToken.objects.filter(device__user=user).count(),
                "may_turn_off": policy.may_turn_off_two_factor(user),
            },
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                request.session[SESSION_CODES] = _new_recovery_codes(user)
                record(action=Action.TWO_FACTOR_ENABLED, request=request, target=user)
            django_otp.login(request, device)
            return redirect("accounts:two_factor_codes")
        form.add_error("token", WRONG_TOKEN)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "title": gettext("Bật xác thực hai lớp"),
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode().rstrip("="),
            "required": policy.two_factor_required(user),
        },
    )


def two_factor_codes(request: AuthedHttpRequest) -> HttpResponse:
    """The recovery codes, shown once after they are made; POST makes a new set."""
    user = request.user
    if request.method == "POST":
        require(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
        request.session[SESSION_CODES] = _new_recovery_codes(user)
        record(
            action=Action.TWO_FACTOR_ENABLED, request=request, target=user, detail="recovery codes"
        )
        return redirect("accounts:two_factor_codes")
    codes = request.session.pop(SESSION_CODES, None)
    return render(
        request,
        "accounts/two_factor_codes.html",
        {"title": gettext("Mã khôi phục"), "codes": codes},
    )


def two_factor_verify(request: AuthedHttpRequest) -> HttpResponse:
    """The second step of a sign-in: a code of the authenticator app, or a recovery code."""
    user = request.user
    if not django_otp.user_has_device(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_or_home(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                record(action=Action.RECOVERY_CODE_USED, request=request)
            return HttpResponseRedirect(_next_or_home(request))
        record(action=Action.TWO_FACTOR_FAILED, request=request)
        form.add_error("token", WRONG_TOKEN)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"title": gettext("Xác thực hai lớp"), "form": form, "next": _next_or_home(request)},
    )


@require_POST
def two_factor_disable(request: AuthedHttpRequest) -> HttpResponse:
    """Unit staff may switch their optional second factor off (provincial roles may not)."""
    if not policy.may_turn_off_two_factor(request.user):
        messages.error(request, NOT_YOURS_TO_TURN_OFF)
        return redirect("accounts:two_factor_setup")
    selectors.remove_devices(request.user)
    record(action=Action.TWO_FACTOR_RESET, request=request, target=request.user)
    messages.success(request, gettext("Đã tắt xác thực hai lớp."))
    return redirect("accounts:two_factor_setup")


# --------------------------------------------------------------------------- admins' pages


@user_passes("is_provincial_admin")
def lockout_list(request: AuthedHttpRequest) -> HttpResponse:
    """Failed-login records of the admin's province: who, from which address, how many, and
    whether the pair is locked out now; each can be lifted."""
    return render(
        request,
        "accounts/lockout_list.html",
        {"title": gettext("Tạm khóa đăng nhập"), "attempts": selectors.lockouts(request.user)},
    )


@require_POST
@user_passes("is_provincial_admin")
def lockout_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    attempt = selectors.get_or_404(selectors.attempts_visible_to(request.user), pk=pk)
    AccessAttempt.objects.filter(username=attempt.username, ip_address=attempt.ip_address).delete()
    owner = get_user_model().objects.filter(username=attempt.username).first()
    record(
        action=Action.UNLOCK,
        request=request,
        unit=owner.unit if owner else None,
        target=attempt.username,
        detail=f"{attempt.ip_address} ({attempt.failures_since_start})",
    )
    messages.success(
        request,
        gettext("Đã mở khóa đăng nhập cho %(username)s từ %(address)s.")
        % {"username": attempt.username, "address": attempt.ip_address},
    )
    return redirect("accounts:lockout_list")


@user_passes("is_provincial_admin")
def user_security_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/user_security_list.html",
        {"title": gettext("Bảo mật tài khoản"), "rows": selectors.user_security(request.user)},
    )


@require_POST
@user_passes("is_provincial_admin")
def user_two_factor_reset(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The admin reset: the user's devices and recovery codes go; a provincial role enrols
    again at the next sign-in."""
    target = selectors.get_or_404(selectors.users_visible_to(request.user), pk=pk)
    selectors.remove_devices(target)
    record(action=Action.TWO_FACTOR_RESET, request=request, unit=target.unit, target=target)
    messages.success(
        request, gettext("Đã đặt lại xác thực hai lớp của %(username)s.") % {"username": target}
    )
    return redirect("accounts:user_security_list")


@require_POST
@user_passes("is_provincial_admin")
def user_two_factor_exempt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Switch an inspector's default second factor off or on again (other roles: 403)."""
    target = selectors.get_or_404(selectors.users_visible_to(request.user), pk=pk)
    require(target.role == Role.PROVINCIAL_INSPECTOR and not target.is_superuser)
    security, _created = AccountSecurity.objects.get_or_create(user=target)
    security.two_factor_exempt = not security.two_factor_exempt
    security.save()
    record(
        action=Action.USER_CHANGED,
        request=request,
        unit=target.unit,
        target=target,
        detail=f"two_factor_exempt: {security.two_factor_exempt}",
    )
    return redirect("accounts:user_security_list")
