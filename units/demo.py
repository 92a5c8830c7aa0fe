"""Demo units and users: both trees of the official data, the lineage between them, the new
Tỉnh Đắk Lắk's departments, and one user per role.

- Pre-2025 (valid until 30/06/2025): the five provinces of the source articles with their
  districts and communes, and the old provinces that merged with them on 1 July 2025 (Phú Yên,
  Hà Nam, Nam Định, Đắk Nông, Bình Thuận, Tiền Giang).
- Post-2025 (valid from 01/07/2025): the five provinces as they are now, communes directly under
  the province, and the lineage (which old units formed which new ones).
- The departments and agencies (sở, ban, ngành) of the new Tỉnh Đắk Lắk.

The provincial users belong to the new Tỉnh Đắk Lắk and read the old province's history through
the lineage; `cumgar`, `namnhun` and `eakpam` are accounts of pre-2025 units, kept so the
history of the source articles can be read as those units saw it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from cchc_portal.demo import DEMO_PASSWORD
from units.agencies import agencies_import
from units.choices import TWO_TIER_FROM, Role
from units.lineage import unit_lineage_import
from units.models import User
from units.resolver import resolve_unit
from units.services import units_import_file

FIXTURES = settings.BASE_DIR / "fixtures"
UNITS_FILE = FIXTURES / "units_2024_five_provinces.json"
PARTNERS_FILE = FIXTURES / "units_2024_merged_partners.json"
UNITS_2025_FILE = FIXTURES / "units_2025_five_provinces.json"
LINEAGE_FILE = FIXTURES / "units_lineage_2025_five_provinces.csv"
AGENCIES_FILE = FIXTURES / "agencies_66_daklak.csv"
PRE_2025_UNTIL = dt.date(2025, 6, 30)  # districts stopped operating on 1 July 2025
BEFORE = dt.date(2024, 12, 31)  # a day on which the pre-2025 units resolve
NOW = dt.date(2026, 12, 1)  # the demo's "today" as far as units are concerned

# username, full name, role, unit code, the day the code is resolved on, e-mail
DEMO_USERS = [
    (
        "quantri.daklak",
        "Nguyễn Văn Quản",
        Role.PROVINCIAL_ADMIN,
        "66",
        NOW,
        "quantri@sonoivu.daklak.local",
    ),
    (
        "thanhtra.daklak",
        "Trần Thị Kiểm",
        Role.PROVINCIAL_INSPECTOR,
        "66",
        NOW,
        "kiemtra@sonoivu.daklak.local",
    ),
    ("cumgar.xa", "Y Kông Mlô", Role.UNIT_STAFF, "24280", NOW, "ubnd@xacumgar.daklak.local"),
    ("stp.daklak", "Phạm Thị Pháp", Role.UNIT_STAFF, "66-STP", NOW, "vanphong@stp.daklak.local"),
    ("cumgar", "Lê Văn Cư", Role.UNIT_STAFF, "648", BEFORE, "noivu@cumgar.daklak.local"),
    ("namnhun", "Lò Thị Nhùn", Role.UNIT_STAFF, "112", BEFORE, "noivu@namnhun.laichau.local"),
    ("eakpam", "H'Hen Niê", Role.UNIT_STAFF, "24280", BEFORE, "ubnd@eakpam.cumgar.local"),
]
SUPERUSER = ("admin", "Quản trị hệ thống")


def load(*, out: Callable[[str], None]) -> None:
    for path, valid_from, valid_until in (
        (UNITS_FILE, None, PRE_2025_UNTIL),
        (PARTNERS_FILE, None, PRE_2025_UNTIL),
        (UNITS_2025_FILE, TWO_TIER_FROM, None),
    ):
        result = units_import_file(path=path, valid_from=valid_from, valid_until=valid_until)
        out(f"Đơn vị hành chính ({path.name}): {result.summary()}.")
    lineage = unit_lineage_import(path=LINEAGE_FILE)
    out(f"Lịch sử sắp xếp đơn vị: {lineage.summary()}.")
    agencies = agencies_import(path=AGENCIES_FILE)
    out(f"Sở, ban, ngành: {agencies.summary()}.")
    for username, full_name, role, code, day, email in DEMO_USERS:
        unit = resolve_unit(code, on=day)
        ensure_user(username=username, full_name=full_name, role=role, unit=unit, email=email)
    ensure_user(
        username=SUPERUSER[0],
        full_name=SUPERUSER[1],
        role=Role.PROVINCIAL_ADMIN,
        unit=None,
        email="admin@localhost",
        superuser=True,
    )
    out(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, _name, role, code, day, _email in DEMO_USERS:
        unit = resolve_unit(code, on=day)
        out(f"  {username:<16} {Role(role).label} — {unit.name}")
    out(f"  {SUPERUSER[0]:<16} quản trị hệ thống (trang /admin/)")


def ensure_user(*, username, full_name, role, unit, email, superuser=False) -> User:
    # Vietnamese names are written family name first; keep them whole in first_name so that
    # get_full_name() reads "Nguyễn Văn Quản", not a Western reordering.
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": full_name,
            "role": role,
            "unit": unit,
            "email": email,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if not created and (user.unit_id, user.role) != (getattr(unit, "pk", None), role):
        # An older demo database: the account moves to the unit it has in today's demo.
        user.unit, user.role = unit, role
        user.save(update_fields=["unit", "role"])
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
