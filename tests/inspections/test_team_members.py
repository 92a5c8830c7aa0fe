"""Team members are portal users or outside members by name (issue 17, item 1)."""

import pytest
from django.urls import reverse

from inspections.choices import MemberRole
from inspections.models import InspectionTeam
from tests.inspections.factories import make_team, member_rows

pytestmark = pytest.mark.django_db


def test_a_user_member_takes_the_users_name_and_an_outside_member_is_kept(personas, client_for):
    client = client_for(personas.inspector)
    data = {
        "name": "Đoàn 1798",
        "unit": personas.daklak.pk,
        **member_rows(
            {"role": "head", "user": personas.inspector.pk, "position": "Phó Giám đốc Sở Nội vụ"},
            {"role": "member", "name": "Lê Văn Ngoài", "organisation": "Sở Tư pháp"},
            {},  # an empty row is skipped
        ),
    }
    assert client.post(reverse("inspections:team_create"), data).status_code == 302
    team = InspectionTeam.objects.get()
    members = list(team.members.order_by("position_order"))
    assert [(m.role, m.user, m.name) for m in members] == [
        (MemberRole.HEAD, personas.inspector, personas.inspector.get_full_name()),
        (MemberRole.MEMBER, None, "Lê Văn Ngoài"),
    ]


def test_a_row_with_a_role_but_nobody_names_its_problem(personas, client_for):
    response = client_for(personas.inspector).post(
        reverse("inspections:team_create"),
        {
            "name": "Đoàn",
            "unit": personas.daklak.pk,
            **member_rows({"role": "head", "name": "A"}, {"role": "member", "position": "CV"}),
        },
    )
    assert "Chọn tài khoản hoặc nhập họ tên thành viên." in response.content.decode()
    assert not InspectionTeam.objects.exists()


def test_users_of_another_province_cannot_be_members(personas, client_for):
    response = client_for(personas.inspector).post(
        reverse("inspections:team_create"),
        {
            "name": "Đoàn",
            "unit": personas.daklak.pk,
            **member_rows({"role": "head", "user": personas.laichau_admin.pk}),
        },
    )
    assert response.status_code == 200 and response.context["members"].errors[0]["user"]
    assert not InspectionTeam.objects.exists()


def test_the_edit_form_shows_the_members_again(personas, client_for):
    team = make_team(personas)
    html = client_for(personas.inspector).get(reverse("inspections:team_edit", args=[team.pk]))
    content = html.content.decode()
    assert 'value="Nguyễn Văn Trưởng"' in content and 'value="Lê Thị Ký"' in content
    assert content.count('class="row g-2 align-items-start member-row') == 2 + 3  # and 3 empty
