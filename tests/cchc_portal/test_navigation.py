"""The menu (cchc_portal/context_processors.py): each app's entries, for the roles they are
for, under one drop-down per label; the admin pages of several apps together, last."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from cchc_portal.context_processors import navigation

pytestmark = pytest.mark.django_db


def menu(user) -> list[tuple[str, list[str]]]:
    request = RequestFactory().get("/")
    request.user = user
    return [
        (str(g["label"]), [str(i["label"]) for i in g["items"]])
        for g in navigation(request)["nav_groups"]
    ]


def test_a_provincial_admin_sees_one_admin_menu_last(personas):
    groups = menu(personas.admin)
    assert [label for label, _items in groups] == [
        "Đơn vị",
        "Thủ tục và hồ sơ",
        "Chỉ số CCHC",
        "Kiểm tra",
        "Quản trị",
    ]
    admin = dict(groups)["Quản trị"]
    assert {"Thư gửi đi", "Sổ đăng ký văn bản", "Nhật ký hệ thống", "Tạm khóa đăng nhập"} <= set(
        admin
    )
    assert "Điều tra xã hội học" in dict(groups)["Chỉ số CCHC"]


def test_unit_staff_see_neither_the_admin_menu_nor_the_survey(personas):
    groups = dict(menu(personas.cumgar_staff))
    assert "Quản trị" not in groups
    assert "Điều tra xã hội học" not in groups.get("Chỉ số CCHC", [])


def test_anonymous_visitors_get_no_menu(db):
    from django.contrib.auth.models import AnonymousUser

    assert menu(AnonymousUser()) == []
