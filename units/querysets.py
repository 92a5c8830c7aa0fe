"""Query shaping for units, and the one scoping rule every app builds on.

Who sees what (docs/architecture.md, access model), written once: anonymous users and users
without a unit see nothing, superusers everything, everyone else the subtrees of their scope unit
(the province for provincial roles, their own unit for staff) and of the units it was formed from
(`AdministrativeUnit.scope_paths`). Every app's `visible_to` is `scope_q` applied to the field
that leads to a unit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from units.models import AdministrativeUnit, User

    # Whoever asks: `request.user` of any view, signed in or not (anonymous users see nothing).
    AnyUser: TypeAlias = User | AnonymousUser

_QS = TypeVar("_QS", bound="models.QuerySet[Any]")


def _scope_paths(user: Any) -> list[str] | None:
    """Materialised paths the user sees below; [] for everything, None for nothing."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return []
    scope = user.scope_unit
    return None if scope is None else scope.scope_paths


def _paths_q(paths: list[str], lookup: str) -> Q:
    q = Q()
    for path in paths:
        q |= Q(**{lookup: path})
    return q


def scope_q(user: Any, *, via: str = "") -> Q | None:
    """The filter for rows whose unit (reached through `via`, e.g. "unit") the user sees.

    None means "nothing" (callers answer `.none()`); an empty Q means "everything".
    """
    paths = _scope_paths(user)
    if paths is None:
        return None
    return _paths_q(paths, f"{via}__path__startswith" if via else "path__startswith")


def path_visible(user: Any, path: str) -> bool:
    """Whether the user sees a unit with this materialised path: `scope_q`'s rule for one unit
    already in memory (no query)."""
    paths = _scope_paths(user)
    if paths is None:
        return False
    return not paths or any(path.startswith(p) for p in paths)


def province_scope_q(user: Any, *, via: str = "province") -> Q | None:
    """The filter for rows of the user's province(s): the province of each scope path.

    Unit staff read the rules and the published rankings of their province; after a merger the
    province they answer for includes the old provinces their unit's predecessors belonged to.
    None means "nothing", an empty Q "everything" (beware: `Q(x) | Q()` is `Q(x)`, so callers
    OR-ing it with something else test for the empty Q first).
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Q()
    unit = getattr(user, "unit", None)
    if unit is None or not unit.path or (user.is_provincial and user.scope_unit is None):
        return None
    # A province is a root: its path is "/<pk>/", so the first segment of a path is its
    # province's primary key and the filter needs no join.
    roots = dict.fromkeys(int(p.strip("/").split("/")[0]) for p in unit.scope_paths)
    return Q(**{f"{via}__in": list(roots)})


def visible(qs: _QS, user: Any, *, via: str = "") -> _QS:
    """`qs` narrowed to what the user sees through `via` (the one rule, applied)."""
    q = scope_q(user, via=via)
    return qs.none() if q is None else qs.filter(q)


class AdministrativeUnitQuerySet(models.QuerySet["AdministrativeUnit"]):
    def visible_to(self, user: AnyUser) -> AdministrativeUnitQuerySet:
        """Units a user may see: provincial roles the whole province, staff their own subtree.

        Anonymous users and users without a unit see nothing. Superusers see everything.
        """
        return visible(self, user)

    def subtree_of(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """The unit and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def answered_for_by(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """The unit's subtree and the subtrees of the units it was formed from."""
        return self.filter(_paths_q(unit.scope_paths, "path__startswith"))

    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        """Units that existed on a day (the tree changed on 1 July 2025)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )
