from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from scoring import index
from scoring.choices import (
    AssessmentState,
    Component,
    CriteriaSetStatus,
    Metric,
    Phase,
    Rule,
    ThreadRole,
)
from scoring.querysets import AssessmentQuerySet, CriteriaSetQuerySet, PublishedRankingQuerySet
from units.choices import ASSESSED_LEVELS
from units.models import AdministrativeUnit

ASSESSED_LEVEL_CHOICES = [(level.value, level.label) for level in ASSESSED_LEVELS]


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
    # Communes and departments since 2025; districts for the sets published before.
    level = models.CharField(_("cấp đánh giá"), max_length=10, choices=ASSESSED_LEVEL_CHOICES)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    legal_basis = models.CharField(_("quyết định ban hành"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CriteriaSetStatus.choices,
        default=CriteriaSetStatus.DRAFT,
    )
    appraisal_max = models.DecimalField(
        _("điểm thẩm định tối đa"), max_digits=6, decimal_places=2, default=Decimal("70")
    )
    # 0 means no survey was run: the index is then the appraised points rescaled to 100 (%).
    survey_max = models.DecimalField(
        _("điểm điều tra xã hội học tối đa"), max_digits=6, decimal_places=2, default=Decimal("30")
    )
    bonus_cap = models.DecimalField(
        _("điểm thưởng tối đa"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    penalty_cap = models.DecimalField(
        _("điểm trừ tối đa"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    # [[minimum, label], …] highest first, validated by scoring.index.validate_thresholds.
    grade_thresholds = models.JSONField(_("ngưỡng xếp loại"), default=list, blank=True)
    # The last day units may self-assess (hạn tự đánh giá), set by the province's plan; the
    # workflow does not close on it (the council may still accept a late submission).
    self_assessment_due_on = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    # The last day units may answer the council's round 1 (hạn giải trình); like the
    # self-assessment deadline it is shown and counted, never enforced.
    explanation_due_on = models.DateField(_("hạn giải trình"), null=True, blank=True)

    objects = CriteriaSetQuerySet.as_manager()

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

    @property
    def has_survey(self) -> bool:
        return self.survey_max > 0

    def clean(self) -> None:
        try:
            self.grade_thresholds = index.validate_thresholds(self.grade_thresholds or [])
        except index.RuleError:
            raise ValidationError(
                {"grade_thresholds": _("Ngưỡng xếp loại không hợp lệ.")}
            ) from None

    def thresholds(self) -> list[tuple[str, str]]:
        return [(m, label) for m, label in self.grade_thresholds or []]

    def self_assessment_deadline(self, today: date) -> Deadline | None:
        """The self-assessment deadline as seen on `today`, None when the set has none."""
        if self.self_assessment_due_on is None:
            return None
        return Deadline(self.self_assessment_due_on, (self.self_assessment_due_on - today).days)

    def explanation_deadline(self, today: date) -> Deadline | None:
        """The explanation deadline as seen on `today`, None when the set has none."""
        if self.explanation_due_on is None:
            return None
        return Deadline(
            self.explanation_due_on,
            (self.explanation_due_on - today).days,
            phase=Phase.EXPLANATION,
        )

    def deadline(self, phase: str, today: date) -> Deadline | None:
        if phase == Phase.EXPLANATION:
            return self.explanation_deadline(today)
        return self.self_assessment_deadline(today)


@dataclass(frozen=True)
class Deadline:
    """A due day and the days left to it on the day it was read (negative once past)."""

    due_on: date
    days_left: int
    phase: str = Phase.SELF_ASSESSMENT

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def status(self) -> str:
        """ "còn 14 ngày", "hạn cuối hôm nay", "quá hạn 3 ngày"."""
        days = abs(self.days_left)
        if self.days_left > 0:
            return ngettext("còn %(n)s ngày", "còn %(n)s ngày", days) % {"n": days}
        if self.days_left == 0:
            return str(_("hạn cuối hôm nay"))
        return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", days) % {"n": days}

    @property
    def date_label(self) -> str:
        """ "Hạn tự đánh giá: 15/12/2026", for whoever is past self-assessing."""
        if self.phase == Phase.EXPLANATION:
            return _("Hạn giải trình: %(day)s") % {"day": f"{self.due_on:%d/%m/%Y}"}
        return _("Hạn tự đánh giá: %(day)s") % {"day": f"{self.due_on:%d/%m/%Y}"}

    def __str__(self) -> str:
        """ "Hạn tự đánh giá: 15/12/2026, còn 14 ngày"."""
        if self.phase == Phase.EXPLANATION:
            return _("Hạn giải trình: %(day)s, %(status)s") % {
                "day": f"{self.due_on:%d/%m/%Y}",
                "status": self.status,
            }
        return _("Hạn tự đánh giá: %(day)s, %(status)s") % {
            "day": f"{self.due_on:%d/%m/%Y}",
            "status": self.status,
        }


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
    # Parameters of the rule (threshold, tiers, per_violation), see scoring.index.validate_params.
    rule_params = models.JSONField(_("tham số cách chấm"), default=dict, blank=True)
    metric = models.CharField(
        _("chỉ số tính từ hồ sơ"), max_length=40, choices=Metric.choices, blank=True
    )
    evidence_required = models.BooleanField(_("bắt buộc tài liệu kiểm chứng"), default=False)
    # The set lets a unit mark this criterion "không phát sinh" (nothing to assess this year,
    # e.g. no violation to handle); it is then scored its maximum (docs/domain.md).
    not_applicable_allowed = models.BooleanField(_("cho phép “không phát sinh”"), default=False)
    is_leaf = models.BooleanField(_("tiêu chí lá"), default=True, editable=False)

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

    @property
    def depth(self) -> int:
        return self.code.count(".")

    def clean(self) -> None:
        try:
            self.rule_params = index.validate_params(self.rule, self.rule_params, self.max_points)
        except index.RuleError:
            raise ValidationError({"rule_params": _("Tham số cách chấm không hợp lệ.")}) from None


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
    bonus_points = models.DecimalField(
        _("điểm thưởng"), max_digits=7, decimal_places=4, default=Decimal("0")
    )
    penalty_points = models.DecimalField(
        _("điểm trừ"), max_digits=7, decimal_places=4, default=Decimal("0")
    )
    bonus_penalty_note = models.TextField(_("căn cứ thưởng / trừ điểm"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

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

    @property
    def is_self_assessing(self) -> bool:
        """Still the unit's turn to self-score: the deadline counts down (or is overdue)."""
        return self.state == AssessmentState.OPEN


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Under MEDIA_ROOT, which no URL serves: downloads go through a permission-checked view.
    return f"scoring/evidence/{instance.score.assessment_id}/{filename}"


class CriterionScore(models.Model):
    """The points of one leaf criterion in one assessment: self (điểm tự đánh giá), appraised
    round 1 and 2 (điểm thẩm định), survey points, with the reasons and the unit's explanation
    (giải trình). `version` guards against two people silently overwriting each other."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("bản đánh giá"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="scores"
    )
    self_score = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    self_note = models.TextField(_("thuyết minh tự đánh giá"), blank=True)
    # "Không phát sinh": the unit says the criterion did not arise this year (with a reason);
    # the self-score is then written as the maximum, so the arithmetic needs no special case.
    not_applicable = models.BooleanField(_("không phát sinh"), default=False)
    not_applicable_reason = models.TextField(_("lý do không phát sinh"), blank=True)
    round1_score = models.DecimalField(
        _("điểm thẩm định vòng 1"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    round1_reason = models.TextField(_("lý do điều chỉnh vòng 1"), blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    round2_score = models.DecimalField(
        _("điểm thẩm định vòng 2"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    round2_reason = models.TextField(_("lý do điều chỉnh vòng 2"), blank=True)
    survey_points = models.DecimalField(
        _("điểm điều tra xã hội học"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_unique_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.code}"

    @property
    def appraised_score(self) -> Decimal | None:
        """The council's final word so far: round 2 when given, else round 1."""
        return self.round2_score if self.round2_score is not None else self.round1_score

    def points(self) -> Decimal | None:
        """The points that count in the index (survey points for survey criteria)."""
        if self.criterion.component == Component.SURVEY:
            return self.survey_points
        return self.appraised_score


class Evidence(models.Model):
    """An evidence document (tài liệu kiểm chứng) attached to a score, kept private."""

    score = models.ForeignKey(
        CriterionScore,
        verbose_name=_("điểm tiêu chí"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Set when the file came with an answer of the explanation thread; the self-assessment's
    # files have none and stay attached to the score.
    message = models.ForeignKey(
        "ExplanationMessage",
        verbose_name=_("giải trình"),
        # A message is not deleted from under its files, but a score going away takes both.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="files",
    )

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ExplanationMessage(models.Model):
    """One message of a criterion's explanation thread (giải trình): the council's remark on
    its round-1 score or the unit's answer, with files (`files`, Evidence rows). The round
    scores and their reasons stay on the CriterionScore; the thread shows them in order."""

    score = models.ForeignKey(
        CriterionScore,
        verbose_name=_("điểm tiêu chí"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    role = models.CharField(_("bên"), max_length=10, choices=ThreadRole.choices)
    text = models.TextField(_("nội dung"))
    # The state the assessment was in when written (appraisal_1, explanation, appraisal_2).
    state = models.CharField(_("giai đoạn"), max_length=16, choices=AssessmentState.choices)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người viết"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("nội dung giải trình")
        verbose_name_plural = _("nội dung giải trình")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.score} · {self.get_role_display()}"


class AssessmentReminder(models.Model):
    """A reminder the council sent a unit late in a phase (nhắc hạn): recorded and shown; the
    notification itself is sent by whoever reads `scoring.services.assessment_remind_late`."""

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("bản đánh giá"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    phase = models.CharField(_("giai đoạn"), max_length=16, choices=Phase.choices)
    sent_at = models.DateTimeField(_("nhắc lúc"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhắc"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("nhắc hạn")
        verbose_name_plural = _("nhắc hạn")
        ordering = ["-sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_phase_display()} · {self.sent_at:%d/%m/%Y}"


class PublishedRanking(models.Model):
    """A published ranking (công bố chỉ số CCHC): a frozen snapshot of a criteria set's results.

    Later edits (after an unpublish) never rewrite it; unpublishing only retires it.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ chỉ số"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    published_at = models.DateTimeField(_("công bố lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người công bố"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Who signed the report and the published score sheets, as printed at publication
    # (authority, title, name): a later change of signatory does not rewrite issued documents.
    signature = models.JSONField(_("người ký"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("lý do thu hồi"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PublishedRankingQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_current_publication_per_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set} · {self.published_at:%d/%m/%Y}"


class PublishedResult(models.Model):
    """One unit's row of a published ranking, as it stood at publication."""

    ranking = models.ForeignKey(
        PublishedRanking,
        verbose_name=_("kết quả công bố"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    unit_code = models.CharField(_("mã đơn vị"), max_length=10)
    unit_name = models.CharField(_("tên đơn vị"), max_length=200)
    appraisal = models.DecimalField(_("điểm thẩm định"), max_digits=6, decimal_places=2)
    survey = models.DecimalField(
        _("điểm điều tra"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    bonus = models.DecimalField(_("điểm thưởng"), max_digits=5, decimal_places=2)
    penalty = models.DecimalField(_("điểm trừ"), max_digits=5, decimal_places=2)
    index = models.DecimalField(_("chỉ số"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("xếp loại"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(_("xếp hạng"))
    previous_rank = models.PositiveSmallIntegerField(_("hạng năm trước"), null=True, blank=True)
    # Points per area (code → [points, max]) for the "points lost per area" chart.
    areas = models.JSONField(_("điểm theo lĩnh vực"), default=dict, blank=True)

    class Meta:
        verbose_name = _("kết quả của đơn vị")
        verbose_name_plural = _("kết quả của đơn vị")
        ordering = ["rank", "unit_code"]

    def __str__(self) -> str:
        return f"{self.rank}. {self.unit_name}"
