"""Access helpers every app uses: one door per object, role checks on views.

The scoping rule itself lives in each app's `visible_to(user)` queryset method; these helpers
only apply it, so no view fetches an object without it (docs/conventions.md, "One door per object").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], user: Any, **lookup: Any) -> M:
    """The object matching `lookup` among those the user may see, else 404.

    An object outside the user's scope is indistinguishable from one that does not exist, so
    ids of other units' objects leak nothing.
    """
    obj = queryset.visible_to(user).filter(**lookup).first()  # type: ignore[attr-defined]
    if obj is None:
        raise Http404
    return obj


def require(allowed: bool) -> None:
    """Raise 403 unless `allowed`: the object is visible but this action is not the user's."""
    if not allowed:
        raise PermissionDenied


def user_passes(attribute: str) -> Callable:
    """View decorator: 403 unless `request.user.<attribute>` is true (e.g. "is_provincial")."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
            if not getattr(request.user, attribute, False):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
