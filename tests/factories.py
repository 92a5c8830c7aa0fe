"""factory_boy factories and the personas every view test uses.

Personas mirror the demo users: a provincial admin and an inspector of Đắk Lắk, staff of Huyện
Cư M'gar (with its communes), staff of Huyện Nậm Nhùn in another province, staff of Xã Ea Kpam
(a commune of Cư M'gar), staff of Sở Tư pháp (a department of Đắk Lắk, code 66-STP), plus an
admin of Lai Châu to prove provinces are walled off.
"""

from __future__ import annotations

from dataclasses import dataclass

import factory

from units.choices import Level, Role
from units.models import AdministrativeUnit, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit

    code = factory.Sequence(lambda n: f"{90000 + n}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    level = Level.COMMUNE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="vi_VN")
    role = Role.UNIT_STAFF
    password = factory.django.Password("secret-pass-123")


@dataclass
class Personas:
    daklak: AdministrativeUnit
    cumgar: AdministrativeUnit
    eakpam: AdministrativeUnit
    quangphu: AdministrativeUnit
    laichau: AdministrativeUnit
    namnhun: AdministrativeUnit
    stp: AdministrativeUnit
    admin: User
    inspector: User
    cumgar_staff: User
    namnhun_staff: User
    eakpam_staff: User
    laichau_admin: User
    stp_staff: User

    def all_users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "admin": self.admin,
            "inspector": self.inspector,
            "cumgar_staff": self.cumgar_staff,
            "namnhun_staff": self.namnhun_staff,
            "eakpam_staff": self.eakpam_staff,
            "stp_staff": self.stp_staff,
        }


def build_personas() -> Personas:
    daklak = UnitFactory(code="66", name="Tỉnh Đắk Lắk", level=Level.PROVINCE)
    cumgar = UnitFactory(code="648", name="Huyện Cư M'gar", level=Level.DISTRICT, parent=daklak)
    eakpam = UnitFactory(code="24280", name="Xã Ea KPam", level=Level.COMMUNE, parent=cumgar)
    quangphu = UnitFactory(
        code="24259", name="Thị trấn Quảng Phú", level=Level.COMMUNE, parent=cumgar
    )
    laichau = UnitFactory(code="12", name="Tỉnh Lai Châu", level=Level.PROVINCE)
    namnhun = UnitFactory(code="112", name="Huyện Nậm Nhùn", level=Level.DISTRICT, parent=laichau)
    stp = UnitFactory(code="66-STP", name="Sở Tư pháp", level=Level.DEPARTMENT, parent=daklak)
    return Personas(
        daklak=daklak,
        cumgar=cumgar,
        eakpam=eakpam,
        quangphu=quangphu,
        laichau=laichau,
        namnhun=namnhun,
        stp=stp,
        admin=UserFactory(username="admin66", role=Role.PROVINCIAL_ADMIN, unit=daklak),
        inspector=UserFactory(username="insp66", role=Role.PROVINCIAL_INSPECTOR, unit=daklak),
        cumgar_staff=UserFactory(username="cumgar", role=Role.UNIT_STAFF, unit=cumgar),
        namnhun_staff=UserFactory(username="namnhun", role=Role.UNIT_STAFF, unit=namnhun),
        eakpam_staff=UserFactory(username="eakpam", role=Role.UNIT_STAFF, unit=eakpam),
        laichau_admin=UserFactory(username="admin12", role=Role.PROVINCIAL_ADMIN, unit=laichau),
        stp_staff=UserFactory(username="stp_staff", role=Role.UNIT_STAFF, unit=stp),
    )
