"""Demo inspections from the source articles (docs/domain.md, "Seed facts").

Idempotent: each plan, team and inspection is looked up by its natural key first and left alone
when it exists. Names the articles do not give (team heads of Đắk Lắk and Lạc Dương, the two
district bodies among Lạc Dương's 8 units, Lạc Dương's visit dates) are marked as placeholders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from inspections import services
from inspections.choices import ChecklistOutcome, FindingKind, InspectionKind, MemberRole
from inspections.models import Inspection, InspectionPlan, InspectionTeam, Recommendation
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
    plan = InspectionPlan.objects.filter(issuer=issuer, title=title, year=year).first()
    if plan is not None:
        return plan
    return services.plan_save(issuer=issuer, title=title, year=year, **fields)


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
    created = [
        _cumgar(),
        _kimson(),
        _lapvo(),
        *_lacduong(),
    ]
    n = sum(1 for c in created if c)
    out(f"Kiểm tra CCHC: {n} cuộc kiểm tra mẫu tạo mới.")


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
        due_on=timezone.localdate() + dt.timedelta(days=30),  # open, not yet due
    )
    # The demo announces nothing by e-mail: mark the notices as already sent.
    Recommendation.objects.filter(inspection=inspection).update(notified_at=timezone.now())
    services.inspection_conclude(inspection=inspection, by=inspector or team.members.first().user)
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
    services.inspection_conclude(inspection=inspection, by=_any_user())
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
        services.inspection_conclude(inspection=inspection, by=_any_user())
        made.append(True)
    return made


def _any_user() -> User:
    return (
        User.objects.filter(username="thanhtra.daklak").first()
        or User.objects.filter(is_superuser=True).first()
        or User.objects.order_by("pk").first()
    )
