"""The demo's signatories: who signs Sở Nội vụ Đắk Lắk's documents (a placeholder name, as the
demo's team heads are: the articles do not give them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from documents.models import Signatory
from units.resolver import resolve_unit

SIGNATORIES = (
    # (province code, a day it held the code, authority, title, name)
    ("66", dt.date(2024, 12, 31), "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Thị Hồng"),
    ("66", dt.date(2026, 12, 1), "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Minh Tuấn"),
)


def load(*, out: Callable[[str], None]) -> None:
    created = 0
    for code, day, authority, title, name in SIGNATORIES:
        _signatory, new = Signatory.objects.update_or_create(
            issuer=resolve_unit(code, on=day),
            issuer_name="Sở Nội vụ",
            defaults={"authority": authority, "title": title, "name": name},
        )
        created += new
    out(f"Sổ đăng ký văn bản: {created} người ký tạo mới.")
