"""The portal's outgoing mail that is not a notification: one function per message, so that
where it is delivered from (here: at once; later: the mail queue) is decided in one place."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send_password_reset(*, to: str, subject: str, body: str, html_body: str | None = None) -> None:
    """The password-reset link for one address (accounts.forms.PortalPasswordResetForm)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
