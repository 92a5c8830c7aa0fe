"""Checklist templates: the defaults of the migration, versioning (a used template is frozen,
copied into the next revision), an inspection's checklist made from one, and their pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import services
from inspections.choices import ChecklistOutcome, InspectionKind, InspectionState
from inspections.models import ChecklistResult, ChecklistTemplate
from tests.inspections.factories import make_inspection, make_plan

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _template(*lines, kind=InspectionKind.CCHC, name="Mẫu thử"):
    return services.checklist_template_save(kind=kind, name=name, items=list(lines))


def _empty_inspection(p, **kw):
    """An inspection whose plan names no contents: its checklist starts empty."""
    return make_inspection(p, plan=make_plan(p, contents=()), **kw)


class TestDefaults:
    def test_the_migration_gives_the_articles_contents(self, db):
        cchc = ChecklistTemplate.objects.get(kind=InspectionKind.CCHC, revision=1)
        lines = [i.text for i in cchc.items.all()]
        assert len(lines) == 7
        assert lines[0] == "Việc rà soát, công bố, công khai thủ tục hành chính"
        assert lines[-1] == "Kiểm tra ngẫu nhiên hồ sơ thủ tục hành chính"
        assert any("camera giám sát" in line for line in lines)
        assert any("chữ ký số" in line for line in lines)
        assert ChecklistTemplate.objects.filter(kind=InspectionKind.TTHC_CONTROL).count() == 1


class TestTemplateServices:
    def test_save_strips_and_drops_blank_lines(self, db):
        template = _template("  Công khai TTHC ", "", "   ", "Bộ phận một cửa")
        assert [i.text for i in template.items.all()] == ["Công khai TTHC", "Bộ phận một cửa"]
        assert template.revision == 1

    def test_no_lines_is_refused(self, db):
        with pytest.raises(ValidationError) as exc:
            _template("", "  ")
        assert exc.value.message_dict["items"] == ["Mẫu phải có ít nhất một nội dung kiểm tra."]
        assert not ChecklistTemplate.objects.filter(name="Mẫu thử").exists()

    def test_a_too_long_line_names_its_number(self, db):
        with pytest.raises(ValidationError) as exc:
            _template("Ngắn", "x" * 501)
        assert exc.value.message_dict["items"] == [
            "Dòng 2 dài 501 ký tự: mỗi nội dung kiểm tra tối đa 500 ký tự."
        ]
        assert not ChecklistTemplate.objects.filter(name="Mẫu thử").exists()

    def test_an_unused_template_is_edited_in_place(self, db):
        template = _template("A", "B")
        services.checklist_template_save(
            template=template, kind=template.kind, name="Mẫu mới", items=["C"]
        )
        template.refresh_from_db()
        assert template.name == "Mẫu mới" and template.revision == 1
        assert [i.text for i in template.items.all()] == ["C"]

    def test_a_used_template_is_frozen(self, personas):
        template = _template("A", "B")
        services.checklist_from_template(inspection=_empty_inspection(personas), template=template)
        with pytest.raises(ValidationError) as exc:
            services.checklist_template_save(
                template=template, kind=template.kind, name=template.name, items=["C"]
            )
        assert "đã được dùng cho cuộc kiểm tra" in exc.value.messages[0]
        assert [i.text for i in template.items.all()] == ["A", "B"]

    def test_copy_is_the_next_revision_with_the_same_lines(self, personas):
        template = _template("A", "B")
        first = services.checklist_template_copy(template=template, by=personas.inspector)
        second = services.checklist_template_copy(template=template)
        assert (first.revision, second.revision) == (2, 3)
        assert first.previous == template and first.created_by == personas.inspector
        assert [i.text for i in first.items.all()] == ["A", "B"]
        # The copy is free to edit even when the original is used.
        services.checklist_from_template(inspection=_empty_inspection(personas), template=template)
        services.checklist_template_save(
            template=first, kind=first.kind, name=first.name, items=["A", "B", "C"]
        )
        assert first.items.count() == 3 and template.items.count() == 2


class TestChecklistFromTemplate:
    def test_makes_one_line_per_item_in_order(self, personas):
        inspection = _empty_inspection(personas, held_on=None)
        assert inspection.checklist.count() == 0
        services.checklist_from_template(
            inspection=inspection, template=_template("Thứ nhất", "Thứ hai", "Thứ ba")
        )
        assert [r.text for r in inspection.checklist.all()] == ["Thứ nhất", "Thứ hai", "Thứ ba"]
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.IN_PROGRESS

    def test_refused_when_the_checklist_is_not_empty(self, personas):
        inspection = make_inspection(personas)  # the plan's two contents
        with pytest.raises(ValidationError) as exc:
            services.checklist_from_template(inspection=inspection, template=_template("X"))
        assert "chỉ lập từ mẫu khi danh mục còn trống" in exc.value.messages[0]
        assert inspection.checklist.count() == 2

    def test_refused_for_another_kind(self, personas):
        inspection = _empty_inspection(personas)
        template = _template("X", kind=InspectionKind.TTHC_CONTROL)
        with pytest.raises(ValidationError) as exc:
            services.checklist_from_template(inspection=inspection, template=template)
        assert exc.value.message_dict["template"] == [
            "Mẫu Mẫu thử (v1) dành cho Kiểm tra công tác kiểm soát TTHC, không dùng cho "
            "Kiểm tra công tác CCHC."
        ]
        assert inspection.checklist.count() == 0

    def test_saving_the_inspection_again_adds_no_plan_contents(self, personas):
        plan = make_plan(personas, contents=())
        inspection = make_inspection(personas, plan=plan)
        services.checklist_from_template(inspection=inspection, template=_template("X"))
        services.inspection_save(
            inspection=inspection,
            plan=plan,
            team=inspection.team,
            unit=inspection.unit,
            scheduled_on=inspection.scheduled_on,
            held_on=inspection.held_on,
        )
        assert [r.text for r in inspection.checklist.all()] == ["X"]

    def test_conclusion_names_an_unanswered_template_line(self, personas):
        inspection = _empty_inspection(personas)
        services.checklist_from_template(inspection=inspection, template=_template("Một", "Hai"))
        first = inspection.checklist.first()
        services.checklist_record(result=first, outcome=ChecklistOutcome.MET)
        with pytest.raises(ValidationError) as exc:
            services.inspection_conclude(inspection=inspection, by=personas.inspector)
        assert "Chưa có kết quả cho 1 nội dung kiểm tra: Hai." in exc.value.messages


class TestPages:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("anonymous", 302),
            ("admin", 200),
            ("inspector", 200),
            ("cumgar_staff", 403),
            ("stp_staff", 403),
        ],
    )
    def test_list_is_for_provincial_roles(self, personas, client_for, who, expected):
        client = client_for(personas.all_users()[who])
        assert client.get(reverse("inspections:checklist_template_list")).status_code == expected

    @pytest.mark.parametrize("n", [1, 4])
    def test_list_costs_fixed_queries(self, personas, client_for, django_assert_num_queries, n):
        for i in range(n):
            _template("A", "B", name=f"Mẫu {i}")
        client = client_for(personas.inspector)
        client.get(reverse("inspections:checklist_template_list"))  # warm the session
        with django_assert_num_queries(4):  # session, user, their unit, templates
            response = client.get(reverse("inspections:checklist_template_list"))
        assert response.content.decode().count("Mẫu ") >= n

    def test_detail_lists_lines_and_usage(self, personas, client_for):
        template = _template("Dòng một", "Dòng hai")
        services.checklist_from_template(inspection=_empty_inspection(personas), template=template)
        page = client_for(personas.admin).get(template.get_absolute_url()).content.decode()
        assert "Dòng một" in page and "Dòng hai" in page
        assert "Đã dùng cho 1 cuộc kiểm tra: không sửa được." in page
        assert reverse("inspections:checklist_template_edit", args=[template.pk]) not in page

    def test_create_from_the_form(self, personas, client_for):
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_template_create"),
            {"kind": InspectionKind.CCHC, "name": "Mẫu xã", "items": "Một\r\nHai\r\n"},
        )
        template = ChecklistTemplate.objects.get(name="Mẫu xã")
        assert response.status_code == 302 and response["Location"] == template.get_absolute_url()
        assert [i.text for i in template.items.all()] == ["Một", "Hai"]
        assert template.created_by == personas.inspector

    def test_form_shows_the_service_error_on_its_field(self, personas, client_for):
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_template_create"),
            {"kind": InspectionKind.CCHC, "name": "Mẫu xã", "items": "\r\n  \r\n"},
        )
        assert response.status_code == 200
        assert "Mẫu phải có ít nhất một nội dung kiểm tra." in response.content.decode()
        assert not ChecklistTemplate.objects.filter(name="Mẫu xã").exists()

    def test_editing_a_used_template_goes_back_with_the_reason(self, personas, client_for):
        template = _template("A")
        services.checklist_from_template(inspection=_empty_inspection(personas), template=template)
        client = client_for(personas.admin)
        url = reverse("inspections:checklist_template_edit", args=[template.pk])
        response = client.post(url, {"kind": template.kind, "name": "Khác", "items": "B"})
        assert response.status_code == 302 and response["Location"] == template.get_absolute_url()
        template.refresh_from_db()
        assert template.name == "Mẫu thử" and [i.text for i in template.items.all()] == ["A"]
        page = client.get(response["Location"]).content.decode()
        assert "không sửa được, hãy sao chép thành phiên bản mới" in page

    def test_copy_opens_the_new_revision_for_editing(self, personas, client_for):
        template = _template("A")
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_template_copy", args=[template.pk])
        )
        copy = ChecklistTemplate.objects.get(previous=template)
        assert copy.revision == 2
        assert response["Location"] == reverse(
            "inspections:checklist_template_edit", args=[copy.pk]
        )

    def test_copy_refuses_get(self, personas, client_for):
        template = _template("A")
        url = reverse("inspections:checklist_template_copy", args=[template.pk])
        assert client_for(personas.inspector).get(url).status_code == 405
        assert not ChecklistTemplate.objects.filter(previous=template).exists()


class TestInspectionPage:
    def test_empty_checklist_offers_templates_of_its_kind(self, personas, client_for):
        inspection = _empty_inspection(personas)
        _template("X", kind=InspectionKind.TTHC_CONTROL, name="Mẫu TTHC riêng")
        page = client_for(personas.inspector).get(inspection.get_absolute_url()).content.decode()
        assert "Lập danh mục từ mẫu" in page
        assert "Danh mục kiểm tra công tác CCHC (v1)" in page
        assert "Mẫu TTHC riêng" not in page

    def test_staff_see_no_template_button(self, personas, client_for):
        inspection = _empty_inspection(personas)
        page = client_for(personas.cumgar_staff).get(inspection.get_absolute_url())
        assert page.status_code == 200 and "Lập danh mục từ mẫu" not in page.content.decode()

    def test_button_makes_the_checklist(self, personas, client_for):
        inspection = _empty_inspection(personas)
        template = _template("Công khai TTHC", "Camera giám sát")
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_from_template", args=[inspection.pk]),
            {"template": template.pk},
            **HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200 and "Camera giám sát" in html
        assert "Lập danh mục từ mẫu" not in html
        assert ChecklistResult.objects.filter(inspection=inspection).count() == 2

    def test_a_template_of_another_kind_is_refused_by_the_form(self, personas, client_for):
        inspection = _empty_inspection(personas)
        other = _template("X", kind=InspectionKind.TTHC_CONTROL)
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_from_template", args=[inspection.pk]),
            {"template": other.pk},
            **HTMX,
        )
        assert 'role="alert"' in response.content.decode()
        assert inspection.checklist.count() == 0

    def test_saving_a_row_says_saved_on_that_row(self, personas, client_for):
        inspection = make_inspection(personas)
        _first, second = inspection.checklist.all()
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_record", args=[inspection.pk, second.pk]),
            {"outcome": ChecklistOutcome.MET, "note": ""},
            **HTMX,
        )
        html = response.content.decode()
        assert html.count("Đã lưu") == 1
        row = html[html.index(second.text) :]
        assert row.index("Đã lưu") < row.index("<form")

    def test_a_refused_row_save_does_not_say_saved(self, personas, client_for):
        inspection = make_inspection(personas)
        first = inspection.checklist.first()
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_record", args=[inspection.pk, first.pk]),
            {"outcome": "nonsense"},
            **HTMX,
        )
        assert "Đã lưu" not in response.content.decode()
