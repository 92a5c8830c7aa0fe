from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.choices import Channel, DossierImportStatus, DossierStatus, OnlineService
from procedures.querysets import DossierImportQuerySet, DossierQuerySet, ProcedureQuerySet
from units.choices import Level
from units.models import AdministrativeUnit

# The tier that settles a procedure. A department (sở) settles the provincial ones, so a procedure
# is never "department level": the catalogue keeps the statistics office's three tiers.
HANDLING_LEVEL_CHOICES = [
    (level.value, level.label) for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
]


class ProcedureField(models.Model):
    """A field of administrative procedures (lĩnh vực TTHC): Tư pháp, Hộ tịch, Đất đai …"""

    code = models.CharField(_("mã lĩnh vực"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        verbose_name = _("lĩnh vực TTHC")
        verbose_name_plural = _("lĩnh vực TTHC")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính, TTHC) from the national database.

    Codes such as `1.005129`, or provincial variants such as `1.012753.H19`.
    """

    code = models.CharField(_("mã TTHC"), max_length=50, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=HANDLING_LEVEL_CHOICES)
    processing_days = models.PositiveSmallIntegerField(
        _("thời hạn giải quyết (ngày)"), null=True, blank=True
    )
    # Before Decree 42/2022: online service levels 1–4 (3 = online submission, 4 = online payment).
    legacy_online_level = models.PositiveSmallIntegerField(
        _("mức độ DVC (cũ)"), null=True, blank=True, choices=[(i, str(i)) for i in range(1, 5)]
    )
    online_service = models.CharField(
        _("dịch vụ công trực tuyến"),
        max_length=20,
        choices=OnlineService.choices,
        default=OnlineService.NONE,
    )
    active = models.BooleanField(_("còn hiệu lực"), default=True)
    # A province publishes its own list of TTHC by decision (with variants such as `.H19`);
    # empty for procedures of the national database shared by every province.
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh công bố"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures",
    )

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("procedures:procedure_detail", args=[self.pk])


class Dossier(models.Model):
    """A dossier (hồ sơ) received by a unit's one-stop desk, imported from the one-stop system.

    The dossier code is the key: re-importing a file updates dossiers, never duplicates them.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,  # the (unit, …) indexes below serve every look-up by unit
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=24, choices=DossierStatus.choices)
    digitised_dossier = models.BooleanField(_("số hóa hồ sơ"), default=False)
    digitised_result = models.BooleanField(_("số hóa kết quả"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at"]
        indexes = [
            # The statistics read each unit's dossiers in four disjoint ranges, each one index
            # range scan (`procedures.selectors.dossier_stats`). Received in the period: the bulk
            # of the rows, so this one carries every column the figures need (index-only scan).
            models.Index(
                fields=["unit", "received_at"],
                include=[
                    "channel",
                    "status",
                    "due_at",
                    "finished_at",
                    "returned_at",
                    "digitised_dossier",
                    "digitised_result",
                    "paid_online",
                ],
                name="dossier_unit_received_cover",
            ),
            # Carried over (received before the period, finished in or after it, or not at all):
            # `received_at` is a key column, tested in the index; covering too, or the planner
            # (which cannot know how few of those rows were received before the period) prefers
            # the index above and reads the unit's whole history.
            models.Index(
                fields=["unit", "finished_at", "received_at"],
                include=[
                    "channel",
                    "status",
                    "due_at",
                    "returned_at",
                    "digitised_dossier",
                    "digitised_result",
                    "paid_online",
                ],
                name="dossier_unit_finished_recv",
            ),
            # Returned in the period but neither received in it nor carried over.
            models.Index(
                fields=["unit", "returned_at", "received_at", "finished_at"],
                name="dossier_unit_returned_recv",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("procedures:dossier_detail", args=[self.pk])

    def timeliness(self, at: dt.datetime | None = None) -> str:
        """Where this dossier stands at `at` (now by default), judged as the statistics do
        (`procedures.rules.standing`): early / on_time / late, in_progress / overdue,
        withdrawn or not_accepted."""
        from procedures.rules import standing

        return standing(
            status=self.status,
            received_at=self.received_at,
            due_at=self.due_at,
            finished_at=self.finished_at,
            at=at or timezone.now(),
            tz=timezone.get_default_timezone(),
        )


class _Figures(models.Model):
    """The columns of the pre-aggregated dossier figures (`procedures.figures`).

    Flows count what happened in the row's day or month (received, refused, finished
    early/on time/late, withdrawn, returned); the `*_delta` columns change a stock (dossiers
    open, open and overdue, open awaiting a supplement): their sum over every row up to D is the
    stock at the end of D. Database triggers keep the rows in step with `Dossier` in the
    writing transaction; nothing else writes them except `procedures.figures.figures_rebuild`.
    """

    # No database constraint: these rows are derived, written by triggers while a flush or a
    # bulk delete may remove units and dossiers in any order (the dossiers' own PROTECT key
    # keeps a unit with dossiers); the ORM still cascades a unit's deletion here.
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    received = models.IntegerField(default=0)
    received_in_person = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    digitised_dossier = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    not_accepted = models.IntegerField(default=0)
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    digitised_result = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    open_delta = models.IntegerField(default=0)
    overdue_delta = models.IntegerField(default=0)
    supplement_delta = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DossierDayFigures(_Figures):
    """The dossier figures of one unit on one day (số liệu hồ sơ theo ngày)."""

    day = models.DateField()

    class Meta:
        verbose_name = _("số liệu hồ sơ theo ngày")
        verbose_name_plural = _("số liệu hồ sơ theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_day_figures_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}"


class DossierMonthFigures(_Figures):
    """The same figures of one unit over one calendar month (số liệu hồ sơ theo tháng): the sum
    of its day rows, so a period reads whole months here and only its edge days by day."""

    day = models.DateField()  # the month's first day

    class Meta:
        verbose_name = _("số liệu hồ sơ theo tháng")
        verbose_name_plural = _("số liệu hồ sơ theo tháng")
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossier_month_figures_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%m/%Y}"


class DossierImport(models.Model):
    """One upload of the one-stop system's export (lần nhập hồ sơ từ hệ thống một cửa).

    Keeps who imported which file and what the dry run (or the import) found. The work itself,
    the check and then the import, runs as jobs on the queue: `job` is the current one, whose
    live progress the upload page shows.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_imports",
    )
    # The importer's province: who else may see this import.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier_imports",
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm hoàn tất"), null=True, blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    stored_file = models.CharField(max_length=500, blank=True, editable=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=DossierImportStatus.choices,
        default=DossierImportStatus.PENDING,
    )
    # The check or import running now, or the last one (the preview's, then the import's).
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("tác vụ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created_count = models.PositiveIntegerField(_("tạo mới"), default=0)
    updated_count = models.PositiveIntegerField(_("cập nhật"), default=0)
    rejected_count = models.PositiveIntegerField(_("bị từ chối"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    # The first 100 errors: [{"row": 7, "column": "ngay_hen_tra", "reason": "..."}].
    errors = models.JSONField(_("lỗi"), default=list, blank=True)

    objects = DossierImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("lần nhập hồ sơ")
        verbose_name_plural = _("lần nhập hồ sơ")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("procedures:import_detail", args=[self.pk])


# The Decision 766/QĐ-TTg service index lives in its own module; imported here so Django finds it.
from procedures.service_models import ServiceIndicator, ServiceIndicatorValue  # noqa: E402, F401
