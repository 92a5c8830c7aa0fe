from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from accounts.signals import SET_BY_OWNER
from notifications.services import mail_queue


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form; the mail goes through the outgoing-mail queue like every other."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        mail_queue(to=to_email, subject=subject, body=body)


class OwnerSetPasswordForm(SetPasswordForm):
    """The reset's new password: chosen by the user, so no forced change follows."""

    def save(self, commit: bool = True) -> Any:
        setattr(self.user, SET_BY_OWNER, True)
        return super().save(commit)


class OwnerPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        setattr(self.user, SET_BY_OWNER, True)
        return super().save(commit)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return "".join(self.cleaned_data["token"].split()).lower()
