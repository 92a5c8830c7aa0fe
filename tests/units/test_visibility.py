"""`visible_to`: the one scoping rule every list, detail and export relies on."""

import pytest

from units.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def codes(user):
    return set(AdministrativeUnit.objects.visible_to(user).values_list("code", flat=True))


def test_provincial_roles_see_their_whole_province_only(personas):
    expected = {"66", "648", "24280", "24259", "66-STP"}
    assert codes(personas.admin) == expected
    assert codes(personas.inspector) == expected
    assert codes(personas.laichau_admin) == {"12", "112"}


def test_district_staff_see_their_district_and_its_communes(personas):
    assert codes(personas.cumgar_staff) == {"648", "24280", "24259"}
    assert "112" not in codes(personas.cumgar_staff)
    assert codes(personas.namnhun_staff) == {"112"}


def test_commune_staff_see_only_their_commune(personas):
    assert codes(personas.eakpam_staff) == {"24280"}


def test_department_staff_see_only_their_department(personas):
    assert codes(personas.stp_staff) == {"66-STP"}
    assert "66-STP" not in codes(personas.cumgar_staff) | codes(personas.eakpam_staff)


def test_department_staff_pass_user_validation(personas):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory
    from units.choices import Role

    personas.stp_staff.full_clean()  # unit staff may belong to a department
    inspector = UserFactory.build(role=Role.PROVINCIAL_INSPECTOR, unit=personas.stp)
    with pytest.raises(ValidationError):
        inspector.full_clean()  # a provincial role still belongs to the province


def test_anonymous_and_unbound_users_see_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    from tests.factories import UserFactory

    assert codes(AnonymousUser()) == set()
    assert codes(UserFactory(unit=None)) == set()


def test_provincial_role_bound_to_a_district_is_not_widened(personas):
    """A misconfigured inspector attached to a district sees nothing rather than too much."""
    from tests.factories import UserFactory
    from units.choices import Role

    user = UserFactory(role=Role.PROVINCIAL_INSPECTOR, unit=personas.cumgar)
    assert codes(user) == set()


def test_path_follows_a_moved_unit(personas):
    personas.eakpam.parent = personas.namnhun
    personas.eakpam.save()
    personas.eakpam.refresh_from_db()
    assert personas.eakpam.is_within(personas.namnhun)
    assert "24280" in codes(personas.namnhun_staff)
