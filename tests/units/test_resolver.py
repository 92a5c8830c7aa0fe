"""The one resolver of unit codes: by date, within a scope, never guessing between two units."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import UnitFactory
from units.choices import Level
from units.models import AdministrativeUnit
from units.resolver import (
    ERR_UNKNOWN_CODE,
    UnitCodeError,
    UnitResolver,
    code_key,
    resolve_unit,
    year_end,
)

pytestmark = pytest.mark.django_db

OLD_UNTIL = dt.date(2025, 6, 30)
NEW_FROM = dt.date(2025, 7, 1)


@pytest.fixture
def two_trees():
    """Đắk Lắk before and after 1 July 2025, with code 24280 held by two different communes."""
    old_province = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_until=OLD_UNTIL
    )
    district = UnitFactory(
        code="648",
        name="Huyện Cư M'gar",
        level=Level.DISTRICT,
        parent=old_province,
        valid_until=OLD_UNTIL,
    )
    ea_kpam = UnitFactory(code="24280", name="Xã Ea KPam", parent=district, valid_until=OLD_UNTIL)
    new_province = UnitFactory(
        code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE, valid_from=NEW_FROM
    )
    cu_mgar = UnitFactory(
        code="24280", name="Xã Cư M’gar", parent=new_province, valid_from=NEW_FROM
    )
    lai_chau = UnitFactory(code="12", name="Tỉnh Lai Châu", level=Level.PROVINCE)
    ward = UnitFactory(code="03386", name="Phường Quyết Thắng", parent=lai_chau)
    return locals()


def test_a_reused_code_names_the_unit_of_the_day(two_trees):
    assert resolve_unit("24280", on=dt.date(2019, 1, 1)) == two_trees["ea_kpam"]
    assert resolve_unit("24280", on=OLD_UNTIL) == two_trees["ea_kpam"]
    assert resolve_unit("24280", on=NEW_FROM) == two_trees["cu_mgar"]
    assert resolve_unit("66", on=year_end(2024)) == two_trees["old_province"]
    assert resolve_unit("66", on=year_end(2025)) == two_trees["new_province"]


def test_a_code_valid_on_neither_day_is_refused_with_the_code_and_the_day(two_trees):
    two_trees["district"]  # 648 ended with the districts
    with pytest.raises(UnitCodeError) as caught:
        resolve_unit("648", on=dt.date(2026, 1, 15))
    assert caught.value.message == "Không có đơn vị mã 648 có hiệu lực ngày 15/01/2026."
    assert caught.value.candidates == ()


def test_two_units_with_the_code_on_one_day_are_named_not_guessed(two_trees):
    # The new tree imported a second time with another start date: two units hold 24280 now.
    UnitFactory(
        code="24280",
        name="Xã Cư M’gar",
        parent=two_trees["lai_chau"],
        valid_from=dt.date(2025, 8, 1),
    )
    with pytest.raises(UnitCodeError) as caught:
        resolve_unit("24280", on=dt.date(2026, 3, 1))
    assert caught.value.message == (
        "Mã 24280 ứng với nhiều đơn vị có hiệu lực ngày 01/03/2026: "
        "Xã Cư M’gar (24280, từ 01/07/2025); Xã Cư M’gar (24280, từ 01/08/2025)."
    )
    # On a day only one of them existed there is no doubt.
    assert resolve_unit("24280", on=dt.date(2025, 7, 15)) == two_trees["cu_mgar"]


def test_ambiguous_codes_list_every_candidate_with_its_validity(two_trees):
    UnitFactory(code="24777", name="Xã Một", parent=two_trees["lai_chau"])
    UnitFactory(code="024777", name="Xã Hai", parent=two_trees["lai_chau"])
    with pytest.raises(UnitCodeError) as caught:
        resolve_unit("0024777", on=NEW_FROM)
    message = caught.value.message
    assert message.startswith("Mã 0024777 ứng với nhiều đơn vị có hiệu lực ngày 01/07/2025:")
    assert "Xã Một (24777, không thời hạn)" in message
    assert "Xã Hai (024777, không thời hạn)" in message
    assert len(caught.value.candidates) == 2


def test_leading_zeros_are_the_same_number_but_the_exact_code_comes_first(two_trees):
    assert resolve_unit("3386", on=NEW_FROM) == two_trees["ward"]
    assert resolve_unit("03386", on=NEW_FROM) == two_trees["ward"]
    # "12" is Lai Châu even though a commune "00012" exists: the code as written wins.
    UnitFactory(code="00012", name="Phường Phúc Xá", parent=two_trees["lai_chau"])
    assert resolve_unit("12", on=NEW_FROM) == two_trees["lai_chau"]
    assert code_key("00012") == "12"


def test_outside_the_scope_reads_exactly_like_unknown(two_trees):
    scope = AdministrativeUnit.objects.subtree_of(two_trees["new_province"])
    with pytest.raises(UnitCodeError) as outside:
        resolve_unit("12", on=NEW_FROM, scope=scope)  # exists, in another province
    with pytest.raises(UnitCodeError) as unknown:
        resolve_unit("13", on=NEW_FROM, scope=scope)  # exists nowhere
    assert outside.value.message == ERR_UNKNOWN_CODE % {"code": "12", "day": "01/07/2025"}
    assert unknown.value.message == ERR_UNKNOWN_CODE % {"code": "13", "day": "01/07/2025"}


def test_levels_narrow_the_candidates(two_trees):
    with pytest.raises(UnitCodeError):
        resolve_unit("24280", on=NEW_FROM, levels=[Level.PROVINCE])
    assert resolve_unit("66", on=NEW_FROM, levels=[Level.PROVINCE]) == two_trees["new_province"]


def test_one_resolver_answers_many_codes_with_one_query(two_trees, django_assert_num_queries):
    with django_assert_num_queries(1):
        resolver = UnitResolver()
        ids = [
            resolver.resolve_id(code, on=day)
            for code, day in [("24280", OLD_UNTIL), ("24280", NEW_FROM), ("3386", NEW_FROM)] * 50
        ]
    assert ids[:3] == [two_trees["ea_kpam"].pk, two_trees["cu_mgar"].pk, two_trees["ward"].pk]
    assert resolver.holders("24280") == [two_trees["ea_kpam"].pk, two_trees["cu_mgar"].pk]
