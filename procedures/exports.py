"""Rows of the dossier statistics for tables, CSV and Excel (one definition of the columns)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from procedures.selectors import DossierStats


def stats_headers() -> list[str]:
    return [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Kỳ trước chuyển sang"),
        _("Tiếp nhận"),
        _("Trực tiếp"),
        _("Trực tuyến"),
        _("Bưu chính"),
        _("Giải quyết trước hạn"),
        _("Đúng hạn"),
        _("Quá hạn"),
        _("Đang giải quyết trong hạn"),
        _("Đang giải quyết quá hạn"),
        _("Đã trả kết quả"),
        _("Yêu cầu bổ sung"),
        _("Tỷ lệ đúng hạn (%)"),
        _("Tỷ lệ trực tuyến (%)"),
        _("Tỷ lệ số hóa hồ sơ (%)"),
        _("Tỷ lệ số hóa kết quả (%)"),
        _("Tỷ lệ thanh toán trực tuyến (%)"),
    ]


def _pct(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(Decimal("0.01"))


def stats_row(code: str, name: str, s: DossierStats) -> list[Any]:
    return [
        code,
        name,
        s.carried_over,
        s.received,
        s.received_in_person,
        s.received_online,
        s.received_postal,
        s.finished_early,
        s.finished_on_time,
        s.finished_late,
        s.in_progress_on_time,
        s.in_progress_overdue,
        s.returned,
        s.supplement_requested,
        _pct(s.on_time_rate),
        _pct(s.online_rate),
        _pct(s.digitised_dossier_rate),
        _pct(s.digitised_result_rate),
        _pct(s.paid_online_rate),
    ]


def stats_rows(
    lines: Iterable[tuple[str, str, DossierStats]], total: DossierStats | None
) -> Iterator[list[Any]]:
    for code, name, s in lines:
        yield stats_row(code, name, s)
    if total is not None:
        yield stats_row("", _("Tổng cộng"), total)
