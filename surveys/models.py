"""The sociological survey (điều tra xã hội học) run by the portal itself.

Anonymity by design: a `Response` holds the unit and group it is about, the day, the channel
and, for a paper form, the staff member who typed it; never an account, an address, a device or
the token it came through. A `Token` is stored only as its SHA-256 digest (see
docs/domain.md, "Survey"), so the database cannot hand out valid links.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.models import CriteriaSet, Criterion
from surveys.choices import Channel, RespondentGroup, SurveyState
from surveys.querysets import QuestionnaireQuerySet, QuotaQuerySet, SurveyQuerySet
from units.models import AdministrativeUnit


class Questionnaire(models.Model):
    """A questionnaire (phiếu khảo sát) of one criteria set for one respondent group, versioned:
    once a response uses it, it is never changed again, only copied into the next version."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("nhóm đối tượng"), max_length=20, choices=RespondentGroup.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên phiếu"), max_length=300)
    # The answer scale: ordinal and linear, like `import_scores --survey-answers`.
    scale_min = models.SmallIntegerField(_("giá trị thấp nhất"), default=1)
    scale_max = models.SmallIntegerField(_("giá trị cao nhất"), default=5)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["criteria_set", "group", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "group", "version"], name="questionnaire_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(scale_max__gt=models.F("scale_min")),
                name="questionnaire_scale_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def share(self, value: int) -> Decimal:
        """The share of the criterion's points an answer gives: linear on the scale."""
        return Decimal(value - self.scale_min) / Decimal(self.scale_max - self.scale_min)


class ScaleOption(models.Model):
    """One answer of a questionnaire's scale (mức trả lời): its value and its words."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="options"
    )
    value = models.SmallIntegerField(_("giá trị"))
    label = models.CharField(_("nội dung"), max_length=200)

    class Meta:
        verbose_name = _("mức trả lời")
        verbose_name_plural = _("mức trả lời")
        ordering = ["-value"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "value"], name="option_value_unique")
        ]

    def __str__(self) -> str:
        return self.label


class Question(models.Model):
    """A question (câu hỏi), mapped to one survey criterion of the set."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    text = models.TextField(_("nội dung câu hỏi"))
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class Survey(models.Model):
    """A survey round (đợt khảo sát) of a criteria set: the questionnaires it asks, the quotas
    per unit and group, the links it hands out; closing it writes the survey points."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên đợt khảo sát"), max_length=300)
    questionnaires = models.ManyToManyField(
        Questionnaire, verbose_name=_("phiếu"), related_name="+"
    )
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=SurveyState.choices, default=SurveyState.OPEN
    )
    # The last day the links take answers; the round still needs closing to compute points.
    closes_on = models.DateField(_("hạn trả lời"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đóng"), on_delete=models.PROTECT,
        related_name="+", null=True, blank=True,
    )  # fmt: skip

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt khảo sát")
        verbose_name_plural = _("đợt khảo sát")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """How many answered forms a unit's survey needs from one group (chỉ tiêu phiếu)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(_("nhóm đối tượng"), max_length=20, choices=RespondentGroup.choices)
    target = models.PositiveIntegerField(_("chỉ tiêu"))

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu phiếu")
        verbose_name_plural = _("chỉ tiêu phiếu")
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit", "group"], name="quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_group_display()}: {self.target}"


class Token(models.Model):
    """A one-time respondent link (mã khảo sát), stored as the SHA-256 digest of its secret.

    Nothing records who received which printed code. `draft` keeps the answers of an
    unfinished form (question id → value) so a dropped connection resumes with the same link;
    it is emptied when the form is submitted."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="tokens")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_on = models.DateField(auto_now_add=True)
    used_on = models.DateField(null=True, blank=True)
    draft = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("mã khảo sát")
        verbose_name_plural = _("mã khảo sát")

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit} · {self.get_group_display()}"


class Response(models.Model):
    """One answered form (phiếu trả lời), online or typed from paper; anonymous by design."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    channel = models.CharField(_("hình thức"), max_length=10, choices=Channel.choices)
    # Paper forms only: the staff member who typed it in (never the respondent).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_on = models.DateField(_("ngày trả lời"))

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        indexes = [models.Index(fields=["survey", "unit", "group"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit} · {self.get_group_display()} ({self.channel})"


class Answer(models.Model):
    """One answer of a response: the value on the questionnaire's scale."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(_("câu trả lời"))

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


class SubmitCounter(models.Model):
    """Requests to the public form per client address and 10-minute window (the rate limit).

    The address is kept only as a keyed hash, in this table alone, never next to an answer,
    and rows older than a day are deleted as new windows start."""

    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)
    misses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="submit_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.window:%Y-%m-%d %H:%M} {self.hits}/{self.misses}"
