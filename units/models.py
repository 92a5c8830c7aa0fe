from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.choices import PROVINCIAL_ROLES, Level, LineageKind, Role
from units.querysets import AdministrativeUnitQuerySet


class AdministrativeUnit(models.Model):
    """An administrative unit (đơn vị hành chính): province, district or commune.

    One tree holds both the pre-2025 three-level world and the two-level one after 1 July 2025;
    `valid_from` / `valid_until` say when a unit existed, so a 2019 district ranking stays as
    published. `path` is a materialised path of primary keys ("/3/41/707/") that makes "this unit
    and everything below it" one indexed prefix match.
    """

    code = models.CharField(_("mã đơn vị"), max_length=10, db_index=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    path = models.CharField(max_length=64, editable=False, db_index=True, default="")
    # Paths of the units this one was formed from, transitively ("/3/41/ /5/"), so that "what a
    # unit's users see" stays one row read: a new commune's staff see the records of the old
    # communes it replaced. Maintained by units.services (lineage import); never edited by hand.
    inherited_paths = models.TextField(editable=False, blank=True, default="")

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            # A code is unique among units that start on the same day (codes were reused when
            # the tree changed in 2025); two constraints because SQLite treats NULLs as distinct.
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="unit_code_unique_per_validity"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(valid_from__isnull=True),
                name="unit_code_unique_without_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def clean(self) -> None:
        allowed_parents: dict[str, set[str | None]] = {
            Level.PROVINCE: {None},
            Level.DISTRICT: {Level.PROVINCE},
            # Communes sit directly under their province after 1 July 2025.
            Level.COMMUNE: {Level.DISTRICT, Level.PROVINCE},
            Level.DEPARTMENT: {Level.PROVINCE},
        }
        parent_level = self.parent.level if self.parent else None
        if self.level in allowed_parents and parent_level not in allowed_parents[self.level]:
            raise ValidationError(
                {"parent": _("Đơn vị cấp trên không phù hợp với cấp của đơn vị.")}
            )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Ngày hết hiệu lực trước ngày có hiệu lực.")})

    @property
    def province_id(self) -> int:
        """Primary key of the province this unit belongs to (itself for a province)."""
        return int(self.path.strip("/").split("/")[0])

    def is_within(self, other: AdministrativeUnit) -> bool:
        """True when this unit is `other` or lies below it (or below one of its predecessors)."""
        return any(self.path.startswith(p) for p in other.scope_paths)

    @property
    def scope_paths(self) -> list[str]:
        """The subtrees this unit answers for: its own and those of the units it was formed from."""
        return [self.path, *self.inherited_paths.split()]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class UnitLineage(models.Model):
    """One step of a reorganisation (sắp xếp đơn vị hành chính): `successor` was formed, on
    `effective_on`, from the whole (merge) or a part (split) of `predecessor`.

    A new commune usually has several predecessors; an old commune divided among several new
    ones has several successors. Year-on-year comparison across 1 July 2025 follows these rows.
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị cũ"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị mới"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    kind = models.CharField(
        _("hình thức"), max_length=10, choices=LineageKind.choices, default=LineageKind.MERGE
    )

    class Meta:
        verbose_name = _("lịch sử sắp xếp đơn vị")
        verbose_name_plural = _("lịch sử sắp xếp đơn vị")
        ordering = ["effective_on", "successor_id", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_lineage_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="unit_lineage_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class Province(AdministrativeUnit):
    """A province (tỉnh / thành phố trực thuộc trung ương)."""

    class Meta:
        proxy = True
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")


class District(AdministrativeUnit):
    """A district-level unit (huyện / quận / thị xã / thành phố thuộc tỉnh), until 30/06/2025."""

    class Meta:
        proxy = True
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")


class Commune(AdministrativeUnit):
    """A commune-level unit (xã / phường / thị trấn)."""

    class Meta:
        proxy = True
        verbose_name = _("xã")
        verbose_name_plural = _("xã")


class User(AbstractUser):
    """A portal user: bound to one administrative unit with one role.

    Provincial admins and inspectors (Sở Nội vụ staff) belong to their province; unit staff
    (Phòng Nội vụ, commune office) to their district or commune.
    """

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField(
        _("vai trò"), max_length=32, choices=Role.choices, default=Role.UNIT_STAFF
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def clean(self) -> None:
        super().clean()
        if self.role in PROVINCIAL_ROLES and self.unit and self.unit.level != Level.PROVINCE:
            raise ValidationError({"unit": _("Vai trò cấp tỉnh phải gắn với một tỉnh.")})

    @property
    def is_provincial(self) -> bool:
        return self.is_superuser or self.role in PROVINCIAL_ROLES

    @property
    def is_provincial_admin(self) -> bool:
        return self.is_superuser or self.role == Role.PROVINCIAL_ADMIN

    @property
    def is_inspector(self) -> bool:
        return self.role == Role.PROVINCIAL_INSPECTOR

    @property
    def is_unit_staff(self) -> bool:
        return not self.is_superuser and self.role == Role.UNIT_STAFF

    @property
    def scope_unit(self) -> AdministrativeUnit | None:
        """The root of what this user sees: the province for provincial roles, else the unit."""
        if self.unit is None:
            return None
        if self.role in PROVINCIAL_ROLES and self.unit.level != Level.PROVINCE:
            return None  # misconfigured: see clean(); never widen access by accident
        return self.unit
