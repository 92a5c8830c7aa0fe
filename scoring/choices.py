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
    """How a leaf criterion's points are computed (DOMAIN.md, scoring rule per leaf)."""

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
