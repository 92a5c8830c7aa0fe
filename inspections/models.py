from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.choices import (
    ChecklistOutcome,
    DossierCheckResult,
    FindingKind,
    InspectionKind,
    InspectionState,
    MemberRole,
    RecommendationState,
)
from inspections.querysets import (
    InspectionPlanQuerySet,
    InspectionQuerySet,
    InspectionTeamQuerySet,
    RecommendationQuerySet,
)
from units.models import AdministrativeUnit

EDITABLE_STATES = (InspectionState.PLANNED, InspectionState.IN_PROGRESS)


class InspectionPlan(models.Model):
    """An inspection plan (kế hoạch kiểm tra), e.g. Kế hoạch số 49/KH-UBND ngày 18/02/2022."""

    # Some plans are known only by title (the sources do not always give number and date).
    number = models.CharField(_("số kế hoạch"), max_length=50, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    issuer_name = models.CharField(
        _("tên cơ quan ban hành"), max_length=200, blank=True, help_text=_("VD: Sở Nội vụ")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=300)
    purpose = models.TextField(_("mục đích, yêu cầu"), blank=True)
    period_start = models.DateField(_("thời kỳ kiểm tra từ"))
    period_end = models.DateField(_("thời kỳ kiểm tra đến"))
    # What the plan document says, frozen when the plan is issued (its register number given):
    # the PDF and DOCX of an issued plan are rendered from it only; later edits do not reach it.
    issued_snapshot = models.JSONField(
        _("nội dung kế hoạch đã ban hành"), null=True, blank=True, editable=False
    )
    # Optimistic locking of the edit form (cchc_portal/versioning.py).
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ordered",
            )
        ]

    def __str__(self) -> str:
        if self.number and self.issued_on:
            return f"{self.number} ({self.issued_on:%d/%m/%Y})"
        return self.number or self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:plan_detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.issued_snapshot is not None


class PlanContent(models.Model):
    """One content of a plan (nội dung kiểm tra): a line of every inspection's checklist."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="contents")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.CharField(_("nội dung kiểm tra"), max_length=500)

    class Meta:
        verbose_name = _("nội dung kiểm tra")
        verbose_name_plural = _("nội dung kiểm tra")
        ordering = ["plan", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanTarget(models.Model):
    """A unit a plan will visit, with its scheduled date (đơn vị được kiểm tra, thời gian)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    # A body within the unit (a district department, the one-stop desk); blank: the UBND.
    body = models.CharField(_("cơ quan, bộ phận"), max_length=200, blank=True)
    scheduled_on = models.DateField(_("ngày dự kiến"))

    class Meta:
        verbose_name = _("đơn vị được kiểm tra")
        verbose_name_plural = _("đơn vị được kiểm tra")
        ordering = ["plan", "scheduled_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "body"], name="plan_target_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.scheduled_on:%d/%m/%Y}"


class InspectionTeam(models.Model):
    """An inspection team or working group (đoàn kiểm tra / tổ công tác), e.g. "Đoàn 1798"."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("cấp thành lập"),
        on_delete=models.PROTECT,
        related_name="inspection_teams",
    )
    name = models.CharField(_("tên đoàn"), max_length=200)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    # Optimistic locking of the edit form (cchc_portal/versioning.py).
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = InspectionTeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("đoàn kiểm tra")
        verbose_name_plural = _("đoàn kiểm tra")
        ordering = ["-decision_date", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:team_detail", args=[self.pk])

    @property
    def head(self) -> TeamMember | None:
        return next((m for m in self.members.all() if m.role == MemberRole.HEAD), None)


class TeamMember(models.Model):
    """A member of a team (thành viên đoàn): head, deputy, member or secretary."""

    team = models.ForeignKey(InspectionTeam, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    organisation = models.CharField(_("cơ quan"), max_length=200, blank=True)
    role = models.CharField(_("vai trò"), max_length=10, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team_memberships",
    )
    position_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("thành viên đoàn")
        verbose_name_plural = _("thành viên đoàn")
        ordering = ["team", "position_order", "pk"]

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """One inspection visit (cuộc kiểm tra) of one unit under a plan."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("kế hoạch"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    team = models.ForeignKey(
        InspectionTeam,
        verbose_name=_("đoàn kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị được kiểm tra"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    body = models.CharField(
        _("cơ quan, bộ phận"),
        max_length=200,
        blank=True,
        help_text=_("Để trống khi kiểm tra UBND; VD: Phòng Nội vụ"),
    )
    sites = models.ManyToManyField(
        AdministrativeUnit,
        verbose_name=_("nơi kiểm tra thực tế"),
        blank=True,
        related_name="inspection_visits",
    )
    kind = models.CharField(
        _("loại kiểm tra"),
        max_length=20,
        choices=InspectionKind.choices,
        default=InspectionKind.CCHC,
    )
    assessment = models.ForeignKey(
        "scoring.Assessment",
        verbose_name=_("bản đánh giá chỉ số"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appraisal_visits",
    )
    scheduled_on = models.DateField(_("ngày dự kiến"))
    held_on = models.DateField(_("ngày kiểm tra"), null=True, blank=True)
    period_start = models.DateField(_("thời kỳ kiểm tra từ"))
    period_end = models.DateField(_("thời kỳ kiểm tra đến"))
    representatives = models.TextField(_("đại diện đơn vị"), blank=True)
    # Written into the minutes at the visit, before both sides sign (ý kiến của đơn vị).
    unit_opinion = models.TextField(_("ý kiến của đơn vị được kiểm tra"), blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=InspectionState.choices,
        default=InspectionState.PLANNED,
    )
    notice_number = models.CharField(_("số thông báo kết luận"), max_length=50, blank=True)
    concluded_at = models.DateTimeField(_("ngày kết luận"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the conclusion notice says, frozen at conclusion: the PDF is rendered from it.
    report_snapshot = models.JSONField(
        _("nội dung kết luận"), null=True, blank=True, editable=False
    )
    # Optimistic locking of the edit form (cchc_portal/versioning.py).
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cuộc kiểm tra")
        verbose_name_plural = _("cuộc kiểm tra")
        ordering = ["-scheduled_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.inspected_name} · {self.scheduled_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:inspection_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def inspected_name(self) -> str:
        return f"{self.body} – {self.unit.name}" if self.body else self.unit.name

    @property
    def visit_date(self) -> dt.date:
        return self.held_on or self.scheduled_on


class ChecklistTemplate(models.Model):
    """A checklist template (mẫu danh mục kiểm tra) for one kind of inspection.

    Versioned: once an inspection's checklist was made from it, it is never edited again, only
    copied into the next `revision` (which keeps `previous`), so every checklist keeps the
    wording it was made from. The defaults come from the source articles (a data migration).
    """

    kind = models.CharField(_("loại kiểm tra"), max_length=20, choices=InspectionKind.choices)
    name = models.CharField(_("tên mẫu"), max_length=300)
    revision = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("sao chép từ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("mẫu danh mục kiểm tra")
        verbose_name_plural = _("mẫu danh mục kiểm tra")
        ordering = ["kind", "name", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "revision"], name="checklist_template_unique_revision"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.revision})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:checklist_template_detail", args=[self.pk])


class ChecklistTemplateItem(models.Model):
    """One line of a checklist template (nội dung kiểm tra)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.CharField(_("nội dung kiểm tra"), max_length=500)

    class Meta:
        verbose_name = _("nội dung của mẫu")
        verbose_name_plural = _("nội dung của mẫu")
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class ChecklistResult(models.Model):
    """The result of one checklist line at one inspection (kết quả kiểm tra từng nội dung).

    The line is a plan content or, for a checklist made from a template, a template item:
    exactly one of the two.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checklist")
    content = models.ForeignKey(
        PlanContent, on_delete=models.PROTECT, null=True, blank=True, related_name="results"
    )
    template_item = models.ForeignKey(
        ChecklistTemplateItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="results",
    )
    outcome = models.CharField(
        _("kết quả"), max_length=10, choices=ChecklistOutcome.choices, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kết quả nội dung kiểm tra")
        verbose_name_plural = _("kết quả nội dung kiểm tra")
        ordering = [
            "inspection",
            "content__position",
            "template_item__position",
            "content_id",
            "template_item_id",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "content"], name="checklist_unique_content"
            ),
            models.UniqueConstraint(
                fields=["inspection", "template_item"], name="checklist_unique_template_item"
            ),
            models.CheckConstraint(
                condition=models.Q(content__isnull=False, template_item__isnull=True)
                | models.Q(content__isnull=True, template_item__isnull=False),
                name="checklist_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text}: {self.get_outcome_display()}"

    @property
    def text(self) -> str:
        """The line's wording: its plan content's or its template item's."""
        source = self.content if self.content_id else self.template_item
        return source.text if source is not None else ""


class Finding(models.Model):
    """A finding: strength (ưu điểm) or limitation (tồn tại, hạn chế).

    A limitation may name the index criterion it costs points on.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("loại"), max_length=10, choices=FindingKind.choices)
    text = models.TextField(_("nội dung"))
    criterion = models.ForeignKey(
        "scoring.Criterion",
        verbose_name=_("tiêu chí bị ảnh hưởng"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả kiểm tra")
        verbose_name_plural = _("kết quả kiểm tra")
        ordering = ["inspection", "kind", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    """A recommendation (kiến nghị, yêu cầu khắc phục) with a responsible unit and a deadline."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("tồn tại liên quan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    text = models.TextField(_("nội dung kiến nghị"))
    responsible_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị thực hiện"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    # The official of the unit who answers for it (người phụ trách), told by notification.
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người phụ trách"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_recommendations",
    )
    due_on = models.DateField(_("thời hạn"))
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=RecommendationState.choices,
        default=RecommendationState.OPEN,
    )
    notified_at = models.DateTimeField(_("đã thông báo lúc"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("đã nhắc hạn lúc"), null=True, blank=True)
    verified_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="recommendation_state_due")]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspections:recommendation_detail", args=[self.pk])

    def is_overdue(self, today: dt.date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.state != RecommendationState.VERIFIED and self.due_on < today

    def days_overdue(self, today: dt.date | None = None) -> int:
        from django.utils import timezone

        today = today or timezone.localdate()
        return (today - self.due_on).days if self.is_overdue(today) else 0


class Remediation(models.Model):
    """A unit's remediation report (báo cáo khắc phục) and the inspector's review of it."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="remediations"
    )
    text = models.TextField(_("kết quả khắc phục"))
    reported_on = models.DateField(_("ngày báo cáo"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("được chấp nhận"), null=True, blank=True)
    review_note = models.TextField(_("ý kiến của đoàn"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo khắc phục")
        verbose_name_plural = _("báo cáo khắc phục")
        ordering = ["recommendation", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class RemediationAttachment(models.Model):
    """A file attached to a remediation report (tài liệu kèm theo)."""

    remediation = models.ForeignKey(
        Remediation, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("tệp"), upload_to="inspections/remediations/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)

    class Meta:
        verbose_name = _("tệp kèm theo")
        verbose_name_plural = _("tệp kèm theo")

    def __str__(self) -> str:
        return self.name


class DossierCheck(models.Model):
    """A dossier drawn at random (kiểm tra ngẫu nhiên hồ sơ) and the inspector's result.

    `seed` makes the draw reproducible: the same seed over the same ordered dossiers draws the
    same dossier. A dossier picked by hand has no seed.
    """

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="dossier_checks"
    )
    dossier = models.ForeignKey(
        "procedures.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="inspection_checks",
    )
    seed = models.BigIntegerField(_("mã lượt rút"), null=True, blank=True)
    result = models.CharField(
        _("kết quả"), max_length=12, choices=DossierCheckResult.choices, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("hồ sơ kiểm tra ngẫu nhiên")
        verbose_name_plural = _("hồ sơ kiểm tra ngẫu nhiên")
        ordering = ["inspection", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "dossier"], name="dossier_check_unique")
        ]

    def __str__(self) -> str:
        return str(self.dossier_id)


class InspectionReopening(models.Model):
    """A record that a concluded inspection was reopened for editing: who, when, why."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="reopenings")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("lý do"))
    previous_snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần mở lại")
        verbose_name_plural = _("lần mở lại")
        ordering = ["inspection", "at"]

    def __str__(self) -> str:
        return f"{self.inspection_id} · {self.at:%d/%m/%Y}"


class InspectionPhoto(models.Model):
    """A photo taken at the visit (ảnh chụp hiện trường) of a checklist line or a finding.

    Stored as the server re-encoded it (inspections.photos): a JPEG at most 1600 px on its long
    side, without EXIF (no GPS position, no camera serial), and a 320 px thumbnail.
    """

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    checklist_result = models.ForeignKey(
        ChecklistResult, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("ảnh"), upload_to="inspections/photos/%Y/%m/")
    thumbnail = models.FileField(_("ảnh thu nhỏ"), upload_to="inspections/photos/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh hiện trường")
        verbose_name_plural = _("ảnh hiện trường")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checklist_result__isnull=False, finding__isnull=True)
                | models.Q(checklist_result__isnull=True, finding__isnull=False),
                name="photo_one_subject",
            )
        ]

    def __str__(self) -> str:
        return self.name
