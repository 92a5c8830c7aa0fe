"""Optimistic locking for forms that edit a whole record (plans, teams, inspections).

The score sheet's rule, for records edited through a form: the form carries the `version` the
user loaded; a save whose version is no longer the stored one is refused, nothing is written,
and the message names who saved in between and shows, for every field the two disagree on, the
value stored now and the one the user typed. The form then carries the current version, so
saving again is a deliberate overwrite made after seeing both values.

A record taking part has an integer `version` (and may have an `updated_by`); the service locks
the row (`select_for_update`), calls `ensure_current` and then `bump`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STALE_EDIT = gettext_lazy(
    "%(what)s vừa được %(who)s lưu sau khi bạn mở trang này; thay đổi của bạn chưa được lưu. "
    "Hãy xem hai giá trị dưới đây rồi lưu lại nếu vẫn muốn ghi đè."
)
STALE_FIELD = gettext_lazy("%(label)s — hiện tại: “%(current)s”; bạn nhập: “%(yours)s”.")


def show(value: Any) -> str:
    """A value as the messages quote it: dates dd/mm/yyyy, lists one item per "; "."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return "; ".join(show(v) for v in value) or "—"
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    label: str
    current: str
    yours: str


class StaleEdit(ValidationError):
    """Refused: the record moved on since the user loaded it. `version` is the stored one."""

    def __init__(self, *, what: str, who: str, changes: list[FieldChange], version: int) -> None:
        lines = [str(STALE_EDIT % {"what": what, "who": who})]
        lines += [
            str(STALE_FIELD % {"label": c.label, "current": c.current, "yours": c.yours})
            for c in changes
        ]
        super().__init__(lines)
        self.changes = changes
        self.version = version


def ensure_current(
    obj: models.Model,
    *,
    version: int | None,
    what: str,
    current: Mapping[str, Any],
    yours: Mapping[str, Any],
    labels: Mapping[str, Any],
) -> None:
    """Refuse (StaleEdit) when `obj` moved on from `version`; `current` and `yours` map field
    names to comparable values (model instances, dates, lists of strings).

    `version=None` means the caller edits without a form (a command, the demo): no check.
    """
    stored = int(getattr(obj, "version"))  # noqa: B009 - every versioned model has it
    if version is None or version == stored:
        return
    editor = getattr(obj, "updated_by", None)
    who = (editor.get_full_name() or editor.username) if editor is not None else _("người khác")
    changes = [
        FieldChange(label=str(labels[name]), current=show(current[name]), yours=show(yours[name]))
        for name in labels
        if name in current and show(current[name]) != show(yours.get(name))
    ]
    raise StaleEdit(what=what, who=who, changes=changes, version=stored)


def bump(obj: models.Model, *, by: Any = None) -> None:
    """The next version (before `save()`; a new record keeps its first), and who saved it
    when the model records that."""
    if obj.pk is not None:
        obj.version = int(getattr(obj, "version")) + 1  # type: ignore[attr-defined]  # noqa: B009
    if by is not None and hasattr(obj, "updated_by_id"):
        obj.updated_by = by  # type: ignore[attr-defined]


def lines(items: Iterable[str]) -> list[str]:
    """Normalised text lines for comparing list fields (contents, members, targets)."""
    return [item.strip() for item in items if item.strip()]
