"""The bell, my notifications, my e-mail preference, and the admins' view of the mail queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc_portal.http import AuthedHttpRequest
from cchc_portal.permissions import get_visible_or_404, user_passes
from notifications import services
from notifications.choices import MailState
from notifications.forms import PreferenceForm
from notifications.models import Notification, OutgoingMail

PAGE_SIZE = 20


def notification_bell(request: AuthedHttpRequest) -> HttpResponse:
    """The bell's badge, loaded by htmx after the page (and every minute): the one query it
    costs is never part of rendering a page."""
    unread = Notification.objects.visible_to(request.user).unread().count()
    return render(request, "notifications/_bell.html", {"unread": unread})


def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = Notification.objects.visible_to(request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"title": _("Thông báo"), "page": page, "notifications": list(page.object_list)},
    )


@require_POST
def notification_open(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to its object (whose own page decides, again, who may open it)."""
    notification = get_visible_or_404(Notification.objects.all(), request.user, pk=pk)
    services.notifications_mark_read(user=request.user, pk=notification.pk)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications:notification_list")


@require_POST
def notification_read_all(request: AuthedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(user=request.user)
    if count:
        message = _("Đã đánh dấu %(count)s thông báo là đã đọc.") % {"count": count}
        messages.success(request, message)
    return redirect("notifications:notification_list")


def preferences(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_save(
                user=request.user, email_kinds=form.cleaned_data["email_kinds"]
            )
            messages.success(request, _("Đã lưu tùy chọn nhận thông báo."))
            return redirect("notifications:preferences")
    else:
        form = PreferenceForm(initial={"email_kinds": services.preference_of(request.user)})
    return render(
        request,
        "notifications/preferences.html",
        {"title": _("Nhận thông báo qua thư"), "form": form, "email": request.user.email},
    )


MAIL_FILTERS = {
    "waiting": (MailState.FAILED, MailState.PENDING),
    "sent": (MailState.SENT,),
}


@user_passes("is_provincial_admin")
def mail_list(request: AuthedHttpRequest) -> HttpResponse:
    """Failed and waiting mail first (the admins' worry); `?state=sent` for what went out."""
    shown = request.GET.get("state", "waiting")
    states = MAIL_FILTERS.get(shown, MAIL_FILTERS["waiting"])
    qs = (
        OutgoingMail.objects.visible_to(request.user)
        .filter(state__in=states)
        .order_by("state", "-created_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/mail_list.html",
        {
            "title": _("Thư gửi đi"),
            "page": page,
            "mails": list(page.object_list),
            "shown": shown if shown in MAIL_FILTERS else "waiting",
            "State": MailState,
        },
    )


@require_POST
@user_passes("is_provincial_admin")
def mail_retry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    mail = get_visible_or_404(OutgoingMail.objects.all(), request.user, pk=pk)
    try:
        mail = services.mail_retry(mail=mail, by=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        if mail.state == MailState.SENT:
            messages.success(request, _("Đã gửi lại thư tới %(to)s.") % {"to": mail.to})
        else:
            messages.info(request, _("Đã xếp thư tới %(to)s vào hàng đợi gửi.") % {"to": mail.to})
    return redirect("notifications:mail_list")
