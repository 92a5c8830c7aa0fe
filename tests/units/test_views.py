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
