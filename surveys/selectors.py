"""Reads of the online survey for its pages, exports and commands (fixed query counts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from scoring import index
from surveys.choices import Channel, RespondentGroup
from surveys.models import Answer, Questionnaire, Quota, Response, Survey, Token
from surveys.services import token_digest
from units.models import AdministrativeUnit


def token_lookup(raw: str) -> Token | None:
    """The unspent link of a secret, with its survey and unit (one query); None for an unknown
    and for a spent one alike, so a caller cannot tell them apart."""
    if not raw or len(raw) > 64:
        return None
    return (
        Token.objects.select_related("survey", "survey__criteria_set", "unit")
        .filter(digest=token_digest(raw), used_on__isnull=True)
        .first()
    )


def questionnaire_for(survey: Survey, group: str) -> Questionnaire:
    """The group's questionnaire with its questions and scale (three queries)."""
    return survey.questionnaires.filter(group=group).prefetch_related("questions", "options").get()


@dataclass(frozen=True)
class CompletionRow:
    unit: AdministrativeUnit
    group: str
    answered: int
    paper: int
    issued: int
    quota: int

    @property
    def group_label(self) -> str:
        return str(RespondentGroup(self.group).label)

    @property
    def rate(self) -> Decimal | None:
        """Answered / quota as a share (None without a quota)."""
        if not self.quota:
            return None
        return Decimal(self.answered) / Decimal(self.quota)

    @property
    def below_quota(self) -> bool:
        return self.answered < self.quota


def survey_completion(survey: Survey) -> list[CompletionRow]:
    """Per unit and group: answered (of which paper), links issued, quota; four queries."""
    quotas = {(q.unit_id, q.group): q.target for q in Quota.objects.filter(survey=survey)}
    answered: dict[tuple[int, str], tuple[int, int]] = {
        (r["unit_id"], r["group"]): (r["n"], r["paper"])
        for r in Response.objects.filter(survey=survey)
        .values("unit_id", "group")
        .annotate(n=Count("pk"), paper=Count("pk", filter=Q(channel=Channel.PAPER)))
    }
    issued = {
        (r["unit_id"], r["group"]): r["n"]
        for r in Token.objects.filter(survey=survey)
        .values("unit_id", "group")
        .annotate(n=Count("pk"))
    }
    keys = set(quotas) | set(answered) | set(issued)
    units = AdministrativeUnit.objects.in_bulk({u for u, _g in keys})
    order = {g: i for i, g in enumerate(RespondentGroup.values)}
    rows = [
        CompletionRow(
            unit=units[u],
            group=g,
            answered=answered.get((u, g), (0, 0))[0],
            paper=answered.get((u, g), (0, 0))[1],
            issued=issued.get((u, g), 0),
            quota=quotas.get((u, g), 0),
        )
        for u, g in keys
    ]
    return sorted(rows, key=lambda r: (r.unit.code, order.get(r.group, 99)))


def below_quota(survey: Survey) -> list[CompletionRow]:
    return [r for r in survey_completion(survey) if r.below_quota]


ANSWER_HEADERS = ["ma_don_vi", "nhom", "ma_tieu_chi", "tra_loi", "hinh_thuc"]


def anonymised_answers(survey: Survey) -> list[list[Any]]:
    """One row per answer in the columns of `import_scores --survey-answers` (plus the channel),
    sorted by unit, group, criterion and value: nothing ties an answer to its form, its time or
    the other answers of the same respondent. One query."""
    rows = Answer.objects.filter(response__survey=survey).values_list(
        "response__unit__code", "response__group", "question__criterion__code", "value",
        "response__channel",
    )  # fmt: skip
    return sorted([list(r) for r in rows], key=lambda r: (r[0], r[1], r[2], r[3], r[4]))


RESULT_HEADERS = [
    "ma_don_vi", "ten_don_vi", "nhom", "ma_tieu_chi", "so_tra_loi", "trung_binh", "ty_le_diem",
]  # fmt: skip


def results(survey: Survey) -> list[list[Any]]:
    """Per unit, group and criterion: answers, their mean on the scale and the share of the
    criterion's points it gives (4 decimals). Two queries."""
    scale = survey.questionnaires.values_list("scale_min", "scale_max").first() or (1, 5)
    rows = Answer.objects.filter(response__survey=survey).values_list(
        "response__unit__code",
        "response__unit__name",
        "response__group",
        "question__criterion__code",
        "value",
    )
    groups: dict[tuple[str, str, str, str], list[Decimal]] = {}
    for code, name, group, criterion, value in rows:
        groups.setdefault((code, name, group, criterion), []).append(Decimal(value))
    quantum = Decimal("0.0001")
    out = []
    for (code, name, group, criterion), values in sorted(groups.items()):
        mean = sum(values, Decimal(0)) / len(values)
        share = index.survey_points(
            values, scale_min=scale[0], scale_max=scale[1], max_points=Decimal(1)
        )
        out.append([
            code, name, str(RespondentGroup(group).label), criterion, len(values),
            mean.quantize(quantum, rounding=ROUND_HALF_UP),
            share.quantize(quantum, rounding=ROUND_HALF_UP),
        ])  # fmt: skip
    return out
