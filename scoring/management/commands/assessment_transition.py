"""manage.py assessment_transition: the bulk transitions of the set page, from the shell."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from scoring import services, workflow
from scoring.models import CriteriaSet
from units.models import AdministrativeUnit, User
from units.resolver import UnitCodeError, year_end


class Command(BaseCommand):
    help = (
        "Chuyển trạng thái bản đánh giá của một bộ chỉ số cho các đơn vị (--unit) hoặc tất cả "
        "(--all), với cùng điều kiện như trên trang; thoát mã khác 0 và nêu mọi đơn vị bị từ chối."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=workflow.ACTIONS)
        parser.add_argument("--set", required=True, type=int, dest="set_id")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", nargs="+", dest="units", metavar="CODE")
        which.add_argument("--all", action="store_true")
        parser.add_argument("--by", required=True, metavar="USERNAME")
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if by is None:
            raise CommandError(f"Không có người dùng {options['by']}.")
        criteria_set = (
            CriteriaSet.objects.visible_to(by)
            .select_related("province")
            .filter(pk=options["set_id"])
            .first()
        )
        if criteria_set is None:
            raise CommandError(f"Không có bộ chỉ số #{options['set_id']}.")
        units: list[AdministrativeUnit] | None = None
        if options["units"]:
            units = self._units(criteria_set, options["units"])
        try:
            outcomes = workflow.run(
                criteria_set=criteria_set,
                action=options["action"],
                by=by,
                units=units,
                reason=options["reason"],
            )
        except PermissionDenied:
            raise CommandError(f"{by.username} không có quyền {options['action']}.") from None
        except services.ScoringError as exc:
            raise CommandError(exc.message) from None
        refused = [o for o in outcomes if o.status == workflow.REFUSED]
        for o in outcomes:
            if o.status != workflow.REFUSED:
                self.stdout.write(f"{o.status}\t{o}")
        self.stdout.write(
            f"{sum(o.ok for o in outcomes)}/{len(outcomes)} đơn vị: {options['action']}."
        )
        if refused:
            raise CommandError(
                f"Từ chối {len(refused)} đơn vị:\n" + "\n".join(str(o) for o in refused)
            )

    def _units(self, criteria_set: CriteriaSet, codes: list[str]) -> list[AdministrativeUnit]:
        """Codes as the set's year read them (31/12 of its year), within its province."""
        resolver = services.set_units(criteria_set)
        day = year_end(criteria_set.year)
        ids, errors = [], []
        for code in codes:
            try:
                ids.append(resolver.resolve_id(code, on=day))
            except UnitCodeError as exc:
                errors.append(f"{code}: {exc.message}")
        if errors:
            raise CommandError("\n".join(errors))
        by_pk = AdministrativeUnit.objects.in_bulk(ids)
        return [by_pk[pk] for pk in ids]
