import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("admin", 200),
        ("inspector", 200),
        ("cumgar_staff", 200),
        ("eakpam_staff", 200),
    ],
)
def test_unit_list_access(personas, client_for, persona, status):
    response = client_for(personas.all_users()[persona]).get(reverse("units:unit_list"))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_unit_list_is_scoped(personas, client_for):
    response = client_for(personas.cumgar_staff).get(reverse("units:unit_list"))
    listed = {row.record.code for row in response.context["table"].page.object_list}
    assert listed == {"648", "24280", "24259"}
    assert "Huyện Nậm Nhùn" not in response.content.decode()


def test_unit_list_filters_by_search(personas, client_for):
    client = client_for(personas.admin)
    body = client.get(reverse("units:unit_list"), {"q": "Quảng"}).content.decode()
    assert "Thị trấn Quảng Phú" in body
    assert "Xã Ea KPam" not in body


def test_unit_list_query_count_does_not_grow(personas, client_for, django_assert_max_num_queries):
    from tests.factories import UnitFactory

    client = client_for(personas.admin)
    with django_assert_max_num_queries(8):
        client.get(reverse("units:unit_list"))
    for i in range(30):
        UnitFactory(code=f"2{i:04d}", parent=personas.cumgar)
    with django_assert_max_num_queries(8):
        client.get(reverse("units:unit_list"))


# --------------------------------------------------------------------------- validity, tree, detail

import datetime as dt  # noqa: E402

from tests.factories import UnitFactory  # noqa: E402
from units.choices import Level, LineageKind  # noqa: E402
from units.models import AdministrativeUnit, UnitLineage  # noqa: E402

OLD_END = dt.date(2025, 6, 30)
NEW_START = dt.date(2025, 7, 1)


@pytest.fixture
def two_worlds(personas):
    """The personas' Đắk Lắk as the old tree (until 30/06/2025), and a new commune reusing
    Ea KPam's code under the same province, formed from it."""
    AdministrativeUnit.objects.filter(
        pk__in=[personas.cumgar.pk, personas.eakpam.pk, personas.quangphu.pk]
    ).update(valid_until=OLD_END)
    new = UnitFactory(
        code="24280", name="Xã Cư M'gar", parent=personas.daklak, valid_from=NEW_START
    )
    UnitLineage.objects.create(
        predecessor=personas.eakpam, successor=new, effective_on=NEW_START, kind=LineageKind.MERGE
    )
    return new


def listed(response):
    return {row.record.name for row in response.context["table"].page.object_list}


def test_unit_list_shows_current_units_by_default(personas, two_worlds, client_for):
    client = client_for(personas.admin)
    url = reverse("units:unit_list")
    assert listed(client.get(url)) == {"Tỉnh Đắk Lắk", "Xã Cư M'gar", "Sở Tư pháp"}
    assert listed(client.get(url, {"validity": "expired"})) == {
        "Huyện Cư M'gar",
        "Xã Ea KPam",
        "Thị trấn Quảng Phú",
    }
    assert len(listed(client.get(url, {"validity": "all"}))) == 6
    assert listed(client.get(url, {"level": Level.DEPARTMENT})) == {"Sở Tư pháp"}


def test_unit_tree_groups_children_by_level(personas, two_worlds, client_for):
    client = client_for(personas.admin)
    roots = client.get(reverse("units:unit_tree")).context["roots"]
    assert [r.unit.name for r in roots] == ["Tỉnh Đắk Lắk"]
    assert [(label, [n.unit.name for n in kids]) for label, kids in roots[0].groups] == [
        ("Cấp xã", ["Xã Cư M'gar"]),
        ("Sở, ban, ngành", ["Sở Tư pháp"]),
    ]
    roots = client.get(reverse("units:unit_tree"), {"validity": "all"}).context["roots"]
    district = dict(roots[0].groups)["Cấp huyện"][0]
    assert district.unit.name == "Huyện Cư M'gar"
    assert [n.unit.name for n in dict(district.groups)["Cấp xã"]] == [
        "Thị trấn Quảng Phú",
        "Xã Ea KPam",
    ]
    # Staff see their own subtree as the root.
    roots = client_for(personas.stp_staff).get(reverse("units:unit_tree")).context["roots"]
    assert [r.unit.name for r in roots] == ["Sở Tư pháp"]


def test_unit_detail_names_the_codes_previous_holder(personas, two_worlds, client_for):
    client = client_for(personas.admin)
    body = client.get(reverse("units:unit_detail", args=[two_worlds.pk])).content.decode()
    assert "Mã 24280 trước 01/07/2025 là của:" in body
    assert f'href="{reverse("units:unit_detail", args=[personas.eakpam.pk])}"' in body
    assert "Hình thành từ" in body and "Nhập, ngày 01/07/2025" in body
    old = client.get(reverse("units:unit_detail", args=[personas.eakpam.pk])).content.decode()
    assert "Mã 24280 từ 01/07/2025 là của:" in old
    assert "Đã sắp xếp vào" in old and "Xã Cư M&#x27;gar" in old


def test_new_commune_staff_follow_the_lineage_only_within_scope(personas, two_worlds, client_for):
    from tests.factories import UserFactory
    from units.choices import Role
    from units.lineage import inherited_paths_refresh

    inherited_paths_refresh()
    staff = UserFactory(role=Role.UNIT_STAFF, unit=two_worlds)
    client = client_for(staff)
    body = client.get(reverse("units:unit_detail", args=[two_worlds.pk])).content.decode()
    assert "Xã Ea KPam" in body  # their predecessor, inherited
    assert client.get(reverse("units:unit_detail", args=[personas.eakpam.pk])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[personas.quangphu.pk])).status_code == 404
    # Ea KPam's old staff do not see the new commune, nor learn of it from the code note.
    old = client_for(personas.eakpam_staff).get(
        reverse("units:unit_detail", args=[personas.eakpam.pk])
    )
    assert "Xã Cư M&#x27;gar" not in old.content.decode()


def test_unit_detail_query_count_is_fixed(
    personas, two_worlds, client_for, django_assert_max_num_queries
):
    client = client_for(personas.admin)
    url = reverse("units:unit_detail", args=[personas.daklak.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    for i in range(20):
        UnitFactory(code=f"3{i:04d}", parent=personas.daklak, valid_from=NEW_START)
    with django_assert_max_num_queries(12):
        assert "30019" in client.get(url).content.decode()


# --------------------------------------------------------------------------- department pages


def test_admin_creates_and_edits_a_department(personas, client_for):
    client = client_for(personas.admin)
    response = client.post(
        reverse("units:department_create"),
        {"name": "Sở Y tế", "abbreviation": "syt", "valid_from": "2025-07-01"},
    )
    unit = AdministrativeUnit.objects.get(code="66-SYT")
    assert response.status_code == 302
    assert (unit.name, unit.level, unit.parent, unit.valid_from) == (
        "Sở Y tế",
        Level.DEPARTMENT,
        personas.daklak,
        NEW_START,
    )
    assert unit.path == f"{personas.daklak.path}{unit.pk}/"
    client.post(
        reverse("units:department_edit", args=[unit.pk]),
        {"name": "Sở Y tế tỉnh Đắk Lắk", "abbreviation": "SYT", "valid_until": "2026-12-31"},
    )
    unit.refresh_from_db()
    assert (unit.name, unit.valid_from, unit.valid_until) == (
        "Sở Y tế tỉnh Đắk Lắk",
        None,
        dt.date(2026, 12, 31),
    )


def test_a_taken_code_and_bad_dates_are_refused_on_the_form(personas, client_for):
    client = client_for(personas.admin)
    response = client.post(
        reverse("units:department_create"), {"name": "Sở Tư pháp", "abbreviation": "STP"}
    )
    assert response.status_code == 200
    assert "Tỉnh đã có cơ quan mã 66-STP" in response.content.decode()
    response = client.post(
        reverse("units:department_create"),
        {
            "name": "Sở Xây dựng",
            "abbreviation": "SXD",
            "valid_from": "2026-01-01",
            "valid_until": "2025-01-01",
        },
    )
    assert "Ngày hết hiệu lực trước ngày có hiệu lực." in response.content.decode()
    assert not AdministrativeUnit.objects.filter(code="66-SXD").exists()


def test_inspectors_read_the_departments_without_edit_links(personas, client_for):
    body = client_for(personas.inspector).get(reverse("units:department_list")).content.decode()
    assert "Sở Tư pháp" in body and "66-STP" in body
    assert reverse("units:department_edit", args=[personas.stp.pk]) not in body
    assert reverse("units:department_create") not in body
    admin = client_for(personas.admin).get(reverse("units:department_list")).content.decode()
    assert reverse("units:department_edit", args=[personas.stp.pk]) in admin
