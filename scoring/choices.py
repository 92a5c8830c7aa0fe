from django.db import models
from django.utils.translation import gettext_lazy as _


class CriteriaSetStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ACTIVE = "active", _("Đang áp dụng")
    ARCHIVED = "archived", _("Lưu trữ")


class Component(models.TextChoices):
    """Which part of the index a criterion's points belong to."""

    APPRAISAL = "appraisal", _("Thẩm định")
    SURVEY = "survey", _("Điều tra xã hội học")


class Rule(models.TextChoices):
    """How a leaf criterion's points are computed (docs/domain.md, "Scoring rules")."""

    MANUAL = "manual", _("Chấm trực tiếp")
    YES_NO = "yes_no", _("Có / không")
    RATE = "rate", _("Theo tỷ lệ")
    TIERS = "tiers", _("Theo khoảng tỷ lệ")
    DEDUCTION = "deduction", _("Trừ điểm theo vi phạm")


class AssessmentState(models.TextChoices):
    """Workflow of a unit's yearly assessment."""

    OPEN = "open", _("Đang tự đánh giá")
    SELF_ASSESSED = "self_assessed", _("Đã tự đánh giá")
    APPRAISAL_1 = "appraisal_1", _("Thẩm định vòng 1")
    EXPLANATION = "explanation", _("Giải trình")
    APPRAISAL_2 = "appraisal_2", _("Thẩm định vòng 2")
    LOCKED = "locked", _("Đã chốt điểm")
    PUBLISHED = "published", _("Đã công bố")


class Metric(models.TextChoices):
    """Rates computed from the unit's dossiers (procedures app) offered beside a rate criterion."""

    DOSSIER_ON_TIME_RATE = "dossier_on_time_rate", _("Tỷ lệ hồ sơ giải quyết đúng hạn")
    DOSSIER_ONLINE_RATE = "dossier_online_rate", _("Tỷ lệ hồ sơ trực tuyến")
    DOSSIER_DIGITISED_RESULT_RATE = "dossier_digitised_result_rate", _("Tỷ lệ số hóa kết quả")
    DOSSIER_PAID_ONLINE_RATE = "dossier_paid_online_rate", _("Tỷ lệ thanh toán trực tuyến")


class ScoreField(models.TextChoices):
    """The columns of the score sheet that can be written (one cell = one field of a score)."""

    SELF = "self_score", _("Điểm tự đánh giá")
    ROUND1 = "round1_score", _("Điểm thẩm định vòng 1")
    ROUND2 = "round2_score", _("Điểm thẩm định vòng 2")
    SURVEY = "survey_points", _("Điểm điều tra xã hội học")
    EXPLANATION = "explanation", _("Giải trình")
    SELF_NOTE = "self_note", _("Thuyết minh tự đánh giá")


class Phase(models.TextChoices):
    """The phases of the workflow that have a deadline for the unit."""

    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    EXPLANATION = "explanation", _("Giải trình")


class ThreadRole(models.TextChoices):
    """Who wrote a message of an explanation thread."""

    COUNCIL = "council", _("Hội đồng thẩm định")
    UNIT = "unit", _("Đơn vị")
