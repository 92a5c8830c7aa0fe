"""Score and survey-answer imports: all rows or none, with the semantics of docs/formats.md.

A cell means exactly one thing: empty leaves the stored value, the clear marker (`-`, `xoa`)
empties it, a number (at most 4 decimals) replaces it. Values are stored unrounded at 4
decimals; the index rounds once, at the end (scoring.index). A value equal to the stored one
writes nothing, so a re-import adds no history. Every write names its author.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.choices import Action
from audit.services import record as audit_record
from cchc_portal.tabular import TabularFileError, detect_format, iter_table
from scoring import index
from scoring.choices import Component, ScoreField
from scoring.models import Assessment, CriteriaSet, Criterion, CriterionScore
from scoring.services import (
    BONUS_ABOVE_CAP,
    PENALTY_ABOVE_CAP,
    POINT_DECIMALS,
    TOO_MANY_DECIMALS,
    ScoringError,
    ScoringImportError,
    _check_points,
    _history_by,
    _row_dict,
    _text,
    assessment_ensure,
    assessment_ensure_writable,
    set_units,
)
from units.models import AdministrativeUnit, User
from units.resolver import UnitCodeError, year_end

SCORE_COLUMNS = {
    "tu_danh_gia": ScoreField.SELF,
    "tham_dinh_vong_1": ScoreField.ROUND1,
    "tham_dinh_vong_2": ScoreField.ROUND2,
    "dieu_tra": ScoreField.SURVEY,
}
BONUS_COLUMNS = {"diem_thuong": "bonus_points", "diem_tru": "penalty_points"}
# An explicit "clear this cell": an empty cell must not erase (it is what a partial sheet has).
CLEAR_MARKERS = {"-", "xoa", "xóa"}
DECIMALS = POINT_DECIMALS
QUANTUM = Decimal(1).scaleb(-DECIMALS)
# States whose points are final: an import must not move them (the workflow's own guard will
# replace this check when it lands; the message stays per row).

# TOO_MANY_DECIMALS (imported): the score sheet refuses with the same message.
NOT_A_NUMBER = gettext_lazy("“%(value)s” không phải là số (ô trống để giữ, “-” để xóa).")
FORMULA_WITHOUT_VALUE = gettext_lazy(
    "ô chứa công thức chưa có giá trị đã tính; mở tệp bằng Excel, lưu lại rồi tải lên."
)
DUPLICATE_ROW = gettext_lazy("trùng đơn vị %(unit)s, tiêu chí %(code)s với dòng %(first)s.")
DUPLICATE_BONUS_ROW = gettext_lazy(
    "trùng dòng điểm thưởng / trừ của đơn vị %(unit)s với dòng %(first)s."
)
BONUS_ON_CRITERION_ROW = gettext_lazy("điểm thưởng / trừ chỉ ghi trên dòng không có mã tiêu chí.")
SCORE_ON_BONUS_ROW = gettext_lazy("dòng không có mã tiêu chí chỉ ghi điểm thưởng / trừ.")
NOT_A_LEAF = gettext_lazy("“%(v)s” không phải là tiêu chí lá của bộ chỉ số.")
NOT_FOR_CRITERION = gettext_lazy("cột này không áp dụng cho tiêu chí.")
NOT_A_SURVEY_CRITERION = gettext_lazy("“%(v)s” không phải tiêu chí điều tra.")
ANSWER_OUT_OF_SCALE = gettext_lazy("câu trả lời phải là số từ %(a)s đến %(b)s.")


@dataclass(frozen=True)
class Change:
    """One stored value an import replaces (for the preview page and the command's summary)."""

    unit: AdministrativeUnit
    criterion_code: str  # '' for the unit's bonus / penalty
    field: str
    old: Decimal | None
    new: Decimal | None


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, dry run, would do): rows read, values changed, rows unchanged."""

    rows: int
    changed: int
    unchanged_rows: int
    changes: list[Change] = dc_field(default_factory=list)


class _Clear:
    """The marker's value: distinct from None (an empty cell, which keeps the stored value)."""


CLEAR = _Clear()


def _where(number: int, column: str = "") -> str:
    if column:
        return _("Dòng %(n)s, cột %(col)s") % {"n": number, "col": column}
    return _("Dòng %(n)s") % {"n": number}


def cell_points(raw: Any) -> Decimal | _Clear | None:
    """An imported cell: None (keep), CLEAR (empty it) or its points; ScoringError otherwise.

    More than 4 decimals are refused rather than rounded: a silently rounded cell would move
    the index away from rounding once at the end."""
    text = _text(raw)
    if text == "":
        return None
    if text.lower() in CLEAR_MARKERS:
        return CLEAR
    try:
        value = index.to_decimal(text)
    except (InvalidOperation, ValueError):
        raise ScoringError(NOT_A_NUMBER % {"value": text}) from None
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -DECIMALS:
        raise ScoringError(TOO_MANY_DECIMALS % {"value": text, "n": DECIMALS})
    return value


def formula_cells_without_value(path: Path) -> set[tuple[int, str]]:
    """(row number, column) of XLSX formula cells that carry no cached result.

    The reader sees such a cell as empty, which would mean "keep": the file was written by a
    program that does not calculate, so its figures are unknown and the cell is refused."""
    if detect_format(path) != "xlsx":
        return set()
    from openpyxl import load_workbook

    found: set[tuple[int, str]] = set()
    with open(path, "rb") as handle_f, open(path, "rb") as handle_v:
        formulas = load_workbook(handle_f, read_only=True, data_only=False)
        values = load_workbook(handle_v, read_only=True, data_only=True)
        try:
            rows_f = formulas.worksheets[0].iter_rows(values_only=True)
            rows_v = values.worksheets[0].iter_rows(values_only=True)
            header = [str(v).strip().lower() if v is not None else "" for v in next(rows_f, ())]
            next(rows_v, ())
            for number, (row_f, row_v) in enumerate(zip(rows_f, rows_v, strict=False), start=2):
                for i, cell in enumerate(row_f):
                    cached = row_v[i] if i < len(row_v) else None
                    if isinstance(cell, str) and cell.startswith("=") and cached is None:
                        found.add((number, header[i] if i < len(header) else str(i + 1)))
        finally:
            formulas.close()
            values.close()
    return found


def _frozen_error(assessment: Assessment | None, unit: AdministrativeUnit) -> str:
    """The row's error when its assessment takes no more writes: the one guard every write path
    uses (scoring.services.assessment_ensure_writable), as a row message instead of a raise."""
    if assessment is None:
        return ""
    try:
        assessment_ensure_writable(assessment, what=_("điểm nhập từ tệp"))
    except ScoringError as exc:
        return " ".join(exc.messages)
    return ""


@transaction.atomic
def scores_import(
    *, path: Path, criteria_set: CriteriaSet, by: User, dry_run: bool = False
) -> ImportResult:
    """Scores from a council's spreadsheet; all rows or none (ScoringImportError lists every
    refused row with its column). Rows with a criterion code carry scores; the row without one
    carries the unit's bonus / penalty. Unchanged values are not written. `dry_run` checks and
    reports the changes, then rolls everything back (the upload page's preview)."""
    try:
        header, rows = iter_table(path)
        formulas = formula_cells_without_value(path)
    except TabularFileError as exc:
        raise ScoringImportError([str(exc)]) from None
    if "ma_don_vi" not in header or "ma_tieu_chi" not in header:
        raise ScoringImportError([_("Thiếu cột: ma_don_vi, ma_tieu_chi.")])
    criteria = {c.code: c for c in Criterion.objects.filter(criteria_set=criteria_set)}
    assessments = {a.unit_id: a for a in Assessment.objects.filter(criteria_set=criteria_set)}
    units = set_units(criteria_set)
    day = year_end(criteria_set.year)
    errors: list[str] = []
    seen: dict[tuple[int, str], int] = {}
    writes: list[tuple[AdministrativeUnit, Criterion | None, dict[str, Decimal | None]]] = []
    count = 0
    try:
        for number, values in rows:
            count += 1
            row = _row_dict(header, values)
            unit_code = _text(row.get("ma_don_vi"))
            code = _text(row.get("ma_tieu_chi")).rstrip(".")
            try:
                unit = units.resolve(unit_code, on=day)
            except UnitCodeError as exc:
                errors.append(f"{_where(number, 'ma_don_vi')}: {exc.message}")
                continue
            frozen = _frozen_error(assessments.get(unit.pk), unit)
            if frozen:
                errors.append(f"{_where(number, 'ma_don_vi')}: {frozen}")
                continue
            first = seen.setdefault((unit.pk, code), number)
            if first != number:
                message = (
                    DUPLICATE_ROW % {"unit": unit_code, "code": code, "first": first}
                    if code
                    else DUPLICATE_BONUS_ROW % {"unit": unit_code, "first": first}
                )
                errors.append(f"{_where(number, 'ma_tieu_chi')}: {message}")
            cells: dict[str, Any] = {}
            for column in (*SCORE_COLUMNS, *BONUS_COLUMNS):
                if column not in header:
                    continue
                if (number, column) in formulas:
                    errors.append(f"{_where(number, column)}: {FORMULA_WITHOUT_VALUE}")
                    continue
                try:
                    value = cell_points(row.get(column))
                except ScoringError as exc:
                    errors.append(f"{_where(number, column)}: {exc.message}")
                    continue
                if value is not None:
                    cells[column] = value
            if not code:
                data = _bonus_data(number, cells, criteria_set, errors)
                writes.append((unit, None, data))
                continue
            criterion = criteria.get(code)
            if criterion is None or not criterion.is_leaf:
                message = NOT_A_LEAF % {"v": code}
                errors.append(f"{_where(number, 'ma_tieu_chi')}: {message}")
                continue
            data = {}
            for column, value in cells.items():
                where = f"{_where(number, column)} ({code})"
                if column in BONUS_COLUMNS:
                    errors.append(f"{where}: {BONUS_ON_CRITERION_ROW}")
                    continue
                field = SCORE_COLUMNS[column]
                points = None if value is CLEAR else value
                try:
                    if points is not None:
                        wrong = (field == ScoreField.SURVEY) != (
                            criterion.component == Component.SURVEY
                        )
                        if wrong:
                            raise ScoringError(NOT_FOR_CRITERION)
                        _check_points(criterion, field, points)
                except ScoringError as exc:
                    errors.append(f"{where}: {exc.message}")
                    continue
                data[field] = points
            writes.append((unit, criterion, data))
    except TabularFileError as exc:
        errors.append(str(exc))
    if errors:
        raise ScoringImportError(errors)
    return _apply(criteria_set, writes, by=by, rows=count, dry_run=dry_run)


def _bonus_data(
    number: int, cells: dict[str, Any], criteria_set: CriteriaSet, errors: list[str]
) -> dict[str, Decimal | None]:
    data: dict[str, Decimal | None] = {}
    caps = {"bonus_points": criteria_set.bonus_cap, "penalty_points": criteria_set.penalty_cap}
    for column, value in cells.items():
        if column in SCORE_COLUMNS:
            errors.append(f"{_where(number, column)}: {SCORE_ON_BONUS_ROW}")
            continue
        field = BONUS_COLUMNS[column]
        points = index.ZERO if value is CLEAR else value
        if points < 0:
            errors.append(f"{_where(number, column)}: " + str(_("Điểm không được âm.")))
        elif points > caps[field]:
            message = BONUS_ABOVE_CAP if field == "bonus_points" else PENALTY_ABOVE_CAP
            errors.append(f"{_where(number, column)}: " + message % {"cap": caps[field]})
        else:
            data[field] = points
    return data


def _apply(
    criteria_set: CriteriaSet,
    writes: list[tuple[AdministrativeUnit, Criterion | None, dict[str, Decimal | None]]],
    *,
    by: User,
    rows: int,
    dry_run: bool,
    reason: str = "",
) -> ImportResult:
    assessments: dict[int, Assessment] = {}
    for unit in {unit.pk: unit for unit, _c, _d in writes}.values():
        assessments[unit.pk] = assessment_ensure(criteria_set=criteria_set, unit=unit)
    scores = {
        (s.assessment_id, s.criterion_id): s
        for s in CriterionScore.objects.filter(assessment__criteria_set=criteria_set)
    }
    changed = unchanged = 0
    changes: list[Change] = []
    for unit, criterion, data in writes:
        assessment = assessments[unit.pk]
        target: Assessment | CriterionScore = (
            assessment if criterion is None else scores[(assessment.pk, criterion.pk)]
        )
        # Decimal equality ignores trailing zeros: 5 and 5,0000 are the same stored value.
        diff = {name: v for name, v in data.items() if getattr(target, name) != v}
        if not diff:
            unchanged += 1
            continue
        for name, value in diff.items():
            old = getattr(target, name)
            changes.append(Change(unit, criterion.code if criterion else "", name, old, value))
            setattr(target, name, value)
        changed += len(diff)
        if isinstance(target, CriterionScore):
            target.version += 1
            target.updated_by = by
        _history_by(target, by)
        if reason:
            target._change_reason = reason  # type: ignore[union-attr]  # simple_history's hook
        target.save()
    if dry_run:
        # Inside the import's own atomic block: only what this import did is undone.
        transaction.set_rollback(True)
    else:
        audit_record(action=Action.IMPORT, actor=by, target=criteria_set, detail=f"{changed} điểm")
    return ImportResult(rows=rows, changed=changed, unchanged_rows=unchanged, changes=changes)


@transaction.atomic
def survey_answers_import(
    *,
    path: Path,
    criteria_set: CriteriaSet,
    by: User,
    scale_min: int = 1,
    scale_max: int = 5,
    dry_run: bool = False,
) -> ImportResult:
    """Survey points computed from raw answers: per unit and criterion the answers (of every
    respondent group) are averaged, normalised on the scale and multiplied by the maximum.

    Points are stored at 4 decimals (half up), never at 2: the index adds them unrounded and
    rounds once at the end. `rows` of the result counts unit × criterion pairs."""
    try:
        header, rows = iter_table(path)
    except TabularFileError as exc:
        raise ScoringImportError([str(exc)]) from None
    needed = ["ma_don_vi", "ma_tieu_chi", "tra_loi"]
    missing = [c for c in needed if c not in header]
    if missing:
        raise ScoringImportError([_("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)}])
    criteria = {
        c.code: c
        for c in Criterion.objects.filter(
            criteria_set=criteria_set, component=Component.SURVEY, is_leaf=True
        )
    }
    assessments = {a.unit_id: a for a in Assessment.objects.filter(criteria_set=criteria_set)}
    units = set_units(criteria_set)
    day = year_end(criteria_set.year)
    answers: dict[tuple[int, str], list[Decimal]] = {}
    errors: list[str] = []
    unit_by_pk: dict[int, AdministrativeUnit] = {}
    try:
        for number, values in rows:
            row = _row_dict(header, values)
            code = _text(row.get("ma_tieu_chi"))
            try:
                unit = units.resolve(_text(row.get("ma_don_vi")), on=day)
            except UnitCodeError as exc:
                errors.append(f"{_where(number, 'ma_don_vi')}: {exc.message}")
                continue
            frozen = _frozen_error(assessments.get(unit.pk), unit)
            if frozen:
                errors.append(f"{_where(number, 'ma_don_vi')}: {frozen}")
                continue
            if code not in criteria:
                message = NOT_A_SURVEY_CRITERION % {"v": code}
                errors.append(f"{_where(number, 'ma_tieu_chi')}: {message}")
                continue
            try:
                answer: Decimal | None = index.to_decimal(_text(row.get("tra_loi")))
            except (InvalidOperation, ValueError):
                answer = None
            if answer is None or not scale_min <= answer <= scale_max:
                message = ANSWER_OUT_OF_SCALE % {"a": scale_min, "b": scale_max}
                errors.append(f"{_where(number, 'tra_loi')}: {message}")
                continue
            unit_by_pk[unit.pk] = unit
            answers.setdefault((unit.pk, code), []).append(answer)
    except TabularFileError as exc:
        errors.append(str(exc))
    if errors:
        raise ScoringImportError(errors)
    by_unit = {(unit_by_pk[unit_pk], code): values for (unit_pk, code), values in answers.items()}
    return survey_points_apply(
        criteria_set=criteria_set,
        answers=by_unit,
        criteria=criteria,
        scale_min=scale_min,
        scale_max=scale_max,
        by=by,
        dry_run=dry_run,
    )


def survey_points_apply(
    *,
    criteria_set: CriteriaSet,
    answers: dict[tuple[AdministrativeUnit, str], list[Decimal]],
    criteria: dict[str, Criterion],
    scale_min: int,
    scale_max: int,
    by: User,
    dry_run: bool = False,
    reason: str = "",
) -> ImportResult:
    """Write the survey points of each (unit, survey criterion code) computed from its answers:
    the one rule both the answers import and the closing of an online survey (surveys) use, so
    the two paths cannot give different points. The caller has checked the answers (scale,
    codes, writable assessments); `reason` goes into the history ("từ khảo sát trực tuyến")."""
    writes: list[tuple[AdministrativeUnit, Criterion | None, dict[str, Decimal | None]]] = []
    for (unit, code), values in answers.items():
        criterion = criteria[code]
        points = index.survey_points(
            values, scale_min=scale_min, scale_max=scale_max, max_points=criterion.max_points
        ).quantize(QUANTUM, rounding=ROUND_HALF_UP)
        writes.append((unit, criterion, {ScoreField.SURVEY: points}))
    return _apply(criteria_set, writes, by=by, rows=len(answers), dry_run=dry_run, reason=reason)
