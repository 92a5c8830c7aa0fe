"""Demo inspections from the source articles (docs/domain.md, "Seed facts"), and the 2026
plans of the new Tỉnh Đắk Lắk (communes and departments) as they stand on 01/12/2026.

Idempotent: each plan, team and inspection is looked up by its natural key first and left alone
when it exists. Names the articles do not give (team heads of Đắk Lắk and Lạc Dương, the two
district bodies among Lạc Dương's 8 units, Lạc Dương's visit dates) are marked as placeholders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from inspections import services
from inspections.choices import ChecklistOutcome, FindingKind, InspectionKind, MemberRole
from inspections.models import (
    ChecklistTemplate,
    Inspection,
    InspectionPlan,
    InspectionTeam,
    Recommendation,
)
from notifications import kinds
from notifications.services import Notice, mail_muted, notify
from units.choices import Role
from units.demo import NOW as DEMO_TODAY
from units.models import AdministrativeUnit, User
from units.resolver import resolve_unit

D = dt.date
M = services.MemberData
PLACEHOLDER = "(chưa rõ tên – dữ liệu mẫu)"


def _unit(code: str, on: dt.date) -> AdministrativeUnit:
    """The unit holding `code` on the day of the visit: codes were reused in 2025 (66 is the
    old and the new Đắk Lắk, 24280 was Xã Ea KPam and is now Xã Cư M'gar)."""
    return resolve_unit(code, on=on)


def _plan(*, issuer: AdministrativeUnit, title: str, year: int, **fields) -> InspectionPlan:
    """A plan the sources give a number and a date for is issued: numbered in the register and
    its document frozen, as `plan_issue` does when an inspector presses "Ban hành"."""
    plan = InspectionPlan.objects.filter(issuer=issuer, title=title, year=year).first()
    if plan is not None:
        return plan
    plan = services.plan_save(issuer=issuer, title=title, year=year, **fields)
    if plan.number and plan.issued_on:
        plan = services.plan_issue(plan=plan, by=_any_user())
    return plan


def _team(*, unit: AdministrativeUnit, name: str, **fields) -> InspectionTeam:
    team = InspectionTeam.objects.filter(unit=unit, name=name).first()
    if team is not None:
        return team
    return services.team_save(unit=unit, name=name, **fields)


def _answer_all(inspection: Inspection, notes: dict[int, tuple[str, str]]) -> None:
    for index, result in enumerate(inspection.checklist.select_related("inspection")):
        outcome, note = notes.get(index, (ChecklistOutcome.MET, ""))
        services.checklist_record(result=result, outcome=outcome, note=note)


def load(*, out: Callable[[str], None]) -> None:
    # Reports recorded below notify the inspectors in the portal, as they would; no e-mail.
    with mail_muted():
        created = [
            _cumgar(),
            _kimson(),
            _lapvo(),
            *_lacduong(),
            *_load_2026(),
            _template_2026(),
        ]
        told = _overdue_notices()
    n = sum(1 for c in created if c)
    out(f"Kiểm tra CCHC: {n} cuộc kiểm tra mẫu tạo mới; {told} thông báo quá hạn.")


# The default CCHC template (migration 0009) copied into its second revision for the two-tier
# communes, as an inspector of the new Tỉnh Đắk Lắk would: the list shows v1 and v2.
TEMPLATE_2026_EXTRA = (
    "Sắp xếp, kiện toàn tổ chức bộ máy sau khi tổ chức chính quyền địa phương hai cấp"
)


def _template_2026() -> bool:
    default = ChecklistTemplate.objects.filter(kind=InspectionKind.CCHC, revision=1).first()
    if default is None or default.copies.exists():
        return False
    inspector = User.objects.filter(username="thanhtra.daklak").first()
    copy = services.checklist_template_copy(template=default, by=inspector)
    services.checklist_template_save(
        template=copy,
        kind=copy.kind,
        name=copy.name,
        items=[*(i.text for i in copy.items.all()), TEMPLATE_2026_EXTRA],
        by=inspector,
    )
    return False  # not an inspection: not counted in the demo's summary line


PHOTO_2026_UNIT = "24280"  # Xã Cư M’gar: a photo of its one-stop desk's TTHC notice board
PHOTO_2026_NAME = "bang-niem-yet-TTHC.jpg"


def _demo_photo(inspection: Inspection, *, by: User) -> None:
    """A drawn stand-in for a photo from the visit (a notice board on a wall), on the checklist
    line about the one-stop desk, stored through the same service as a phone's upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2000, 1500), (222, 214, 196))  # the wall
    draw = ImageDraw.Draw(image)
    draw.rectangle((300, 250, 1700, 1150), fill=(40, 90, 60), outline=(120, 80, 40), width=30)
    for row in range(6):  # the sheets pinned on the board
        for col in range(4):
            x, y = 380 + col * 330, 320 + row * 135
            draw.rectangle((x, y, x + 280, y + 100), fill=(250, 250, 245))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    line = next(r for r in inspection.checklist.all() if "một cửa" in r.text)
    services.photos_add(
        inspection=inspection,
        checklist_result=line,
        files=[SimpleUploadedFile(PHOTO_2026_NAME, out.getvalue(), content_type="image/jpeg")],
        by=by,
    )


def _overdue_notices() -> int:
    """The bell of `cumgar.xa` and `stp.daklak`: their overdue recommendations of 2026, told
    once (the keys are the daily round's, so it never repeats them)."""
    recs = (
        Recommendation.objects.overdue(DEMO_TODAY)
        .filter(due_on__year=2026)
        .select_related("responsible_unit", "inspection__unit")
    )
    notices = [
        Notice(
            target=rec,
            unit=rec.responsible_unit,
            staff=True,
            params={"unit": rec.responsible_unit.name, "due": rec.due_on.strftime("%d/%m/%Y")},
            key=f"recommendation-overdue:{rec.pk}",
        )
        for rec in recs
    ]
    return len(notify(kind=kinds.RECOMMENDATION_OVERDUE, notices=notices))


def _cumgar() -> bool:
    day = D(2019, 9, 27)
    daklak, cumgar = _unit("66", day), _unit("648", day)
    plan = _plan(
        issuer=daklak,
        issuer_name="Sở Nội vụ",
        year=2019,
        number="",
        issued_on=None,
        title="Kiểm tra kết quả thực hiện cải cách hành chính năm 2019",
        purpose="Đánh giá đúng thực trạng, kịp thời phát hiện hạn chế, tồn tại để khắc phục.",
        period_start=D(2018, 1, 1),
        period_end=D(2019, 6, 30),
        contents=[
            "Rà soát, đánh giá, cập nhật, công khai thủ tục hành chính theo quy định",
            "Tham mưu ban hành văn bản quy định chi tiết văn bản QPPL của cấp trên",
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
            "Kết quả thực hiện tự chủ tại cơ quan, đơn vị",
            "Ứng dụng công nghệ thông tin trong quản lý, điều hành",
            "Kiểm tra ngẫu nhiên việc giải quyết một số hồ sơ TTHC",
        ],
        targets=[services.TargetData(unit=cumgar, scheduled_on=D(2019, 9, 27))],
    )
    if Inspection.objects.filter(plan=plan, unit=cumgar).exists():
        return False
    inspector = User.objects.filter(username="thanhtra.daklak").first()
    team = _team(
        unit=daklak,
        name="Đoàn 1798",
        members=[
            M(
                name=f"Trưởng đoàn {PLACEHOLDER}",
                role=MemberRole.HEAD,
                position="Lãnh đạo Sở Nội vụ",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
            ),
            M(
                name=inspector.get_full_name() if inspector else "Trần Thị Kiểm",
                role=MemberRole.MEMBER,
                position="Chuyên viên",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
                user=inspector,
            ),
        ],
    )
    inspection = services.inspection_save(
        plan=plan,
        team=team,
        unit=cumgar,
        kind=InspectionKind.CCHC,
        scheduled_on=D(2019, 9, 27),
        held_on=D(2019, 9, 27),
        representatives="Lãnh đạo UBND huyện Cư M'gar\n"
        "Lãnh đạo UBND các xã, thị trấn được kiểm tra",
        sites=[cumgar, *(_unit(code, day) for code in ("24274", "24280", "24259"))],
    )
    _answer_all(
        inspection,
        {
            0: (
                ChecklistOutcome.MET,
                "Từ năm 2018: rà soát 25 TTHC lĩnh vực tư pháp và 22 TTHC lĩnh vực nội vụ "
                "cấp huyện, 12 TTHC lĩnh vực nội vụ cấp xã. Một cửa, một cửa liên thông ở "
                "huyện và 17/17 xã, thị trấn; tiếp nhận hơn 272.000 hồ sơ, đúng hạn gần "
                "272.000, đang giải quyết 129, không có hồ sơ quá hạn.",
            ),
            2: (ChecklistOutcome.PARTLY, "Một số nơi chưa tập trung rà soát, hệ thống hóa."),
            4: (
                ChecklistOutcome.PARTLY,
                "100% cơ quan, đơn vị và UBND các xã, thị trấn dùng phần mềm iDesk; tỷ lệ "
                "nộp hồ sơ trực tuyến mức độ 3, 4 còn thấp.",
            ),
        },
    )
    for text in [
        "Chủ động xây dựng, ban hành các kế hoạch về công tác CCHC năm 2018 và 2019.",
        "Tích cực chỉ đạo, đôn đốc các cơ quan, đơn vị và UBND các xã, thị trấn thực hiện "
        "công tác CCHC; xử lý kịp thời phản ánh, kiến nghị của tổ chức, cá nhân.",
        "Cơ chế một cửa, một cửa liên thông thực hiện đồng bộ ở huyện và 17/17 xã, thị trấn; "
        "100% cơ quan, đơn vị sử dụng phần mềm quản lý văn bản iDesk.",
    ]:
        services.finding_add(inspection=inspection, kind=FindingKind.STRENGTH, text=text)
    online = services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Tỷ lệ hồ sơ được tổ chức, cá nhân nộp trực tuyến mức độ 3 và 4 còn thấp.",
    )
    culture = services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Việc thực hiện chuẩn mực ứng xử văn hóa công sở có lúc, có nơi chưa thực sự "
        "đi vào nền nếp.",
    )
    for text in [
        "Có nơi việc đánh giá, phân loại đội ngũ cán bộ, công chức, viên chức hằng năm chưa "
        "sát với quá trình rèn luyện, thực hiện nhiệm vụ.",
        "Một số cơ quan, đơn vị, địa phương chưa tập trung chỉ đạo rà soát, hệ thống hóa văn "
        "bản quy phạm pháp luật của cấp mình.",
    ]:
        services.finding_add(inspection=inspection, kind=FindingKind.LIMITATION, text=text)
    services.recommendation_add(
        inspection=inspection,
        finding=culture,
        text="Chấn chỉnh việc thực hiện chuẩn mực ứng xử văn hóa công sở; báo cáo kết quả.",
        responsible_unit=cumgar,
        due_on=D(2019, 10, 31),  # long past and never reported: the demo's overdue one
    )
    services.recommendation_add(
        inspection=inspection,
        finding=online,
        text="Có giải pháp nâng tỷ lệ hồ sơ nộp trực tuyến mức độ 3, 4; báo cáo kết quả.",
        responsible_unit=cumgar,
        due_on=DEMO_TODAY + dt.timedelta(days=30),  # open, not yet due on 01/12/2026
    )
    # The demo announces nothing by e-mail: mark the notices as already sent.
    Recommendation.objects.filter(inspection=inspection).update(notified_at=timezone.now())
    services.inspection_conclude(
        inspection=inspection, by=inspector or _any_user(), on=_concluded_on(inspection)
    )
    return True


def _kimson() -> bool:
    day = D(2019, 4, 24)
    ninhbinh, kimson = _unit("37", day), _unit("376", day)
    plan = _plan(
        issuer=ninhbinh,
        issuer_name="Sở Nội vụ",
        year=2019,
        number="",
        issued_on=None,
        title="Kiểm tra, thẩm định xác định Chỉ số cải cách hành chính năm 2018",
        period_start=D(2018, 1, 1),
        period_end=D(2018, 12, 31),
        contents=[
            "Báo cáo tự đánh giá, chấm điểm các tiêu chí Chỉ số CCHC",
            "Kiểm tra, thẩm định văn bản, tài liệu kiểm chứng",
            "Điều tra xã hội học về triển khai công tác CCHC",
        ],
        targets=[services.TargetData(unit=kimson, scheduled_on=D(2019, 4, 24))],
    )
    if Inspection.objects.filter(plan=plan, unit=kimson).exists():
        return False
    team = _team(
        unit=ninhbinh,
        name="Tổ công tác của Tỉnh",
        members=[
            M(
                name="Trần Đức Minh",
                role=MemberRole.HEAD,
                position="Phó Giám đốc Sở Nội vụ",
                organisation="Sở Nội vụ tỉnh Ninh Bình",
            ),
            M(
                name="Đại diện các sở, ngành có liên quan của tỉnh",
                role=MemberRole.MEMBER,
            ),
        ],
    )
    from scoring.models import Assessment

    assessment = Assessment.objects.filter(unit=kimson, criteria_set__year=2018).first()
    inspection = services.inspection_save(
        plan=plan,
        team=team,
        unit=kimson,
        kind=InspectionKind.INDEX_APPRAISAL,
        assessment=assessment,
        scheduled_on=D(2019, 4, 24),
        held_on=D(2019, 4, 24),
        representatives="Hoàng Văn Phương, Phó Chủ tịch UBND huyện\n"
        "Lãnh đạo, chuyên viên một số phòng, ban có liên quan của huyện",
    )
    _answer_all(
        inspection,
        {
            1: (ChecklistOutcome.MET, "Điểm thẩm định thống nhất: 65,55."),
            2: (
                ChecklistOutcome.MET,
                "Điểm điều tra xã hội học 20,83; Chỉ số CCHC 86,38/100.",
            ),
        },
    )
    services.finding_add(
        inspection=inspection,
        kind=FindingKind.STRENGTH,
        text="Xây dựng kế hoạch tập trung vào các nội dung chính của CCHC theo Nghị quyết "
        "30c/NQ-CP.",
    )
    for text in [
        "Chưa công khai kịp thời 100% thủ tục hành chính trên Trang thông tin điện tử của huyện.",
        "Chưa trang bị cho hoạt động của Trung tâm một cửa liên thông huyện.",
        "Tỷ lệ hồ sơ giải quyết thủ tục hành chính ở mức độ 3, 4 còn thấp.",
    ]:
        services.finding_add(inspection=inspection, kind=FindingKind.LIMITATION, text=text)
    services.inspection_conclude(
        inspection=inspection, by=_any_user(), on=_concluded_on(inspection)
    )
    return True


def _lapvo() -> bool:
    lapvo = _unit("875", D(2022, 2, 18))
    plan = _plan(
        issuer=lapvo,
        issuer_name="",
        year=2022,
        number="49/KH-UBND",
        issued_on=D(2022, 2, 18),
        title="Kiểm tra công tác kiểm soát thủ tục hành chính năm 2022",
        period_start=D(2022, 1, 1),
        period_end=D(2022, 12, 31),
        contents=[
            "Cập nhật, rà soát quy định mới; niêm yết, công khai TTHC",
            "Tiếp nhận, giải quyết TTHC đúng thẩm quyền; hồ sơ trả lại, trễ hẹn",
            "Giải quyết hồ sơ trực tuyến mức độ 3, mức độ 4",
            "Khảo sát thiết bị tại bộ phận tiếp nhận và trả kết quả xã, thị trấn",
        ],
        targets=[
            services.TargetData(
                unit=lapvo,
                scheduled_on=D(2022, 2, 18),
                body="Bộ phận một cửa các xã, thị trấn",
            )
        ],
    )
    if Inspection.objects.filter(plan=plan, unit=lapvo).exists():
        return False
    team = _team(
        unit=lapvo,
        name="Đoàn kiểm tra kiểm soát TTHC huyện Lấp Vò",
        members=[
            M(name=f"Trưởng đoàn {PLACEHOLDER}", role=MemberRole.HEAD, organisation="UBND huyện"),
        ],
    )
    inspection = services.inspection_save(
        plan=plan,
        team=team,
        unit=lapvo,
        body="Bộ phận một cửa các xã, thị trấn",
        kind=InspectionKind.TTHC_CONTROL,
        scheduled_on=D(2022, 2, 18),
    )
    services.finding_add(
        inspection=inspection,
        kind=FindingKind.STRENGTH,
        text="Thiết bị tại bộ phận tiếp nhận và trả kết quả cơ bản đáp ứng nhu cầu thực hiện "
        "nhiệm vụ.",
    )
    camera = services.finding_add(
        inspection=inspection,
        kind=FindingKind.LIMITATION,
        text="Hệ thống camera giám sát tại bộ phận tiếp nhận và trả kết quả chưa đảm bảo.",
    )
    services.recommendation_add(
        inspection=inspection,
        finding=camera,
        text="Khắc phục hệ thống camera giám sát tại bộ phận tiếp nhận và trả kết quả.",
        responsible_unit=lapvo,
        due_on=D(2022, 12, 31),
    )
    return True


LACDUONG_BODIES = ["Văn phòng HĐND và UBND huyện", "Phòng Nội vụ"]  # placeholders (see module)


def _lacduong() -> list[bool]:
    lacduong = _unit("675", D(2019, 4, 15))
    communes = list(AdministrativeUnit.objects.filter(parent=lacduong).order_by("code"))
    units = [(c, "") for c in communes] + [(lacduong, b) for b in LACDUONG_BODIES]
    # Dates are placeholders: the article says only that 8 units were inspected in 2019.
    days = [D(2019, 4 + i, 15) for i in range(len(units))]
    plan = _plan(
        issuer=lacduong,
        issuer_name="",
        year=2019,
        number="",
        issued_on=None,
        title="Kiểm tra công tác cải cách hành chính năm 2019",
        period_start=D(2019, 1, 1),
        period_end=D(2019, 12, 31),
        contents=[
            "Thực hiện các nội dung cải cách thủ tục hành chính",
            "Thực hiện chế độ công vụ",
        ],
        targets=[
            services.TargetData(unit=u, scheduled_on=d, body=b)
            for (u, b), d in zip(units, days, strict=True)
        ],
    )
    team = _team(
        unit=lacduong,
        name="Đoàn kiểm tra CCHC huyện Lạc Dương",
        members=[M(name=f"Trưởng đoàn {PLACEHOLDER}", role=MemberRole.HEAD)],
    )
    made = []
    for target in plan.targets.select_related("unit"):
        if Inspection.objects.filter(plan=plan, unit=target.unit, body=target.body).exists():
            made.append(False)
            continue
        inspection = services.inspection_save(
            plan=plan,
            team=team,
            unit=target.unit,
            body=target.body,
            scheduled_on=target.scheduled_on,
            held_on=target.scheduled_on,
        )
        _answer_all(inspection, {})
        services.inspection_conclude(
            inspection=inspection, by=_any_user(), on=_concluded_on(inspection)
        )
        made.append(True)
    return made


def _any_user() -> User:
    # The units part of the demo creates both; the superuser is there in every demo database.
    return User.objects.filter(username="thanhtra.daklak").first() or User.objects.get(
        is_superuser=True
    )


# --- 2026: the new Tỉnh Đắk Lắk (two-tier government since 01/07/2025) ----------------------
#
# Not from the articles: a plausible year of the new province's Sở Nội vụ, seen on 01/12/2026.
# People's names are invented for the demo. Every state comes from the services, so concluded
# inspections have their frozen report and recommendations follow the remediation workflow;
# only the timestamps the services take from the clock (conclusion, review, verification) are
# set afterwards to the days the story gives them.

NOW_2026 = DEMO_TODAY  # 01/12/2026
PERIOD_2026 = (D(2025, 7, 1), D(2025, 12, 31))  # the new units' first half-year
CONTENTS_2026 = [
    "Chỉ đạo, điều hành công tác cải cách hành chính; kế hoạch CCHC năm 2026",
    "Kiểm soát, công khai thủ tục hành chính; hoạt động của bộ phận một cửa",
    "Giải quyết hồ sơ TTHC: đúng hạn, trực tuyến, số hóa kết quả",
    "Chế độ công vụ, kỷ luật, kỷ cương và văn hóa công sở",
    "Chuyển đổi số: văn bản điện tử, chữ ký số, hồ sơ công việc trên môi trường mạng",
]
TEAM_2026 = "Đoàn kiểm tra công tác CCHC năm 2026"
SENT_BACK_NOTE = (
    "Báo cáo chưa kèm danh sách kết quả đã số hóa của từng xã cũ; đề nghị bổ sung và báo cáo lại."
)


@dataclass(frozen=True)
class Rec2026:
    """A recommendation of a 2026 visit and where it stands on 01/12/2026: "open" (not
    reported), "reported" (awaiting the inspector), "sent_back" (reported on `reported_on`,
    returned by the inspector with a note), "verified" (reported on `reported_on`, verified a
    week later)."""

    finding: str
    text: str
    due_on: dt.date
    state: str = "open"
    reported_on: dt.date | None = None


@dataclass(frozen=True)
class Visit2026:
    """One target of a 2026 plan; not `held`: still planned (December 2026)."""

    code: str
    scheduled_on: dt.date
    held: bool = True
    notice: str = ""
    strengths: tuple[str, ...] = ()
    recommendations: tuple[Rec2026, ...] = ()
    partly: tuple[int, ...] = ()  # checklist items met only in part
    conclude: bool = True  # False: visited, findings recorded, not yet concluded


COMMON_STRENGTHS = (
    "Ban hành kịp thời kế hoạch CCHC năm 2026 sau khi sắp xếp, tổ chức chính quyền địa phương "
    "hai cấp; phân công rõ người phụ trách từng nội dung.",
    "Bộ phận một cửa được bố trí tại trụ sở mới, niêm yết đầy đủ thông tin liên hệ, đường dây "
    "nóng tiếp nhận phản ánh, kiến nghị.",
)

COMMUNE_VISITS = [
    Visit2026(
        "24280",
        D(2026, 3, 18),
        notice="41/TB-SNV",
        strengths=COMMON_STRENGTHS,
        partly=(1, 2),
        recommendations=(
            Rec2026(
                "Danh mục TTHC niêm yết tại bộ phận một cửa chưa cập nhật theo Quyết định công "
                "bố của Chủ tịch UBND tỉnh sau sắp xếp.",
                "Cập nhật, niêm yết đầy đủ danh mục TTHC cấp xã theo quyết định công bố mới "
                "của tỉnh; báo cáo kết quả về Sở Nội vụ.",
                D(2026, 4, 30),  # open and overdue on 01/12/2026: cumgar.xa must act
            ),
            Rec2026(
                "Tỷ lệ hồ sơ nộp trực tuyến còn thấp so với chỉ tiêu của tỉnh.",
                "Hướng dẫn người dân nộp hồ sơ trực tuyến tại bộ phận một cửa; báo cáo tỷ lệ "
                "hằng quý.",
                D(2026, 6, 30),
                state="verified",
                reported_on=D(2026, 6, 24),
            ),
            Rec2026(
                "Kết quả giải quyết TTHC chưa được số hóa đầy đủ.",
                "Số hóa 100 % kết quả giải quyết TTHC còn hiệu lực của các xã cũ (Ea KPam, Ea "
                "H'đinh, Cư M'gar) chuyển về xã.",
                D(2026, 12, 20),  # due this month; the report came back: it lacked the list
                state="sent_back",
                reported_on=D(2026, 11, 20),
            ),
        ),
    ),
    Visit2026(
        "24259",
        D(2026, 4, 15),
        notice="52/TB-SNV",
        strengths=COMMON_STRENGTHS[:1],
        partly=(3,),
        recommendations=(
            Rec2026(
                "Một số công chức chưa đeo thẻ công chức khi thực thi công vụ.",
                "Chấn chỉnh việc đeo thẻ và thực hiện văn hóa công sở; báo cáo kết quả.",
                D(2026, 5, 31),
                state="verified",
                reported_on=D(2026, 5, 20),
            ),
            Rec2026(
                "Chưa lập hồ sơ công việc trên hệ thống quản lý văn bản.",
                "Lập hồ sơ công việc điện tử cho toàn bộ văn bản đến, đi từ 01/07/2025.",
                D(2026, 12, 10),
                state="reported",  # awaiting the inspector's verification
                reported_on=D(2026, 11, 26),
            ),
        ),
    ),
    Visit2026(
        "24265",
        D(2026, 5, 20),
        notice="63/TB-SNV",
        strengths=COMMON_STRENGTHS[1:],
        partly=(2, 4),
        recommendations=(
            Rec2026(
                "Còn hồ sơ TTHC giải quyết quá hạn nhưng chưa có văn bản xin lỗi người dân.",
                "Thực hiện văn bản xin lỗi đối với mọi hồ sơ quá hạn; rà soát nguyên nhân.",
                D(2026, 8, 31),  # open and overdue
            ),
        ),
    ),
    Visit2026(
        "24133",
        D(2026, 6, 17),
        notice="71/TB-SNV",
        strengths=COMMON_STRENGTHS,
        partly=(4,),
        recommendations=(
            Rec2026(
                "Tỷ lệ văn bản đi được ký số chưa đạt chỉ tiêu.",
                "Ký số toàn bộ văn bản đi trừ văn bản mật; báo cáo kết quả.",
                D(2026, 11, 30),
                state="reported",  # reported in time, not yet verified: overdue since 01/12
                reported_on=D(2026, 11, 20),
            ),
            Rec2026(
                "Bộ phận một cửa chưa có khu vực chờ cho người cao tuổi, người khuyết tật.",
                "Bố trí khu vực ưu tiên tại bộ phận một cửa.",
                D(2026, 8, 15),
                state="verified",
                reported_on=D(2026, 8, 10),
            ),
        ),
    ),
    Visit2026(
        "24235",
        D(2026, 8, 19),
        notice="88/TB-SNV",
        strengths=COMMON_STRENGTHS[:1],
        recommendations=(
            Rec2026(
                "Chưa công khai kết quả đánh giá chất lượng giải quyết TTHC hằng quý.",
                "Công khai kết quả đánh giá trên trang thông tin điện tử của xã.",
                D(2026, 10, 31),
                state="verified",
                reported_on=D(2026, 10, 20),
            ),
        ),
    ),
    Visit2026(
        "24310",
        D(2026, 10, 14),
        notice="97/TB-SNV",
        strengths=COMMON_STRENGTHS,
        partly=(1,),
        recommendations=(
            Rec2026(
                "Quy trình nội bộ giải quyết TTHC cấp xã chưa được cập nhật trên hệ thống.",
                "Cập nhật quy trình nội bộ, quy trình điện tử của các TTHC cấp xã.",
                D(2026, 12, 4),  # due within days: the reminder goes out
            ),
            Rec2026(
                "Chưa bố trí đủ công chức tại bộ phận một cửa vào giờ cao điểm.",
                "Bố trí thêm công chức tiếp nhận hồ sơ vào các ngày cao điểm.",
                D(2026, 12, 31),
            ),
        ),
    ),
    Visit2026("22015", D(2026, 12, 9), held=False),
    Visit2026("24211", D(2026, 12, 16), held=False),
]

DEPARTMENT_VISITS = [
    Visit2026(
        "66-STP",
        D(2026, 4, 8),
        notice="48/TB-SNV",
        strengths=(
            "Công bố, công khai kịp thời danh mục TTHC lĩnh vực tư pháp sau sắp xếp; 100 % "
            "TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình.",
        ),
        partly=(2,),
        recommendations=(
            Rec2026(
                "Còn hồ sơ cấp phiếu lý lịch tư pháp trả kết quả trễ hẹn.",
                "Rà soát quy trình cấp phiếu lý lịch tư pháp, bảo đảm trả kết quả đúng hẹn; "
                "báo cáo kết quả.",
                D(2026, 9, 30),  # open and overdue: stp.daklak must act
            ),
            Rec2026(
                "Chưa số hóa đầy đủ hồ sơ, kết quả giải quyết TTHC lĩnh vực hộ tịch của tỉnh "
                "Phú Yên (cũ) chuyển về.",
                "Hoàn thành số hóa sổ hộ tịch, hồ sơ chuyển về sau hợp nhất tỉnh.",
                D(2026, 12, 15),  # open, due this month
            ),
        ),
    ),
    Visit2026(
        "66-SYT",
        D(2026, 5, 13),
        notice="60/TB-SNV",
        strengths=(
            "Bộ phận tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công hoạt động nền nếp.",
        ),
        partly=(3,),
        recommendations=(
            Rec2026(
                "Chưa ban hành quy chế văn hóa công sở sau hợp nhất.",
                "Ban hành quy chế văn hóa công sở của Sở.",
                D(2026, 7, 31),
                state="verified",
                reported_on=D(2026, 7, 15),
            ),
            Rec2026(
                "Thời gian thẩm định hồ sơ cấp chứng chỉ hành nghề còn kéo dài.",
                "Rút ngắn thời gian thẩm định hồ sơ cấp chứng chỉ hành nghề khám, chữa bệnh.",
                D(2026, 12, 5),
                state="reported",
                reported_on=D(2026, 11, 30),
            ),
        ),
    ),
    Visit2026(
        "66-SXD",
        D(2026, 9, 16),
        notice="92/TB-SNV",
        strengths=COMMON_STRENGTHS[:1],
        partly=(1,),
        recommendations=(
            Rec2026(
                "Chưa cập nhật quy trình nội bộ TTHC lĩnh vực xây dựng.",
                "Cập nhật quy trình nội bộ, quy trình điện tử TTHC lĩnh vực xây dựng.",
                D(2026, 12, 15),
                state="reported",
                reported_on=D(2026, 11, 24),
            ),
            Rec2026(
                "Tỷ lệ hồ sơ cấp giấy phép xây dựng nộp trực tuyến còn thấp.",
                "Có giải pháp nâng tỷ lệ nộp hồ sơ trực tuyến; báo cáo kết quả.",
                D(2026, 12, 31),
            ),
        ),
    ),
    # Visited, findings being recorded: not concluded yet.
    Visit2026(
        "66-STC",
        D(2026, 11, 18),
        strengths=COMMON_STRENGTHS[:1],
        conclude=False,
    ),
    Visit2026("66-SCT", D(2026, 12, 10), held=False),
]


def _load_2026() -> list[bool]:
    province = _unit("66", NOW_2026)
    inspector = User.objects.filter(username="thanhtra.daklak").first()
    admin = User.objects.filter(username="quantri.daklak").first() or _any_user()
    team = _team(
        unit=province,
        name=TEAM_2026,
        decision_number="35/QĐ-SNV",
        decision_date=D(2026, 2, 10),
        members=[
            M(
                name="Lê Minh Tuấn",
                role=MemberRole.HEAD,
                position="Phó Giám đốc Sở Nội vụ",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
            ),
            M(
                name="Hoàng Thị Thu",
                role=MemberRole.DEPUTY,
                position="Trưởng phòng Cải cách hành chính",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
            ),
            M(
                name=inspector.get_full_name() if inspector else "Trần Thị Kiểm",
                role=MemberRole.MEMBER,
                position="Chuyên viên",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
                user=inspector,
            ),
            M(
                name="Nguyễn Văn Hải",
                role=MemberRole.MEMBER,
                position="Phó Chánh Văn phòng",
                organisation="Văn phòng UBND tỉnh Đắk Lắk",
            ),
            M(
                name="Y Bhin Êban",
                role=MemberRole.MEMBER,
                position="Phó Trưởng phòng Chuyển đổi số",
                organisation="Sở Khoa học và Công nghệ tỉnh Đắk Lắk",
            ),
            M(
                name="Đỗ Thị Mai",
                role=MemberRole.SECRETARY,
                position="Chuyên viên Phòng Cải cách hành chính",
                organisation="Sở Nội vụ tỉnh Đắk Lắk",
            ),
        ],
    )
    made = []
    for number, title, visits in (
        (
            "15/KH-SNV",
            "Kiểm tra công tác cải cách hành chính năm 2026 tại các xã, phường",
            COMMUNE_VISITS,
        ),
        (
            "16/KH-SNV",
            "Kiểm tra công tác cải cách hành chính năm 2026 tại các sở, ban, ngành",
            DEPARTMENT_VISITS,
        ),
    ):
        units = {v.code: _unit(v.code, v.scheduled_on) for v in visits}
        plan = _plan(
            issuer=province,
            issuer_name="Sở Nội vụ",
            year=2026,
            number=number,
            issued_on=D(2026, 1, 20),
            title=title,
            purpose="Đánh giá kết quả triển khai công tác CCHC sau sắp xếp, tổ chức chính "
            "quyền địa phương hai cấp; kịp thời chấn chỉnh hạn chế, tồn tại.",
            period_start=PERIOD_2026[0],
            period_end=PERIOD_2026[1],
            contents=CONTENTS_2026,
            targets=[
                services.TargetData(unit=units[v.code], scheduled_on=v.scheduled_on) for v in visits
            ],
        )
        for visit in visits:
            made.append(
                _visit_2026(
                    plan=plan,
                    team=team,
                    unit=units[visit.code],
                    visit=visit,
                    inspector=inspector or admin,
                    recorder=admin,
                )
            )
    return made


def _concluded_on(inspection: Inspection) -> dt.date:
    """The articles' conclusions were recorded a week after the visit (a placeholder date):
    their notices are dated then and numbered in that year's register."""
    return inspection.visit_date + dt.timedelta(days=7)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def _visit_2026(*, plan, team, unit, visit: Visit2026, inspector: User, recorder: User) -> bool:
    if Inspection.objects.filter(plan=plan, unit=unit).exists():
        return False
    inspection = services.inspection_save(
        plan=plan,
        team=team,
        unit=unit,
        scheduled_on=visit.scheduled_on,
        held_on=visit.scheduled_on if visit.held else None,
        representatives=f"Lãnh đạo {unit.name}\nCông chức phụ trách CCHC, bộ phận một cửa",
        unit_opinion=(
            "Đơn vị thống nhất với nhận xét của đoàn kiểm tra và sẽ khắc phục các tồn tại, "
            "hạn chế trong thời hạn được giao."
            if visit.held
            else ""
        ),
        sites=[unit],
    )
    if not visit.held:
        return True
    _answer_all(
        inspection,
        {i: (ChecklistOutcome.PARTLY, "Còn hạn chế (xem phần tồn tại).") for i in visit.partly},
    )
    if visit.code == PHOTO_2026_UNIT:
        _demo_photo(inspection, by=inspector)
    for text in visit.strengths:
        services.finding_add(inspection=inspection, kind=FindingKind.STRENGTH, text=text)
    recs = []
    # Where the unit has a demo account, its recommendations are given to that official.
    person = User.objects.filter(unit=unit, role=Role.UNIT_STAFF, is_active=True).first()
    for rec in visit.recommendations:
        finding = services.finding_add(
            inspection=inspection, kind=FindingKind.LIMITATION, text=rec.finding
        )
        recs.append(
            (
                rec,
                services.recommendation_add(
                    inspection=inspection,
                    finding=finding,
                    text=rec.text,
                    responsible_unit=unit,
                    responsible_person=person,
                    due_on=rec.due_on,
                ),
            )
        )
    if not visit.conclude:
        return True
    concluded_on = visit.scheduled_on + dt.timedelta(days=7)
    # The notices went out with the conclusion: the demo sends no e-mail when it loads.
    Recommendation.objects.filter(inspection=inspection).update(notified_at=_at(concluded_on))
    services.inspection_conclude(
        inspection=inspection, by=inspector, notice_number=visit.notice, on=concluded_on
    )
    Inspection.objects.filter(pk=inspection.pk).update(concluded_at=_at(concluded_on, 15))
    for rec, recommendation in recs:
        if rec.state == "open":
            continue
        # Staff of the unit send their report on paper; Sở Nội vụ records it for them unless
        # the unit has a demo account of its own.
        reporter = User.objects.filter(unit=unit).first() or recorder
        services.remediation_report(
            recommendation=recommendation,
            by=reporter,
            text=f"Đã thực hiện: {rec.text[0].lower()}{rec.text[1:]}",
            reported_on=rec.reported_on,
        )
        if rec.state == "sent_back":
            services.recommendation_send_back(
                recommendation=recommendation,
                by=inspector,
                note=SENT_BACK_NOTE,
            )
            recommendation.remediations.update(
                reviewed_at=_at((rec.reported_on or concluded_on) + dt.timedelta(days=5), 10)
            )
        if rec.state == "verified" and rec.reported_on is not None:
            services.recommendation_verify(
                recommendation=recommendation, by=inspector, note="Đã kiểm tra, xác nhận khắc phục."
            )
            verified = _at(rec.reported_on + dt.timedelta(days=7), 10)
            Recommendation.objects.filter(pk=recommendation.pk).update(verified_at=verified)
            recommendation.remediations.update(reviewed_at=verified)
    inspection.refresh_from_db()
    if not inspection.recommendations.open().exists():
        services.inspection_close(inspection=inspection)
    return True
