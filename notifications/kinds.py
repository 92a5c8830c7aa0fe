"""The catalogue of what the portal tells people: one `Kind` per event.

A notification stores its kind's name and plain parameters (names, dates already written
dd/mm/yyyy); its text is the kind's message put through gettext when it is shown, so the same
notification reads in Vietnamese or English. The apps that raise the events (inspections,
scoring, jobs) name these kinds; the catalogue lives here, below them, so that the list page
and the preference form know every kind without importing the apps above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    # What the preference form calls it.
    label: str | Promise
    # A gettext msgid with %(param)s placeholders, translated when shown (not when stored).
    message: str
    # Whether a user who never changed their preferences gets it by e-mail too.
    email_default: bool = True
    # Parameters that are themselves msgids (a job kind's label, an action's name).
    translated_params: tuple[str, ...] = ()
    # A template of its own for the e-mail (else notifications/email/notification.txt).
    email_template: str = ""

    def render(self, params: dict[str, Any]) -> str:
        values = {
            key: gettext(value) if key in self.translated_params and value else value
            for key, value in params.items()
        }
        try:
            return gettext(self.message) % values
        except (KeyError, TypeError, ValueError):  # a parameter missing from an old row
            return gettext(self.message)


KINDS: dict[str, Kind] = {}


def _kind(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


RECOMMENDATION_NEW = _kind(
    Kind(
        "inspections.recommendation_new",
        _("Kiến nghị mới cho đơn vị sau kiểm tra"),
        gettext_noop(
            "Kiến nghị mới cho %(unit)s sau cuộc kiểm tra tại %(inspected)s; hạn khắc phục %(due)s."
        ),
        email_template="inspections/email/recommendation_issued.txt",
    )
)
REMEDIATION_SENT_BACK = _kind(
    Kind(
        "inspections.remediation_sent_back",
        _("Báo cáo khắc phục bị trả lại"),
        gettext_noop("Báo cáo khắc phục kiến nghị của %(unit)s bị trả lại: %(note)s"),
    )
)
REMEDIATION_REPORTED = _kind(
    Kind(
        "inspections.remediation_reported",
        _("Báo cáo khắc phục chờ xác nhận"),
        gettext_noop("%(unit)s đã báo cáo khắc phục kiến nghị; chờ xác nhận."),
    )
)
RECOMMENDATION_DUE_SOON = _kind(
    Kind(
        "inspections.recommendation_due_soon",
        _("Kiến nghị sắp đến hạn khắc phục"),
        gettext_noop("Kiến nghị của %(unit)s đến hạn khắc phục ngày %(due)s."),
        email_template="inspections/email/recommendation_reminder.txt",
    )
)
RECOMMENDATION_OVERDUE = _kind(
    Kind(
        "inspections.recommendation_overdue",
        _("Kiến nghị quá hạn khắc phục"),
        gettext_noop("Kiến nghị của %(unit)s đã quá hạn khắc phục (hạn %(due)s)."),
    )
)
ASSESSMENT_SUBMITTED = _kind(
    Kind(
        "scoring.assessment_submitted",
        _("Đơn vị gửi tự đánh giá"),
        gettext_noop("%(unit)s đã gửi tự đánh giá: %(set)s."),
    )
)
EXPLANATION_REQUESTED = _kind(
    Kind(
        "scoring.explanation_requested",
        _("Đề nghị đơn vị giải trình"),
        gettext_noop("Hội đồng thẩm định đề nghị %(unit)s giải trình: %(set)s."),
    )
)
EXPLANATION_SUBMITTED = _kind(
    Kind(
        "scoring.explanation_submitted",
        _("Đơn vị gửi giải trình"),
        gettext_noop("%(unit)s đã gửi giải trình: %(set)s."),
    )
)
ASSESSMENT_LOCKED = _kind(
    Kind(
        "scoring.assessment_locked",
        _("Chốt điểm chỉ số"),
        gettext_noop("Đã chốt điểm chỉ số CCHC của %(unit)s: %(set)s."),
    )
)
ASSESSMENT_PUBLISHED = _kind(
    Kind(
        "scoring.assessment_published",
        _("Công bố kết quả chỉ số"),
        gettext_noop("Đã công bố kết quả chỉ số CCHC: %(set)s."),
    )
)
DEADLINE_REMINDER = _kind(
    Kind(
        "scoring.deadline_reminder",
        _("Nhắc hạn chỉ số CCHC"),
        gettext_noop("Nhắc hạn %(phase)s của %(unit)s: %(set)s, hạn %(due)s đã qua."),
        translated_params=("phase",),
    )
)
JOB_DONE = _kind(
    Kind(
        "jobs.job_done",
        _("Tác vụ nền hoàn tất"),
        gettext_noop("%(label)s đã xong."),
        email_default=False,
        translated_params=("label",),
    )
)
JOB_FAILED = _kind(
    Kind(
        "jobs.job_failed",
        _("Tác vụ nền bị lỗi"),
        gettext_noop("%(label)s bị lỗi: %(error)s"),
        email_default=False,
        translated_params=("label",),
    )
)
JOB_INTERRUPTED = _kind(
    Kind(
        "jobs.job_interrupted",
        _("Tác vụ nền bị gián đoạn"),
        gettext_noop("%(label)s bị gián đoạn; có thể chạy lại."),
        email_default=False,
        translated_params=("label",),
    )
)
SURVEY_BELOW_QUOTA = _kind(
    Kind(
        "surveys.below_quota",
        _("Khảo sát xã hội học chưa đủ phiếu"),
        gettext_noop(
            "Đợt khảo sát “%(survey)s”: %(unit)s mới có %(answered)s/%(quota)s phiếu của nhóm "
            "%(group)s; hạn trả lời %(due)s. Đề nghị đơn vị đôn đốc phát và thu phiếu."
        ),
        translated_params=("group",),
    )
)


def kind_of(name: str) -> Kind | None:
    return KINDS.get(name)


def default_email_kinds() -> list[str]:
    return [k.name for k in KINDS.values() if k.email_default]
