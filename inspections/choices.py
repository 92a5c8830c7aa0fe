from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    """What a visit is for (docs/domain.md, "Inspections")."""

    CCHC = "cchc", _("Kiểm tra công tác CCHC")
    TTHC_CONTROL = "tthc_control", _("Kiểm tra công tác kiểm soát TTHC")
    INDEX_APPRAISAL = "index_appraisal", _("Thẩm định chỉ số CCHC")


class InspectionState(models.TextChoices):
    PLANNED = "planned", _("Theo kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang kiểm tra")
    CONCLUDED = "concluded", _("Đã kết luận")
    CLOSED = "closed", _("Đã đóng")


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng đoàn")
    DEPUTY = "deputy", _("Phó trưởng đoàn")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thư ký")


class ChecklistOutcome(models.TextChoices):
    MET = "met", _("Đạt")
    PARTLY = "partly", _("Đạt một phần")
    NOT_MET = "not_met", _("Không đạt")
    NOT_APPLICABLE = "na", _("Không áp dụng")


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Ưu điểm")
    LIMITATION = "limitation", _("Tồn tại, hạn chế")


class RecommendationState(models.TextChoices):
    """Stored states; "overdue" is computed (past due and not verified), never stored.

    open → reported (the unit's report waits for the inspector) → verified, or → sent back
    (the inspector returned the report with a note; the unit reports again)."""

    OPEN = "open", _("Chưa khắc phục")
    REPORTED = "reported", _("Đã báo cáo – chờ xác nhận")
    SENT_BACK = "sent_back", _("Bị trả lại")
    VERIFIED = "verified", _("Đã xác nhận")


class DossierCheckResult(models.TextChoices):
    COMPLIANT = "compliant", _("Đúng quy định")
    NONCOMPLIANT = "noncompliant", _("Chưa đúng quy định")
