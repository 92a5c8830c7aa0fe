from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.choices import AssessmentState, Component, CriteriaSetStatus, Rule
from units.choices import Level
from units.models import AdministrativeUnit


class CriteriaSet(models.Model):
    """A criteria set (bộ chỉ số / bộ tiêu chí) issued by a province for one level and year.

    E.g. Bình Dương 2071/QĐ-UBND (2018) for districts: appraisal ~70 + survey ~30 = 100 points.
    """

    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="criteria_sets",
    )
    level = models.CharField(_("cấp đánh giá"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    legal_basis = models.CharField(_("quyết định ban hành"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CriteriaSetStatus.choices,
        default=CriteriaSetStatus.DRAFT,
    )

    class Meta:
        verbose_name = _("bộ chỉ số CCHC")
        verbose_name_plural = _("bộ chỉ số CCHC")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "level", "year"], name="criteria_set_unique_year"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """A node of the criteria tree: area (lĩnh vực) → criterion (tiêu chí) → sub-criterion.

    A parent's maximum is the sum of its children's; only leaves are scored.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tiêu chí cha"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("nội dung"), max_length=500)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    component = models.CharField(
        _("thành phần"), max_length=10, choices=Component.choices, default=Component.APPRAISAL
    )
    rule = models.CharField(
        _("cách chấm"), max_length=10, choices=Rule.choices, default=Rule.MANUAL
    )
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="criterion_code_unique_in_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Assessment(models.Model):
    """One unit's assessment against a criteria set for a year (self-score → appraisal → index)."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ chỉ số"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=AssessmentState.choices,
        default=AssessmentState.OPEN,
    )

    class Meta:
        verbose_name = _("bản đánh giá")
        verbose_name_plural = _("bản đánh giá")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "criteria_set"], name="assessment_unique_unit_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.criteria_set}"
