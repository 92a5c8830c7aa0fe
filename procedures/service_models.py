"""Models of the Decision 766/QĐ-TTg service index (imported by procedures.models)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from procedures.choices import ServiceFormula, ServiceGroup
from units.models import AdministrativeUnit


class ServiceIndicator(models.Model):
    """An indicator of the service index of Decision 766/QĐ-TTg (chỉ số thành phần): its group,
    maximum, and where its monthly rate comes from. The admin adjusts the table when the method
    changes; the defaults and their sources are in docs/domain.md."""

    code = models.CharField(_("mã chỉ số"), max_length=10, unique=True)
    group = models.CharField(_("nhóm"), max_length=20, choices=ServiceGroup.choices)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    max_points = models.DecimalField(
        _("điểm tối đa"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    formula = models.CharField(_("cách tính"), max_length=30, choices=ServiceFormula.choices)
    # The rate from which the indicator earns its maximum (0.8: 80 % and above); below it the
    # points are proportional.
    full_at = models.DecimalField(
        _("tỷ lệ đạt điểm tối đa"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(1))],
    )
    source = models.TextField(_("nguồn, căn cứ"), blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        verbose_name = _("chỉ số phục vụ (766)")
        verbose_name_plural = _("chỉ số phục vụ (766)")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ServiceIndicatorValue(models.Model):
    """The rate of an entered indicator for one unit and month (giá trị chỉ số theo tháng), as
    published by the national public-service portal or the province's own system."""

    indicator = models.ForeignKey(
        ServiceIndicator, verbose_name=_("chỉ số"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="service_values",
    )
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    rate = models.DecimalField(
        _("tỷ lệ"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giá trị chỉ số phục vụ")
        verbose_name_plural = _("giá trị chỉ số phục vụ")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit", "month"], name="service_value_once_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit} {self.month:%m/%Y}"

    def clean(self) -> None:
        super().clean()
        if self.month and self.month.day != 1:
            self.month = self.month.replace(day=1)
