"""Writes for inspections: each a keyword-only function in one transaction.

Error messages are module constants so tests (and callers) can name them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.choices import Action
from audit.services import record as audit_record
from cchc_portal import uploads, versioning
from inspections.choices import (
    ChecklistOutcome,
    FindingKind,
    InspectionKind,
    InspectionState,
    MemberRole,
    RecommendationState,
)
from inspections.models import (
    ChecklistResult,
    ChecklistTemplate,
    ChecklistTemplateItem,
    DossierCheck,
    Finding,
    Inspection,
    InspectionPhoto,
    InspectionPlan,
    InspectionReopening,
    InspectionTeam,
    PlanContent,
    PlanTarget,
    Recommendation,
    Remediation,
    RemediationAttachment,
    TeamMember,
)
from notifications import kinds
from notifications.services import Notice, notify
from units.choices import Role
from units.models import AdministrativeUnit, User

if TYPE_CHECKING:
    from procedures.querysets import DossierQuerySet

TEAM_WITHOUT_HEAD = gettext_lazy("Đoàn kiểm tra phải có đúng một trưởng đoàn.")
INSPECTION_NOT_EDITABLE = gettext_lazy(
    "Cuộc kiểm tra đã kết luận: phải mở lại (ghi rõ lý do) trước khi sửa."
)
DUE_BEFORE_INSPECTION = gettext_lazy("Thời hạn khắc phục ({due}) phải sau ngày kiểm tra ({day}).")
RESPONSIBLE_OUTSIDE_UNIT = gettext_lazy(
    "Đơn vị thực hiện kiến nghị phải là đơn vị được kiểm tra hoặc đơn vị trực thuộc."
)
RESPONSIBLE_PERSON_OUTSIDE = gettext_lazy(
    "{person} không phải cán bộ của {unit} (hoặc của đơn vị cấp trên được kiểm tra): không giao "
    "kiến nghị cho người này được."
)
CHECKLIST_UNANSWERED = gettext_lazy("Chưa có kết quả cho {count} nội dung kiểm tra: {items}.")
# One answer for a code of another unit and a code that does not exist: typing codes must not
# tell what exists elsewhere (issue 19).
DOSSIER_NOT_FOUND = gettext_lazy("Không có hồ sơ mã {code} của đơn vị được kiểm tra.")
DOSSIER_OUTSIDE_PERIOD = gettext_lazy(
    "Hồ sơ {code} tiếp nhận ngày {day}, ngoài thời kỳ kiểm tra {start}–{end}."
)
DOSSIER_ALREADY_CHECKED = gettext_lazy("Hồ sơ {code} đã có trong danh sách kiểm tra.")
NO_DOSSIERS = gettext_lazy("Đơn vị không có hồ sơ nào tiếp nhận trong thời kỳ kiểm tra.")
NOT_CONCLUDABLE = gettext_lazy("Cuộc kiểm tra đã kết luận rồi.")
NOT_CONCLUDED = gettext_lazy("Chỉ mở lại được cuộc kiểm tra đã kết luận.")
REOPEN_REASON_REQUIRED = gettext_lazy("Phải ghi lý do mở lại.")
TEMPLATE_USED = gettext_lazy(
    "Mẫu {template} đã được dùng cho cuộc kiểm tra: không sửa được, hãy sao chép thành phiên "
    "bản mới."
)
TEMPLATE_NO_ITEMS = gettext_lazy("Mẫu phải có ít nhất một nội dung kiểm tra.")
TEMPLATE_ITEM_TOO_LONG = gettext_lazy(
    "Dòng {line} dài {length} ký tự: mỗi nội dung kiểm tra tối đa {limit} ký tự."
)
TEMPLATE_OTHER_KIND = gettext_lazy(
    "Mẫu {template} dành cho {kind}, không dùng cho {inspection_kind}."
)
CHECKLIST_NOT_EMPTY = gettext_lazy(
    "Cuộc kiểm tra đã có danh mục kiểm tra: chỉ lập từ mẫu khi danh mục còn trống."
)
PHOTOS_REQUIRED = gettext_lazy("Chưa chọn ảnh nào.")
PHOTOS_TOO_MANY = gettext_lazy("Tối đa {limit} ảnh một lần (đã chọn {count}).")
MAX_PHOTOS_PER_UPLOAD = 10
HELD_ON_REQUIRED = gettext_lazy("Chưa nhập ngày kiểm tra thực tế.")
NOT_CLOSABLE = gettext_lazy("Chỉ đóng được khi mọi kiến nghị đã được xác nhận khắc phục.")
REMEDIATION_NOT_ALLOWED = gettext_lazy("Kiến nghị đã được xác nhận, không báo cáo thêm.")
REMEDIATION_BEFORE_CONCLUSION = gettext_lazy(
    "Cuộc kiểm tra chưa kết luận: chỉ báo cáo khắc phục được sau khi có thông báo kết luận."
)
NOT_REPORTED = gettext_lazy("Kiến nghị chưa có báo cáo khắc phục để xem xét.")
SEND_BACK_NOTE_REQUIRED = gettext_lazy("Phải ghi ý kiến khi trả lại báo cáo khắc phục.")
PERIOD_REVERSED = gettext_lazy("Thời kỳ kiểm tra: ngày kết thúc trước ngày bắt đầu.")
TARGET_OUTSIDE = gettext_lazy("Đơn vị {unit} không thuộc phạm vi của cơ quan ban hành.")
ASSESSMENT_OTHER_UNIT = gettext_lazy("Bản đánh giá chỉ số không phải của đơn vị được kiểm tra.")
PLAN_ALREADY_ISSUED = gettext_lazy(
    "Kế hoạch đã ban hành (số {number}): nội dung văn bản đã chốt, không ban hành lại."
)
PLAN_WITHOUT_TARGETS = gettext_lazy(
    "Kế hoạch chưa có đơn vị được kiểm tra: thêm lịch kiểm tra trước khi ban hành."
)
PLAN_ISSUED_FIELD = gettext_lazy(
    "Kế hoạch đã ban hành số {number} ngày {day}: không sửa được {field}."
)
ATTACHMENT_TOO_BIG = gettext_lazy("Tệp {name} lớn hơn {mb} MB.")
ATTACHMENT_TYPE = gettext_lazy("Tệp {name}: chỉ nhận PDF, ảnh (JPG, PNG), Word, Excel.")

MAX_ATTACHMENT_MB = 10
MAX_DRAWS = 50  # draws before giving up when most of the unit's dossiers are already checked
ALLOWED_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx"}
TZ = dt.timezone(dt.timedelta(hours=7))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _require_editable(inspection: Inspection) -> None:
    if not inspection.is_editable:
        raise ValidationError(INSPECTION_NOT_EDITABLE)


def _start(inspection: Inspection) -> None:
    """Recording anything moves a planned inspection to "in progress"."""
    if inspection.state == InspectionState.PLANNED:
        inspection.state = InspectionState.IN_PROGRESS
        inspection.save(update_fields=["state"])


# --- plans and teams -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetData:
    unit: AdministrativeUnit
    scheduled_on: dt.date
    body: str = ""


@dataclass(frozen=True)
class MemberData:
    name: str
    role: str
    position: str = ""
    organisation: str = ""
    user: User | None = None


def _target_line(target: PlanTarget | TargetData) -> str:
    line = f"{target.unit.name} {target.scheduled_on:%d/%m/%Y}"
    return f"{line} ({target.body})" if target.body else line


def _member_line(member: TeamMember | MemberData) -> str:
    role = MemberRole(member.role).label
    return " | ".join(
        p for p in (str(role), member.name, member.position, member.organisation) if p
    )


PLAN_LABELS = {
    "number": gettext_lazy("Số kế hoạch"),
    "issued_on": gettext_lazy("Ngày ban hành"),
    "issuer": gettext_lazy("Cơ quan ban hành (cấp)"),
    "issuer_name": gettext_lazy("Tên cơ quan ban hành"),
    "year": gettext_lazy("Năm"),
    "title": gettext_lazy("Tên kế hoạch"),
    "purpose": gettext_lazy("Mục đích, yêu cầu"),
    "period_start": gettext_lazy("Thời kỳ kiểm tra từ"),
    "period_end": gettext_lazy("Thời kỳ kiểm tra đến"),
    "contents": gettext_lazy("Nội dung kiểm tra"),
    "targets": gettext_lazy("Đơn vị được kiểm tra"),
}
TEAM_LABELS = {
    "name": gettext_lazy("Tên đoàn"),
    "unit": gettext_lazy("Cấp thành lập"),
    "decision_number": gettext_lazy("Số quyết định thành lập"),
    "decision_date": gettext_lazy("Ngày quyết định"),
    "members": gettext_lazy("Thành viên"),
}
INSPECTION_LABELS = {
    "plan": gettext_lazy("Kế hoạch"),
    "team": gettext_lazy("Đoàn kiểm tra"),
    "unit": gettext_lazy("Đơn vị được kiểm tra"),
    "body": gettext_lazy("Cơ quan, bộ phận"),
    "kind": gettext_lazy("Loại kiểm tra"),
    "scheduled_on": gettext_lazy("Ngày dự kiến"),
    "held_on": gettext_lazy("Ngày kiểm tra thực tế"),
    "period_start": gettext_lazy("Thời kỳ kiểm tra từ"),
    "period_end": gettext_lazy("Thời kỳ kiểm tra đến"),
    "representatives": gettext_lazy("Đại diện đơn vị"),
}


@transaction.atomic
def plan_save(
    *,
    plan: InspectionPlan | None = None,
    number: str,
    issued_on: dt.date | None,
    issuer: AdministrativeUnit,
    issuer_name: str = "",
    year: int,
    title: str,
    purpose: str = "",
    period_start: dt.date,
    period_end: dt.date,
    contents: Sequence[str],
    targets: Sequence[TargetData],
    version: int | None = None,
    by: User | None = None,
) -> InspectionPlan:
    """Create or update a plan with its contents (checklist template) and target units.

    `version`: the one the editing user loaded; a plan saved since is refused (StaleEdit)."""
    if period_end < period_start:
        raise ValidationError({"period_end": PERIOD_REVERSED})
    for target in targets:
        if not target.unit.is_within(issuer):
            raise ValidationError({"targets": TARGET_OUTSIDE.format(unit=target.unit)})
    fields = {
        "number": number,
        "issued_on": issued_on,
        "issuer": issuer,
        "issuer_name": issuer_name,
        "year": year,
        "title": title,
        "purpose": purpose,
        "period_start": period_start,
        "period_end": period_end,
    }
    if plan is not None:
        plan = (
            InspectionPlan.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=plan.pk)
        )
        versioning.ensure_current(
            plan,
            version=version,
            what=_("Kế hoạch"),
            current={
                **{f: getattr(plan, f) for f in fields},
                "contents": [c.text for c in plan.contents.all()],
                "targets": [_target_line(t) for t in plan.targets.select_related("unit")],
            },
            yours={
                **fields,
                "contents": versioning.lines(contents),
                "targets": [_target_line(t) for t in targets],
            },
            labels=PLAN_LABELS,
        )
        if plan.is_issued:
            _refuse_issued_changes(plan, number=number, issued_on=issued_on, issuer=issuer)
    plan = plan or InspectionPlan()
    for field, value in fields.items():
        setattr(plan, field, value)
    versioning.bump(plan, by=by)
    plan.full_clean()
    plan.save()
    # Contents already answered in an inspection stay (their results refer to them); the
    # others are replaced so the order follows the form.
    existing = {c.text: c for c in plan.contents.all()}
    keep = []
    for position, text in enumerate(t.strip() for t in contents if t.strip()):
        content = existing.get(text) or PlanContent(plan=plan, text=text)
        content.position = position
        content.save()
        keep.append(content.pk)
    plan.contents.exclude(pk__in=keep).filter(results__isnull=True).delete()
    keep = []
    for target in targets:
        row, _created = PlanTarget.objects.update_or_create(
            plan=plan,
            unit=target.unit,
            body=target.body,
            defaults={"scheduled_on": target.scheduled_on},
        )
        keep.append(row.pk)
    plan.targets.exclude(pk__in=keep).delete()
    return plan


def _refuse_issued_changes(
    plan: InspectionPlan, *, number: str, issued_on: dt.date | None, issuer: AdministrativeUnit
) -> None:
    """An issued plan keeps the number, date and issuer its register entry records; the rest
    may still change (a rescheduled visit) without changing the issued document."""
    assert plan.issued_on is not None
    labels = {
        "number": (number.strip() != plan.number, _("số kế hoạch")),
        "issued_on": (issued_on != plan.issued_on, _("ngày ban hành")),
        "issuer": (issuer.pk != plan.issuer_id, _("cơ quan ban hành")),
    }
    errors = {
        name: PLAN_ISSUED_FIELD.format(number=plan.number, day=_fmt(plan.issued_on), field=label)
        for name, (changed, label) in labels.items()
        if changed
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_issue(
    *, plan: InspectionPlan, by: User, number: str = "", on: dt.date | None = None
) -> InspectionPlan:
    """Issue a plan (ban hành): its number from the issuer's register of plans ("15/KH-SNV";
    a number typed on the plan or here is recorded if free), its date (`on`, else the date typed
    on the plan, else today), and its content frozen: the document is rendered from the
    snapshot from now on. Irreversible: the number is never given again."""
    from cchc_portal.document import issuer_code
    from documents.choices import DocumentType
    from documents.services import document_number_issue
    from inspections.selectors import plan_content

    plan = InspectionPlan.objects.select_for_update().select_related("issuer").get(pk=plan.pk)
    if plan.is_issued:
        raise ValidationError(PLAN_ALREADY_ISSUED.format(number=plan.number))
    if not plan.targets.exists():
        raise ValidationError(PLAN_WITHOUT_TARGETS)
    day = on or plan.issued_on or timezone.localdate()
    entry = document_number_issue(
        issuer=plan.issuer,
        issuer_code=issuer_code(plan.issuer_name or "UBND"),
        doc_type=DocumentType.PLAN,
        key=f"inspections.plan:{plan.pk}",
        subject=plan.title,
        issued_on=day,
        by=by,
        typed=number.strip() or plan.number,
    )
    plan.number, plan.issued_on = entry.label, day
    plan.issued_snapshot = plan_content(plan)
    plan.save(update_fields=["number", "issued_on", "issued_snapshot"])
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        unit=plan.issuer_id,
        target=plan,
        detail=f"issued {entry.label}",
    )
    return plan


@transaction.atomic
def team_save(
    *,
    team: InspectionTeam | None = None,
    unit: AdministrativeUnit,
    name: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    members: Sequence[MemberData],
    version: int | None = None,
    by: User | None = None,
) -> InspectionTeam:
    """Create or update a team and replace its members; a team needs exactly one head.

    `version`: the one the editing user loaded; a team saved since is refused (StaleEdit)."""
    if sum(1 for m in members if m.role == MemberRole.HEAD) != 1:
        raise ValidationError({"members": TEAM_WITHOUT_HEAD})
    fields = {
        "name": name,
        "unit": unit,
        "decision_number": decision_number,
        "decision_date": decision_date,
    }
    if team is not None:
        team = (
            InspectionTeam.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=team.pk)
        )
        versioning.ensure_current(
            team,
            version=version,
            what=_("Đoàn kiểm tra"),
            current={
                **{f: getattr(team, f) for f in fields},
                "members": [_member_line(m) for m in team.members.all()],
            },
            yours={**fields, "members": [_member_line(m) for m in members]},
            labels=TEAM_LABELS,
        )
    team = team or InspectionTeam()
    team.unit, team.name = unit, name
    team.decision_number, team.decision_date = decision_number, decision_date
    versioning.bump(team, by=by)
    team.full_clean()
    team.save()
    team.members.all().delete()
    TeamMember.objects.bulk_create(
        TeamMember(
            team=team,
            name=m.name,
            role=m.role,
            position=m.position,
            organisation=m.organisation,
            user=m.user,
            position_order=i,
        )
        for i, m in enumerate(members)
    )
    return team


# --- inspections -----------------------------------------------------------------------------


@transaction.atomic
def inspection_save(
    *,
    inspection: Inspection | None = None,
    plan: InspectionPlan,
    team: InspectionTeam,
    unit: AdministrativeUnit,
    scheduled_on: dt.date,
    body: str = "",
    held_on: dt.date | None = None,
    kind: str = InspectionKind.CCHC,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    representatives: str = "",
    unit_opinion: str = "",
    sites: Iterable[AdministrativeUnit] = (),
    assessment: Any = None,
    version: int | None = None,
    by: User | None = None,
) -> Inspection:
    """Create or edit an inspection; its checklist follows the plan's contents (unless it was
    made from a checklist template: then the template's lines stay alone).

    The inspected period defaults to the plan's. `version`: the one the editing user loaded;
    an inspection saved since is refused (StaleEdit).
    """
    if inspection is not None:
        inspection = (
            Inspection.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=inspection.pk)
        )
        _require_editable(inspection)
        versioning.ensure_current(
            inspection,
            version=version,
            what=_("Cuộc kiểm tra"),
            current={
                **{f: getattr(inspection, f) for f in INSPECTION_LABELS},
                "kind": inspection.get_kind_display(),
            },
            yours={
                "plan": plan,
                "team": team,
                "unit": unit,
                "body": body,
                "kind": InspectionKind(kind).label,
                "scheduled_on": scheduled_on,
                "held_on": held_on,
                "period_start": period_start or plan.period_start,
                "period_end": period_end or plan.period_end,
                "representatives": representatives,
            },
            labels=INSPECTION_LABELS,
        )
    if not team.members.filter(role=MemberRole.HEAD).exists():
        raise ValidationError({"team": TEAM_WITHOUT_HEAD})
    if assessment is not None and assessment.unit_id != unit.pk:
        raise ValidationError({"assessment": ASSESSMENT_OTHER_UNIT})
    inspection = inspection or Inspection()
    inspection.plan, inspection.team, inspection.unit = plan, team, unit
    inspection.body = body
    inspection.scheduled_on, inspection.held_on, inspection.kind = scheduled_on, held_on, kind
    inspection.period_start = period_start or plan.period_start
    inspection.period_end = period_end or plan.period_end
    if inspection.period_end < inspection.period_start:
        raise ValidationError({"period_end": PERIOD_REVERSED})
    inspection.representatives = representatives
    inspection.unit_opinion = unit_opinion.strip()
    inspection.assessment = assessment
    versioning.bump(inspection, by=by)
    inspection.full_clean()
    inspection.save()
    inspection.sites.set([s for s in sites if s.is_within(unit)])
    present = list(inspection.checklist.values_list("content_id", "template_item_id"))
    if not any(item_id for _content_id, item_id in present):  # not made from a template
        ChecklistResult.objects.bulk_create(
            ChecklistResult(inspection=inspection, content=c)
            for c in plan.contents.exclude(pk__in=[c for c, _item in present])
        )
    return inspection


@transaction.atomic
def checklist_record(*, result: ChecklistResult, outcome: str, note: str = "") -> ChecklistResult:
    _require_editable(result.inspection)
    if outcome and outcome not in ChecklistOutcome.values:
        raise ValidationError({"outcome": _("Kết quả không hợp lệ.")})
    result.outcome, result.note = outcome, note
    result.save(update_fields=["outcome", "note"])
    _start(result.inspection)
    return result


# --- checklist templates ---------------------------------------------------------------------


def _template_lines(items: Sequence[str]) -> list[str]:
    """The template's lines, stripped, blank ones dropped; a line too long names its number."""
    limit = ChecklistTemplateItem._meta.get_field("text").max_length or 500
    lines = []
    for number, raw in enumerate(items, start=1):
        text = raw.strip()
        if len(text) > limit:
            raise ValidationError(
                {"items": TEMPLATE_ITEM_TOO_LONG.format(line=number, length=len(text), limit=limit)}
            )
        if text:
            lines.append(text)
    if not lines:
        raise ValidationError({"items": TEMPLATE_NO_ITEMS})
    return lines


def checklist_template_is_used(template: ChecklistTemplate) -> bool:
    """Used: some inspection's checklist was made from it (then it is frozen)."""
    return ChecklistResult.objects.filter(template_item__template=template).exists()


@transaction.atomic
def checklist_template_save(
    *,
    template: ChecklistTemplate | None = None,
    kind: str,
    name: str,
    items: Sequence[str],
    by: User | None = None,
) -> ChecklistTemplate:
    """Create a template, or edit one no checklist was made from (else TEMPLATE_USED)."""
    lines = _template_lines(items)
    if template is not None:
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        if checklist_template_is_used(template):
            raise ValidationError(TEMPLATE_USED.format(template=template))
        template.kind, template.name = kind, name.strip()
    else:
        template = ChecklistTemplate(kind=kind, name=name.strip(), created_by=by)
        template.revision = _next_revision(kind, template.name)
    template.full_clean()
    template.save()
    template.items.all().delete()
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(template=template, position=i, text=text)
        for i, text in enumerate(lines)
    )
    return template


def _next_revision(kind: str, name: str) -> int:
    latest = (
        ChecklistTemplate.objects.filter(kind=kind, name=name)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return (latest or 0) + 1


@transaction.atomic
def checklist_template_copy(
    *, template: ChecklistTemplate, by: User | None = None
) -> ChecklistTemplate:
    """The next revision of a template, with its lines: the way to change a used one."""
    copy = ChecklistTemplate.objects.create(
        kind=template.kind,
        name=template.name,
        revision=_next_revision(template.kind, template.name),
        previous=template,
        created_by=by,
    )
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(template=copy, position=item.position, text=item.text)
        for item in template.items.all()
    )
    return copy


@transaction.atomic
def checklist_from_template(
    *, inspection: Inspection, template: ChecklistTemplate
) -> list[ChecklistResult]:
    """Make an empty checklist from a template of the inspection's kind (one line per item)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _require_editable(inspection)
    if template.kind != inspection.kind:
        raise ValidationError(
            {
                "template": TEMPLATE_OTHER_KIND.format(
                    template=template,
                    kind=template.get_kind_display(),
                    inspection_kind=inspection.get_kind_display(),
                )
            }
        )
    if inspection.checklist.exists():
        raise ValidationError(CHECKLIST_NOT_EMPTY)
    results = ChecklistResult.objects.bulk_create(
        ChecklistResult(inspection=inspection, template_item=item) for item in template.items.all()
    )
    _start(inspection)
    return results


# --- photos --------------------------------------------------------------------------------


@transaction.atomic
def photos_add(
    *,
    inspection: Inspection,
    files: Sequence[UploadedFile],
    by: User | None = None,
    checklist_result: ChecklistResult | None = None,
    finding: Finding | None = None,
) -> list[InspectionPhoto]:
    """Photos of a checklist line or a finding, re-encoded by inspections.photos.

    Every file is decoded and re-encoded before any is stored: one bad file refuses them all.
    Stored names are random (never a dotfile), the files 0600 (PrivateFileSystemStorage).
    """
    from uuid import uuid4

    from django.core.files.base import ContentFile

    from inspections import photos

    _require_editable(inspection)
    if (checklist_result is None) == (finding is None):
        raise ValueError("a photo is of a checklist line or of a finding")
    subject = checklist_result or finding
    assert subject is not None
    if subject.inspection_id != inspection.pk:
        raise ValueError("the line or finding belongs to another inspection")
    if not files:
        raise ValidationError({"photos": PHOTOS_REQUIRED})
    if len(files) > MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            {"photos": PHOTOS_TOO_MANY.format(limit=MAX_PHOTOS_PER_UPLOAD, count=len(files))}
        )
    processed = [photos.process(upload) for upload in files]
    made = []
    for upload, done in zip(files, processed, strict=True):
        stem = uuid4().hex
        photo = InspectionPhoto(
            inspection=inspection,
            checklist_result=checklist_result,
            finding=finding,
            name=uploads.safe_file_name(upload.name or "")[:255],
            width=done.width,
            height=done.height,
            uploaded_by=by,
        )
        photo.file.save(f"{stem}.jpg", ContentFile(done.photo), save=False)
        photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(done.thumbnail), save=False)
        photo.save()
        made.append(photo)
    _start(inspection)
    return made


@transaction.atomic
def finding_add(*, inspection: Inspection, kind: str, text: str, criterion: Any = None) -> Finding:
    _require_editable(inspection)
    if criterion is not None and kind != FindingKind.LIMITATION:
        raise ValidationError({"criterion": _("Chỉ tồn tại, hạn chế mới gắn với tiêu chí.")})
    finding = Finding(inspection=inspection, kind=kind, text=text.strip(), criterion=criterion)
    finding.full_clean()
    finding.save()
    _start(inspection)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding) -> None:
    _require_editable(finding.inspection)
    finding.delete()


@transaction.atomic
def recommendation_add(
    *,
    inspection: Inspection,
    text: str,
    responsible_unit: AdministrativeUnit,
    due_on: dt.date,
    finding: Finding | None = None,
    responsible_person: User | None = None,
) -> Recommendation:
    """Add a recommendation; `responsible_person`, when given, is a user of the responsible
    unit (or a unit below it) and is told by notification with the unit's staff."""
    _require_editable(inspection)
    if due_on <= inspection.visit_date:
        raise ValidationError(
            {
                "due_on": DUE_BEFORE_INSPECTION.format(
                    due=_fmt(due_on), day=_fmt(inspection.visit_date)
                )
            }
        )
    if not responsible_unit.is_within(inspection.unit):
        raise ValidationError({"responsible_unit": RESPONSIBLE_OUTSIDE_UNIT})
    # The person must be able to open it: staff of the responsible unit or of a unit above it,
    # within the inspected unit.
    person_unit = responsible_person.unit if responsible_person is not None else None
    if responsible_person is not None and (
        person_unit is None
        or not responsible_person.is_active
        or not responsible_person.is_unit_staff
        or not responsible_unit.is_within(person_unit)
        or not person_unit.is_within(inspection.unit)
    ):
        raise ValidationError(
            {
                "responsible_person": RESPONSIBLE_PERSON_OUTSIDE.format(
                    person=responsible_person.get_full_name() or responsible_person.username,
                    unit=responsible_unit.name,
                )
            }
        )
    rec = Recommendation(
        inspection=inspection,
        text=text.strip(),
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        due_on=due_on,
        finding=finding,
    )
    rec.full_clean()
    rec.save()
    _start(inspection)
    return rec


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation) -> None:
    _require_editable(recommendation.inspection)
    recommendation.delete()


# --- dossier checks --------------------------------------------------------------------------


def _period_bounds(inspection: Inspection) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes [start, end) of the inspected period, in Vietnam's time zone."""
    start = dt.datetime.combine(inspection.period_start, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(inspection.period_end + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return start, end


def period_dossiers(inspection: Inspection) -> DossierQuerySet:
    """The unit's dossiers received in the period, in a stable order (by id)."""
    from procedures.models import Dossier

    start, end = _period_bounds(inspection)
    return Dossier.objects.filter(
        unit=inspection.unit, received_at__gte=start, received_at__lt=end
    ).order_by("pk")


def draw_index(*, seed: int, count: int, attempt: int = 0) -> int:
    """The position drawn by `seed` among `count` dossiers (pure: the draw is reproducible)."""
    rng = random.Random(seed)
    index = 0
    for _i in range(attempt + 1):
        index = rng.randrange(count)
    return index


@transaction.atomic
def dossier_check_draw(*, inspection: Inspection, seed: int | None = None) -> DossierCheck:
    """Draw one dossier at random from the unit's dossiers in the period.

    Costs a count and one indexed OFFSET query per attempt: the dossiers are never loaded.
    A dossier already checked is skipped by drawing again from the same generator.
    """
    _require_editable(inspection)
    qs = period_dossiers(inspection).values_list("pk", flat=True)
    count = qs.count()
    if count == 0:
        raise ValidationError(NO_DOSSIERS)
    if seed is None:
        seed = random.SystemRandom().randrange(2**53)
    checked = set(inspection.dossier_checks.values_list("dossier_id", flat=True))
    rng = random.Random(seed)
    for _attempt in range(MAX_DRAWS):
        dossier_id = qs[rng.randrange(count)]
        if dossier_id not in checked:
            break
    else:
        raise ValidationError(_("Không rút được hồ sơ chưa kiểm tra; hãy chọn hồ sơ theo mã."))
    check = DossierCheck.objects.create(inspection=inspection, dossier_id=dossier_id, seed=seed)
    _start(inspection)
    return check


@transaction.atomic
def dossier_check_pick(*, inspection: Inspection, dossier: Any) -> DossierCheck:
    """Add a dossier chosen by code; it must be the unit's and received in the period."""
    _require_editable(inspection)
    if dossier.unit_id != inspection.unit_id:
        raise ValidationError({"code": DOSSIER_NOT_FOUND.format(code=dossier.code)})
    start, end = _period_bounds(inspection)
    if not start <= dossier.received_at < end:
        raise ValidationError(
            {
                "code": DOSSIER_OUTSIDE_PERIOD.format(
                    code=dossier.code,
                    day=_fmt(dossier.received_at.astimezone(TZ).date()),
                    start=_fmt(inspection.period_start),
                    end=_fmt(inspection.period_end),
                )
            }
        )
    if inspection.dossier_checks.filter(dossier=dossier).exists():
        raise ValidationError({"code": DOSSIER_ALREADY_CHECKED.format(code=dossier.code)})
    check = DossierCheck.objects.create(inspection=inspection, dossier=dossier)
    _start(inspection)
    return check


@transaction.atomic
def dossier_check_record(*, check: DossierCheck, result: str, note: str = "") -> DossierCheck:
    _require_editable(check.inspection)
    check.result, check.note = result, note
    check.full_clean()
    check.save(update_fields=["result", "note"])
    return check


# --- conclusion, reopening, closing ----------------------------------------------------------


def conclusion_problems(inspection: Inspection) -> list[str]:
    """Why the inspection cannot be concluded now (empty: it can). The confirmation page lists
    them before the user confirms; the conclusion refuses on the same list. One query."""
    if not inspection.is_editable:
        return [str(NOT_CONCLUDABLE)]
    problems = []
    if inspection.held_on is None:
        problems.append(str(HELD_ON_REQUIRED))
    missing = [r.text for r in _checklist_rows(inspection) if not r.outcome]
    if missing:
        problems.append(
            str(CHECKLIST_UNANSWERED.format(count=len(missing), items="; ".join(missing)))
        )
    return problems


def _checklist_rows(inspection: Inspection) -> list[ChecklistResult]:
    """The checklist, from the page's prefetch when there is one (no query), else one query."""
    cache = getattr(inspection, "_prefetched_objects_cache", {})
    if "checklist" in cache:
        return list(inspection.checklist.all())
    return list(inspection.checklist.select_related("content", "template_item"))


@transaction.atomic
def inspection_conclude(
    *, inspection: Inspection, by: User, notice_number: str = "", on: dt.date | None = None
) -> Inspection:
    """Conclude: every checklist item answered; number the notice and the minutes in the
    register, freeze the report; notify responsible units. `on`: the day of the conclusion
    when it is recorded afterwards (today by default)."""
    from inspections.selectors import report_content

    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    problems = conclusion_problems(inspection)
    if problems:
        raise ValidationError(problems)
    inspection.concluded_at = (
        timezone.now()
        if on is None
        else dt.datetime.combine(on, dt.time(15), tzinfo=timezone.get_current_timezone())
    )
    notice, minutes = register_documents(
        inspection=inspection, by=by, typed=notice_number or inspection.notice_number
    )
    inspection.notice_number = notice
    inspection.save(update_fields=["notice_number"])  # the snapshot reads it back
    inspection.state = InspectionState.CONCLUDED
    inspection.concluded_by = by
    inspection.report_snapshot = report_content(inspection, minutes_number=minutes)
    inspection.save()
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        unit=inspection.unit_id,
        target=inspection,
        detail="concluded",
    )
    # Inside the transaction: the notifications and the queued mail commit with the
    # conclusion, and no mail server is asked anything before the response.
    notify_new_recommendations(inspection=inspection)
    return inspection


def register_documents(*, inspection: Inspection, by: User, typed: str = "") -> tuple[str, str]:
    """(notice number, minutes number) from the issuer's registers ("12/TB-SNV", "7/BB-SNV"):
    given at the first conclusion, kept when a reopened inspection is concluded again."""
    from cchc_portal.document import issuer_code
    from documents.choices import DocumentType
    from documents.services import document_number_issue

    plan = inspection.plan
    code = issuer_code(plan.issuer_name or "UBND")
    on = timezone.localdate(inspection.concluded_at)
    subject = _("Kết luận kiểm tra tại %(unit)s") % {"unit": inspection.inspected_name}
    notice = document_number_issue(
        issuer=plan.issuer,
        issuer_code=code,
        doc_type=DocumentType.NOTICE,
        key=f"inspections.notice:{inspection.pk}",
        subject=subject,
        issued_on=on,
        by=by,
        typed=typed,
    )
    minutes = document_number_issue(
        issuer=plan.issuer,
        issuer_code=code,
        doc_type=DocumentType.MINUTES,
        key=f"inspections.minutes:{inspection.pk}",
        subject=_("Biên bản kiểm tra tại %(unit)s") % {"unit": inspection.inspected_name},
        issued_on=inspection.visit_date,
        by=by,
    )
    return notice.label, minutes.label


@transaction.atomic
def inspection_reopen(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    """Reopen a concluded inspection for editing; who, when and why are recorded."""
    if inspection.state != InspectionState.CONCLUDED:
        raise ValidationError(NOT_CONCLUDED)
    if not reason.strip():
        raise ValidationError({"reason": REOPEN_REASON_REQUIRED})
    InspectionReopening.objects.create(
        inspection=inspection,
        by=by,
        reason=reason.strip(),
        previous_snapshot=inspection.report_snapshot,
    )
    inspection.state = InspectionState.IN_PROGRESS
    inspection.report_snapshot = None
    inspection.save(update_fields=["state", "report_snapshot"])
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        unit=inspection.unit_id,
        target=inspection,
        detail=f"reopened: {reason.strip()}",
    )
    return inspection


def close_problems(inspection: Inspection) -> list[str]:
    """Why the inspection cannot be closed now (empty: it can). One query."""
    if inspection.state != InspectionState.CONCLUDED or inspection.recommendations.open().exists():
        return [str(NOT_CLOSABLE)]
    return []


@transaction.atomic
def inspection_close(*, inspection: Inspection) -> Inspection:
    problems = close_problems(inspection)
    if problems:
        raise ValidationError(problems)
    inspection.state = InspectionState.CLOSED
    inspection.save(update_fields=["state"])
    return inspection


# --- remediation -----------------------------------------------------------------------------


def _check_attachment(upload: UploadedFile) -> None:
    """Extension and size first (cheap), then the content: an .exe renamed .pdf is refused."""
    import os

    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError({"files": ATTACHMENT_TYPE.format(name=upload.name)})
    if (upload.size or 0) > MAX_ATTACHMENT_MB * 1024 * 1024:  # a request's upload has a size
        raise ValidationError(
            {"files": ATTACHMENT_TOO_BIG.format(name=upload.name, mb=MAX_ATTACHMENT_MB)}
        )
    try:
        content_type = uploads.document_type(upload, field=_("Tài liệu kèm theo"))
    except ValidationError as exc:  # a zip bomb or a broken Office file
        raise ValidationError({"files": exc.messages}) from None
    if content_type is None:
        raise ValidationError({"files": ATTACHMENT_TYPE.format(name=upload.name)})


@transaction.atomic
def remediation_report(
    *,
    recommendation: Recommendation,
    by: User,
    text: str,
    files: Sequence[UploadedFile] = (),
    reported_on: dt.date | None = None,
) -> Remediation:
    """The responsible unit reports what it fixed; the recommendation becomes "reported".
    Only once the inspection is concluded: before that the recommendation is still a draft."""
    if recommendation.state == RecommendationState.VERIFIED:
        raise ValidationError(REMEDIATION_NOT_ALLOWED)
    for upload in files:
        _check_attachment(upload)
    state = Inspection.objects.filter(pk=recommendation.inspection_id).values_list("state")
    if state.get()[0] not in (InspectionState.CONCLUDED, InspectionState.CLOSED):
        raise ValidationError(REMEDIATION_BEFORE_CONCLUSION)
    remediation = Remediation(
        recommendation=recommendation,
        text=text.strip(),
        reported_on=reported_on or timezone.localdate(),
        reported_by=by,
    )
    remediation.full_clean()
    remediation.save()
    for upload in files:
        RemediationAttachment.objects.create(
            remediation=remediation, file=upload, name=(upload.name or "")[:255]
        )
    recommendation.state = RecommendationState.REPORTED
    recommendation.save(update_fields=["state"])
    _notify_reported(recommendation, by=by)
    return remediation


def _latest_report(recommendation: Recommendation) -> Remediation:
    remediation = recommendation.remediations.filter(accepted__isnull=True).order_by("-pk").first()
    if recommendation.state != RecommendationState.REPORTED or remediation is None:
        raise ValidationError(NOT_REPORTED)
    return remediation


@transaction.atomic
def recommendation_verify(
    *, recommendation: Recommendation, by: User, note: str = ""
) -> Recommendation:
    remediation = _latest_report(recommendation)
    now = timezone.now()
    remediation.accepted, remediation.review_note = True, note
    remediation.reviewed_by, remediation.reviewed_at = by, now
    remediation.save()
    recommendation.state = RecommendationState.VERIFIED
    recommendation.verified_at, recommendation.verified_by = now, by
    recommendation.save(update_fields=["state", "verified_at", "verified_by"])
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        unit=recommendation.responsible_unit_id,
        target=recommendation,
        detail="verified",
    )
    return recommendation


@transaction.atomic
def recommendation_send_back(
    *, recommendation: Recommendation, by: User, note: str
) -> Recommendation:
    if not note.strip():
        raise ValidationError({"note": SEND_BACK_NOTE_REQUIRED})
    remediation = _latest_report(recommendation)
    remediation.accepted, remediation.review_note = False, note.strip()
    remediation.reviewed_by, remediation.reviewed_at = by, timezone.now()
    remediation.save()
    recommendation.state = RecommendationState.SENT_BACK
    recommendation.save(update_fields=["state"])
    audit_record(
        action=Action.TRANSITION,
        actor=by,
        unit=recommendation.responsible_unit_id,
        target=recommendation,
        detail="sent back",
    )
    _notify_sent_back(recommendation, by=by, note=note.strip())
    return recommendation


# --- notifications (and the mail each recipient asked for) -------------------------------------


def _params(rec: Recommendation) -> dict[str, str]:
    return {
        "unit": rec.responsible_unit.name,
        "inspected": rec.inspection.unit.name,
        "due": _fmt(rec.due_on),
    }


def _for_unit(rec: Recommendation, *, key: str = "", actor: User | None = None) -> Notice:
    """For the responsible unit's staff (the e-mail templates read `text` and `due`)."""
    return Notice(
        target=rec,
        unit=rec.responsible_unit,
        staff=True,
        users=(rec.responsible_person_id,) if rec.responsible_person_id else (),
        params=_params(rec),
        key=key,
        actor=actor.pk if actor else None,
        extra={"text": rec.text},
    )


def notify_new_recommendations(
    *, inspection: Inspection | None = None, now: dt.datetime | None = None
) -> int:
    """Tell each responsible unit's staff of the recommendations of concluded inspections,
    once (`notified_at`): at conclusion for that inspection, and daily for any left over."""
    now = now or timezone.now()
    recs = Recommendation.objects.filter(
        notified_at__isnull=True,
        inspection__state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED],
    ).exclude(state=RecommendationState.VERIFIED)
    if inspection is not None:
        recs = recs.filter(inspection=inspection)
    batch = list(recs.select_related("responsible_unit", "inspection__unit"))
    told = notify(
        kind=kinds.RECOMMENDATION_NEW,
        notices=[_for_unit(r, key=f"recommendation-new:{r.pk}") for r in batch],
        now=now,
    )
    Recommendation.objects.filter(pk__in=[r.pk for r in batch]).update(notified_at=now)
    return len(told)


REMINDER_DAYS = 3
# A deadline passed more than this long ago (or before the portal told anyone) is not news.
OVERDUE_WINDOW_DAYS = 7


def send_due_reminders(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Remind units of recommendations due within 3 days; each is reminded once."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    recs = list(
        Recommendation.objects.open()
        .filter(
            reminder_sent_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
            inspection__state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED],
        )
        .select_related("responsible_unit", "inspection__unit")
    )
    told = notify(
        kind=kinds.RECOMMENDATION_DUE_SOON,
        notices=[_for_unit(r, key=f"recommendation-due:{r.pk}") for r in recs],
        now=now,
    )
    Recommendation.objects.filter(pk__in=[r.pk for r in recs]).update(reminder_sent_at=now)
    return len(told)


def notify_overdue(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Tell units (once each) of recommendations whose deadline passed in the last week and
    that are still not verified."""
    today = today or timezone.localdate()
    recs = list(
        Recommendation.objects.overdue(today)
        .filter(
            due_on__gte=today - dt.timedelta(days=OVERDUE_WINDOW_DAYS),
            inspection__state__in=[InspectionState.CONCLUDED, InspectionState.CLOSED],
        )
        .select_related("responsible_unit", "inspection__unit")
    )
    told = notify(
        kind=kinds.RECOMMENDATION_OVERDUE,
        notices=[_for_unit(r, key=f"recommendation-overdue:{r.pk}") for r in recs],
        now=now,
    )
    return len(told)


def send_reminders(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> dict[str, int]:
    """The daily round (the scheduled task and `manage.py send_reminders` alike): new
    recommendations left over, those due within 3 days, those just overdue. Safe to repeat."""
    return {
        "new": notify_new_recommendations(now=now),
        "due": send_due_reminders(today=today, now=now),
        "overdue": notify_overdue(today=today, now=now),
    }


def _notify_reported(rec: Recommendation, *, by: User) -> None:
    notify(
        kind=kinds.REMEDIATION_REPORTED,
        notices=[
            Notice(
                target=rec,
                unit=rec.responsible_unit,
                roles=(Role.PROVINCIAL_INSPECTOR,),
                params=_params(rec),
                actor=by.pk,
            )
        ],
    )


def _notify_sent_back(rec: Recommendation, *, by: User, note: str) -> None:
    notice = _for_unit(rec, actor=by)
    notice = dataclasses.replace(notice, params={**notice.params, "note": note})
    notify(kind=kinds.REMEDIATION_SENT_BACK, notices=[notice])
