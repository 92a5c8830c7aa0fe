"""Demo units (official pre-2025 data of the five provinces of the source articles) and users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings

from cchc_portal.demo import DEMO_PASSWORD
from units.choices import Role
from units.models import AdministrativeUnit, User
from units.services import units_import_file

UNITS_FILE = settings.BASE_DIR / "fixtures" / "units_2024_five_provinces.json"
PRE_2025_UNTIL = dt.date(2025, 6, 30)  # districts stopped operating on 1 July 2025

# username, full name, role, unit code, e-mail
DEMO_USERS = [
    (
        "quantri.daklak",
        "Nguyễn Văn Quản",
        Role.PROVINCIAL_ADMIN,
        "66",
        "quantri@sonoivu.daklak.local",
    ),
    (
        "thanhtra.daklak",
        "Trần Thị Kiểm",
        Role.PROVINCIAL_INSPECTOR,
        "66",
        "kiemtra@sonoivu.daklak.local",
    ),
    ("cumgar", "Lê Văn Cư", Role.UNIT_STAFF, "648", "noivu@cumgar.daklak.local"),
    ("namnhun", "Lò Thị Nhùn", Role.UNIT_STAFF, "112", "noivu@namnhun.laichau.local"),
    ("eakpam", "H'Hen Niê", Role.UNIT_STAFF, "24280", "ubnd@eakpam.cumgar.local"),
]
SUPERUSER = ("admin", "Quản trị hệ thống")


def load(*, out: Callable[[str], None]) -> None:
    result = units_import_file(path=UNITS_FILE, valid_until=PRE_2025_UNTIL)
    out(
        f"Đơn vị hành chính: {result.created} tạo mới, {result.updated} cập nhật, "
        f"{result.unchanged} không đổi."
    )
    for username, full_name, role, code, email in DEMO_USERS:
        unit = AdministrativeUnit.objects.by_code(code)
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
    for username, _name, role, code, _email in DEMO_USERS:
        unit = AdministrativeUnit.objects.by_code(code)
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
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
