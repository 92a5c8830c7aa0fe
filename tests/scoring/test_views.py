import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring import services
from scoring.choices import AssessmentState as S
from scoring.choices import ScoreField as F
from scoring.models import CriterionScore, Evidence
from tests.scoring.factories import FULL, make_assessment, make_set, many_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    cs = make_set(province=personas.daklak)
    cumgar = make_assessment(criteria_set=cs, unit=personas.cumgar, scores=FULL)
    eakpam_set = make_set(province=personas.daklak, level="commune")
    eakpam = make_assessment(criteria_set=eakpam_set, unit=personas.eakpam, scores=FULL)
    laichau_set = make_set(province=personas.laichau)
    namnhun = make_assessment(criteria_set=laichau_set, unit=personas.namnhun, scores=FULL)
    return {
        "set": cs,
        "cumgar": cumgar,
        "eakpam": eakpam,
        "namnhun": namnhun,
        "laichau_set": laichau_set,
    }


SHEET_ACCESS = [
    ("anonymous", "cumgar", 302),
    ("admin", "cumgar", 200),
    ("inspector", "cumgar", 200),
    ("cumgar_staff", "cumgar", 200),
    ("cumgar_staff", "eakpam", 200),  # its own commune
    ("eakpam_staff", "cumgar", 404),  # never the district's unpublished scores
    ("namnhun_staff", "cumgar", 404),
    ("namnhun_staff", "namnhun", 200),
    ("admin", "namnhun", 404),  # another province
]


@pytest.mark.parametrize("persona, target, status", SHEET_ACCESS)
def test_score_sheet_access(personas, world, client_for, persona, target, status):
    url = reverse("scoring:assessment_detail", args=[world[target].pk])
    response = client_for(personas.all_users()[persona]).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_score_sheet_shows_tree_subtotals_and_index(personas, world, client_for):
    # In appraisal the sheet's index is the appraised one (while the unit self-assesses, its
    # own: tests/trust/test_figures.py).
    world["cumgar"].state = S.APPRAISAL_1
    world["cumgar"].save()
    body = (
        client_for(personas.admin)
        .get(reverse("scoring:assessment_detail", args=[world["cumgar"].pk]))
        .content.decode()
    )
    assert "Chỉ đạo, điều hành" in body and "Hồ sơ đúng hạn" in body
    assert "64,55" in body and "20,83" in body and "85,38" in body


def test_assessment_list_is_scoped(personas, world, client_for):
    for persona, expected in [
        ("admin", {"648", "24280"}),
        ("cumgar_staff", {"648", "24280"}),
        ("eakpam_staff", {"24280"}),
        ("namnhun_staff", {"112"}),
    ]:
        response = client_for(getattr(personas, persona)).get(reverse("scoring:assessment_list"))
        listed = {row.record.unit.code for row in response.context["table"].page.object_list}
        assert listed == expected, persona


def test_set_pages(personas, world, client_for):
    client = client_for(personas.cumgar_staff)
    assert client.get(reverse("scoring:set_list")).status_code == 200
    body = client.get(reverse("scoring:set_detail", args=[world["set"].pk])).content.decode()
    assert "Hồ sơ đúng hạn" in body and "2071/QĐ-UBND" in body
    assert (
        client.get(reverse("scoring:set_detail", args=[world["laichau_set"].pk])).status_code == 404
    )


def cell(client, assessment, code, field, value, version=None, reason="", htmx=True):
    s = assessment.scores.get(criterion__code=code)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("scoring:score_save", args=[assessment.pk, s.pk]),
        {
            "field": field,
            "value": value,
            "reason": reason,
            "version": s.version if version is None else version,
        },
        **headers,
    )


def test_cell_save_updates_subtotals(personas, world, client_for):
    client = client_for(personas.cumgar_staff)
    response = cell(client, world["cumgar"], "1.2", F.SELF, "3,5")
    assert response.status_code == 200
    body = response.content.decode()
    s = world["cumgar"].scores.get(criterion__code="1.2")
    assert body.lstrip().startswith(f'<tr id="score-{s.pk}"')  # the row itself, swapped in place
    assert 'id="sheet-totals" hx-swap-oob="true"' in body
    # area 1 self subtotal: 4 + 3.5
    assert re.search(r'<td class="num text-end subtotal-self"[^>]*>7,50</td>', body)


def test_cell_above_max_gets_a_message_at_the_cell(personas, world, client_for):
    response = cell(client_for(personas.cumgar_staff), world["cumgar"], "1.2", F.SELF, "7")
    assert response.status_code == 422
    assert "vượt điểm tối đa" in response.content.decode()
    assert "cell-error" in response.content.decode()


def test_cell_conflict(personas, world, client_for):
    client = client_for(personas.cumgar_staff)
    stale = world["cumgar"].scores.get(criterion__code="1.2").version
    assert cell(client, world["cumgar"], "1.2", F.SELF, "2").status_code == 200
    response = cell(client, world["cumgar"], "1.2", F.SELF, "5", version=stale)
    assert response.status_code == 409
    assert "vừa được" in response.content.decode()
    assert world["cumgar"].scores.get(criterion__code="1.2").self_score == D("2")


def test_cell_without_htmx_redirects(personas, world, client_for):
    response = cell(
        client_for(personas.cumgar_staff), world["cumgar"], "1.2", F.SELF, "1", htmx=False
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "persona, status", [("inspector", 403), ("eakpam_staff", 404), ("namnhun_staff", 404)]
)
def test_cell_write_refused(personas, world, client_for, persona, status):
    response = cell(client_for(getattr(personas, persona)), world["cumgar"], "1.2", F.SELF, "1")
    assert response.status_code == status
    assert world["cumgar"].scores.get(criterion__code="1.2").self_score == D("6")


def test_score_history_page(personas, world, client_for):
    cell(client_for(personas.cumgar_staff), world["cumgar"], "1.2", F.SELF, "2")
    s = world["cumgar"].scores.get(criterion__code="1.2")
    body = (
        client_for(personas.admin)
        .get(reverse("scoring:score_history", args=[world["cumgar"].pk, s.pk]))
        .content.decode()
    )
    assert personas.cumgar_staff.get_full_name() in body
    assert "6,00" in body and "2,00" in body
    url = reverse("scoring:score_history", args=[world["cumgar"].pk, s.pk])
    assert client_for(personas.namnhun_staff).get(url).status_code == 404


def test_transition_buttons(personas, world, client_for):
    a = world["cumgar"]
    url = reverse("scoring:assessment_transition", args=[a.pk, "submit"])
    assert client_for(personas.inspector).post(url).status_code == 403
    assert client_for(personas.namnhun_staff).post(url).status_code == 404
    response = client_for(personas.cumgar_staff).post(url, follow=True)
    assert "1.1" in response.content.decode()  # blocked: evidence missing, listed
    a.refresh_from_db()
    assert a.state == S.OPEN


def test_evidence_upload_and_download(personas, world, client_for):
    a = world["cumgar"]
    s = a.scores.get(criterion__code="1.1")
    client = client_for(personas.cumgar_staff)
    upload = SimpleUploadedFile(
        "ke-hoach.pdf", b"%PDF-1.4 ke hoach", content_type="application/pdf"
    )
    client.post(reverse("scoring:evidence_upload", args=[a.pk, s.pk]), {"file": upload})
    evidence = Evidence.objects.get()
    url = reverse("scoring:evidence_download", args=[a.pk, evidence.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(personas.admin).get(url).status_code == 200
    assert client_for(personas.namnhun_staff).get(url).status_code == 404
    assert client_for(personas.eakpam_staff).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    bad = SimpleUploadedFile("x.pdf", b"<html>", content_type="application/pdf")
    client.post(reverse("scoring:evidence_upload", args=[a.pk, s.pk]), {"file": bad})
    assert Evidence.objects.count() == 1
    upload2 = SimpleUploadedFile("a.pdf", b"%PDF-1.4")
    assert (
        client_for(personas.inspector)
        .post(reverse("scoring:evidence_upload", args=[a.pk, s.pk]), {"file": upload2})
        .status_code
        == 403
    )


def test_bonus_form(personas, world, client_for):
    a = world["cumgar"]
    url = reverse("scoring:assessment_bonus", args=[a.pk])
    assert client_for(personas.inspector).post(url, {"bonus": "1"}).status_code == 403  # open
    a.state = S.APPRAISAL_2
    a.save()
    client_for(personas.inspector).post(url, {"bonus": "1,5", "penalty": "0", "note": "x"})
    a.refresh_from_db()
    assert a.bonus_points == D("1.5")
    a.state = S.LOCKED
    a.save()
    response = client_for(personas.inspector).post(
        url, {"bonus": "2", "penalty": "0", "note": "y"}, follow=True
    )
    assert "đã chốt điểm" in response.content.decode()
    a.refresh_from_db()
    assert (a.bonus_points, a.bonus_penalty_note) == (D("1.5"), "x")


# --------------------------------------------------------------------------- rankings

RANKING_URLS = ["scoring:ranking_detail", "scoring:ranking_xlsx", "scoring:ranking_pdf"]


@pytest.mark.parametrize("url_name", RANKING_URLS)
@pytest.mark.parametrize(
    "persona, provisional, published",
    [
        ("anonymous", 302, 302),
        ("admin", 200, 200),
        ("inspector", 200, 200),
        ("cumgar_staff", 404, 200),  # unit staff: published rankings of their province only
        # A commune's staff see commune sets only (issue 14 item 9): this district ranking,
        # once published, they read on the public page.
        ("eakpam_staff", 404, 404),
        ("namnhun_staff", 404, 404),
    ],
)
def test_ranking_access(personas, world, client_for, url_name, persona, provisional, published):
    url = reverse(url_name, args=[world["set"].pk])
    client = client_for(personas.all_users()[persona])
    assert client.get(url).status_code == provisional
    world["cumgar"].state = S.LOCKED
    world["cumgar"].save()
    services.ranking_publish(criteria_set=world["set"], by=personas.admin)
    assert client_for(personas.all_users()[persona]).get(url).status_code == published


def test_publish_and_unpublish_buttons(personas, world, client_for):
    cs = world["set"]
    world["cumgar"].state = S.LOCKED
    world["cumgar"].save()
    assert (
        client_for(personas.inspector)
        .post(reverse("scoring:set_publish", args=[cs.pk]))
        .status_code
        == 403
    )
    client_for(personas.admin).post(reverse("scoring:set_publish", args=[cs.pk]))
    assert cs.publications.current().exists()
    url = reverse("scoring:set_unpublish", args=[cs.pk])
    client_for(personas.admin).post(url, {"reason": ""})
    assert cs.publications.current().exists()
    client_for(personas.admin).post(url, {"reason": "Sai sót"})
    assert not cs.publications.current().exists()


def test_ranking_page_excel_and_pdf_agree(personas, world, client_for):
    client = client_for(personas.admin)
    cs = world["set"]
    page = client.get(reverse("scoring:ranking_detail", args=[cs.pk])).content.decode()
    assert "85,38" in page and "Kết quả tạm tính" in page
    assert "Điểm bị mất theo lĩnh vực — Huyện Cư M&#x27;gar" in page
    response = client.get(reverse("scoring:ranking_xlsx", args=[cs.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] == "648"]
    assert rows[0][7] == 85.38 and rows[0][3] == 64.55 and rows[0][8] == "Tốt"
    pdf = client.get(reverse("scoring:ranking_pdf", args=[cs.pk])).content
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "85,38" in text and "Huyện Cư M'gar" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA" in text


def test_public_rankings(personas, world, client_for):
    client = client_for(None)
    url = reverse("public:ranking_detail", args=[world["set"].pk])
    assert client.get(url).status_code == 404  # provisional: never public
    assert "Cư M'gar" not in client.get(reverse("public:ranking_list")).content.decode()
    world["cumgar"].state = S.LOCKED
    world["cumgar"].save()
    services.ranking_publish(criteria_set=world["set"], by=personas.admin)
    assert "Đắk Lắk" in client.get(reverse("public:ranking_list")).content.decode()
    body = client.get(url).content.decode()
    assert "85,38" in body
    # the unpublished commune set and the Lai Châu set stay hidden
    assert (
        client.get(reverse("public:ranking_detail", args=[world["laichau_set"].pk])).status_code
        == 404
    )


def test_public_downloads_are_the_published_snapshot(personas, world, client_for):
    """Anyone may download a published ranking (Excel, PDF) from the public page, which links
    them and a way to sign in; what they get is the snapshot, not scores changed since."""
    client = client_for(None)
    cs = world["set"]
    xlsx_url = reverse("public:ranking_xlsx", args=[cs.pk])
    pdf_url = reverse("public:ranking_pdf", args=[cs.pk])
    assert client.get(xlsx_url).status_code == 404  # provisional: never public
    assert client.get(pdf_url).status_code == 404
    world["cumgar"].state = S.LOCKED
    world["cumgar"].save()
    services.ranking_publish(criteria_set=cs, by=personas.admin)
    # After publication a score changes on the sheet: the public files keep 85,38.
    CriterionScore.objects.filter(assessment=world["cumgar"], criterion__code="1.2").update(
        round2_score=0, round1_score=0, self_score=0
    )
    listing = client.get(reverse("public:ranking_list")).content.decode()
    assert f'href="{xlsx_url}"' in listing and f'href="{pdf_url}"' in listing
    assert 'href="/accounts/login/"' in listing
    detail = client.get(reverse("public:ranking_detail", args=[cs.pk])).content.decode()
    assert f'href="{xlsx_url}"' in detail
    assert reverse("scoring:ranking_xlsx", args=[cs.pk]) not in detail
    response = client.get(xlsx_url)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] == "648"]
    assert rows[0][7] == 85.38 and rows[0][8] == "Tốt"
    pdf = client.get(pdf_url).content
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "85,38" in text and "Huyện Cư M'gar" in text


def _commune_world(personas, count):
    cs = make_set(province=personas.daklak, level="commune", year=2025)
    for unit in many_units(parent=personas.cumgar, count=count):
        make_assessment(criteria_set=cs, unit=unit, scores=FULL)
    return cs


@pytest.mark.parametrize("count", [8, 170])
@pytest.mark.parametrize(
    "url_name, limit",
    [
        ("scoring:ranking_detail", 12),
        # Downloads: one more, the audit trail's line (audit/middleware.py).
        ("scoring:ranking_xlsx", 11),
        ("scoring:ranking_pdf", 11),
    ],
)
def test_ranking_query_count_is_fixed(
    personas, client_for, django_assert_max_num_queries, url_name, limit, count
):
    cs = _commune_world(personas, count)
    client = client_for(personas.admin)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(url_name, args=[cs.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [8, 170])
def test_published_and_public_query_count_is_fixed(
    personas, client_for, django_assert_max_num_queries, count
):
    cs = _commune_world(personas, count)
    cs.assessments.update(state=S.LOCKED)
    services.ranking_publish(criteria_set=cs, by=personas.admin)
    staff = client_for(personas.cumgar_staff)
    with django_assert_max_num_queries(10):
        response = staff.get(reverse("scoring:ranking_detail", args=[cs.pk]))
    assert response.content.decode().count('data-unit="') == count
    anonymous = client_for(None)
    with django_assert_max_num_queries(6):
        response = anonymous.get(reverse("public:ranking_detail", args=[cs.pk]))
    assert response.content.decode().count('data-unit="') == count


@pytest.mark.parametrize("count", [3, 40])
def test_list_and_sheet_query_counts(personas, client_for, django_assert_max_num_queries, count):
    cs = _commune_world(personas, count)
    client = client_for(personas.admin)
    with django_assert_max_num_queries(10):
        client.get(reverse("scoring:assessment_list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("scoring:set_list"))
    a = cs.assessments.first()
    with django_assert_max_num_queries(12):
        client.get(reverse("scoring:assessment_detail", args=[a.pk]))


def test_criteria_upload_page(personas, client_for, settings):
    from pathlib import Path

    from scoring.models import CriteriaSet

    url = reverse("scoring:set_import")
    assert client_for(personas.inspector).get(url).status_code == 403
    assert client_for(personas.cumgar_staff).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    client = client_for(personas.admin)
    assert client.get(url).status_code == 200
    sample = Path(settings.BASE_DIR) / "fixtures" / "scoring_criteria_district.xlsx"
    data = {
        "year": 2024,
        "level": "district",
        "bonus_cap": "2",
        "penalty_cap": "3",
        "legal_basis": "2071/QĐ-UBND",
    }
    with open(sample, "rb") as fh:
        response = client.post(url, {**data, "file": fh})
    cs = CriteriaSet.objects.get()
    assert response.status_code == 302 and cs.province == personas.daklak
    bad = SimpleUploadedFile("c.csv", b"ma,noi_dung,diem_toi_da\n1,A,10\n1.1,B,4\n")
    response = client.post(url, {**data, "year": 2025, "file": bad})
    assert response.status_code == 422
    assert "tổng điểm các tiêu chí con" in response.content.decode()
    assert CriteriaSet.objects.count() == 1


def test_ids_and_versions_are_not_localised(personas, world, client_for):
    # Vietnamese number formatting would print 1234 as "1.234" and break ids and the version.
    s = world["cumgar"].scores.get(criterion__code="1.2")
    type(s).objects.filter(pk=s.pk).update(version=1234)
    body = (
        client_for(personas.cumgar_staff)
        .get(reverse("scoring:assessment_detail", args=[world["cumgar"].pk]))
        .content.decode()
    )
    assert 'name="version" value="1234"' in body
    assert f'id="score-{s.pk}"' in body and "2024" in body
    response = cell(client_for(personas.cumgar_staff), world["cumgar"], "1.2", F.SELF, "2")
    assert response.status_code == 200


def test_open_assessments_for_every_unit(personas, client_for):
    from scoring.models import Assessment

    cs = make_set(province=personas.daklak, level="commune")
    url = reverse("scoring:set_open", args=[cs.pk])
    assert client_for(personas.inspector).post(url).status_code == 403
    assert client_for(personas.laichau_admin).post(url).status_code == 404
    client_for(personas.admin).post(url)
    client_for(personas.admin).post(url)  # a second time creates nothing more
    assert set(Assessment.objects.values_list("unit__code", flat=True)) == {"24280", "24259"}
    assert Assessment.objects.get(unit__code="24280").scores.count() == 6


def test_metric_value_and_suggestion_shown(personas, world, client_for, monkeypatch):
    from scoring import selectors

    criterion = world["cumgar"].scores.get(criterion__code="2.3").criterion
    criterion.metric = "dossier_online_rate"
    criterion.save()
    monkeypatch.setattr(selectors, "metric_values", lambda assessment: {criterion.pk: D("0.5")})
    body = (
        client_for(personas.admin)
        .get(reverse("scoring:assessment_detail", args=[world["cumgar"].pk]))
        .content.decode()
    )
    assert "Tỷ lệ hồ sơ trực tuyến: 50,00" in body and "gợi ý 15,00" in body


def test_no_survey_set_is_published_as_a_percentage(personas, client_for):
    from scoring.models import CriteriaSet

    tree = [
        ("1", "Thẩm định", "70", "appraisal", "manual", {}, False),
        ("1.1", "Toàn bộ", "70", None, "manual", {}, False),
    ]
    cs = make_set(province=personas.daklak, tree=tree)
    CriteriaSet.objects.filter(pk=cs.pk).update(survey_max=0)
    make_assessment(
        criteria_set=cs, unit=personas.cumgar, scores={"1.1": ("65.17", "61.46", None, None)}
    )
    body = (
        client_for(personas.admin)
        .get(reverse("scoring:ranking_detail", args=[cs.pk]))
        .content.decode()
    )
    assert "87,80\u00a0%" in body  # Nam Định 2020: 61,46 / 70


@pytest.mark.parametrize("count", [2, 30])
def test_public_list_query_count(personas, client_for, django_assert_max_num_queries, count):
    from scoring.models import CriteriaSet

    for year in range(2000, 2000 + count):
        cs = make_set(
            province=personas.daklak,
            year=year,
            tree=[
                ("1", "A", "70", "appraisal", "manual", {}, False),
                ("2", "B", "30", "survey", "manual", {}, False),
            ],
        )
        make_assessment(criteria_set=cs, unit=personas.cumgar, state=S.LOCKED)
        services.ranking_publish(criteria_set=cs, by=personas.admin)
    client = client_for(None)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("public:ranking_list"))
    assert response.content.decode().count('<li class="list-group-item">') == count
    assert CriteriaSet.objects.count() == count


def test_area_difference_only_once_appraised(personas, client_for):
    cs = make_set(province=personas.daklak)
    a = make_assessment(
        criteria_set=cs, unit=personas.cumgar, scores={"1.2": ("6", None, None, None)}
    )
    from scoring.selectors import score_sheet

    rows = {r.criterion.code: r for r in score_sheet(assessment=a).rows}
    assert rows["1"].difference is None
    a.scores.filter(criterion__code="1.2").update(round1_score=5)
    rows = {r.criterion.code: r for r in score_sheet(assessment=a).rows}
    assert rows["1"].difference == D("-1.00") and rows["1.2"].difference == D("-1.00")


@pytest.mark.parametrize("edits", [1, 15])
def test_set_detail_and_history_query_counts(
    personas, world, client_for, django_assert_max_num_queries, edits
):
    client = client_for(personas.cumgar_staff)
    a = world["cumgar"]
    s = a.scores.get(criterion__code="1.2")
    for i in range(edits):
        cell(client, a, "1.2", F.SELF, str(i % 6))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("scoring:score_history", args=[a.pk, s.pk]))
    # + the two values the factory set first (self 6, round 1 5)
    assert response.content.decode().count("<tr><td>") == edits + 2
    with django_assert_max_num_queries(8):
        client.get(reverse("scoring:set_detail", args=[world["set"].pk]))
