from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.choices import DocumentType
from units.models import AdministrativeUnit


class RegisterSequence(models.Model):
    """The running number of one register (sổ đăng ký văn bản): one per document type, issuing
    body and year. Numbers start at 1 each year and are never given twice."""

    issuer = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=20)
    doc_type = models.CharField(_("loại văn bản"), max_length=4, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    last_number = models.PositiveIntegerField(_("số đã cấp cuối cùng"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký")
        verbose_name_plural = _("sổ đăng ký")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "issuer_code", "doc_type", "year"], name="register_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.doc_type}-{self.issuer_code} {self.year}"


class RegisteredDocument(models.Model):
    """A document the portal issued (văn bản đi), with the number the register gave it.

    `key` names what the document is about ("inspections.notice:12"): issuing the same
    document again (a reopened inspection concluded anew) keeps its number."""

    sequence = models.ForeignKey(
        RegisterSequence,
        verbose_name=_("sổ đăng ký"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    number = models.PositiveIntegerField(_("số"))
    key = models.CharField(_("đối tượng"), max_length=100, unique=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cấp số"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("cấp số lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đã cấp số")
        verbose_name_plural = _("văn bản đã cấp số")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "number"], name="register_number_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "12/TB-SNV": number / document type - issuing body."""
        return f"{self.number}/{self.sequence.doc_type}-{self.sequence.issuer_code}"


class Signatory(models.Model):
    """Who signs an issuing body's documents by default (người ký): the authority line
    ("KT. GIÁM ĐỐC"), the title ("PHÓ GIÁM ĐỐC") and the name, as printed."""

    issuer = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_name = models.CharField(
        _("cơ quan ban hành"), max_length=200, help_text=_("VD: Sở Nội vụ")
    )
    authority = models.CharField(
        _("quyền hạn ký"), max_length=100, blank=True, help_text=_("VD: KT. GIÁM ĐỐC")
    )
    title = models.CharField(_("chức vụ"), max_length=100, help_text=_("VD: PHÓ GIÁM ĐỐC"))
    name = models.CharField(_("họ và tên"), max_length=200)

    class Meta:
        verbose_name = _("người ký")
        verbose_name_plural = _("người ký")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "issuer_name"], name="signatory_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"
