from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cchc_portal.http import AuthedHttpRequest
from cchc_portal.permissions import get_visible_or_404, require
from units import selectors
from units.agencies import department_save
from units.choices import Level
from units.filters import VALIDITY_CHOICES, AdministrativeUnitFilter, DepartmentFilter, by_validity
from units.forms import DepartmentForm
from units.models import AdministrativeUnit
from units.tables import AdministrativeUnitTable, DepartmentTable

LEVEL_ORDER = Case(
    *(When(level=level, then=Value(i)) for i, level in enumerate(Level)),
    output_field=IntegerField(),
)


class UnitListView(SingleTableMixin, FilterView):
    """Units the user may see (valid today unless the filter asks for expired or all)."""

    table_class = AdministrativeUnitTable
    filterset_class = AdministrativeUnitFilter
    template_name = "units/unit_list.html"
    paginate_by = 50
    extra_context = {"title": _("Đơn vị hành chính")}

    def get_queryset(self):
        # Province first, then its units by official code (the tree's primary keys say nothing
        # to a reader); a column header click re-sorts.
        return (
            AdministrativeUnit.objects.visible_to(self.request.user)
            .select_related("parent")
            .order_by(LEVEL_ORDER, "code")
        )


def unit_tree(request: AuthedHttpRequest) -> HttpResponse:
    """The units the user sees as a tree by level: province → communes and departments; the
    old districts under the old province (with the "expired" or "all" filter)."""
    validity = request.GET.get("validity") or "current"
    if validity not in dict(VALIDITY_CHOICES):
        validity = "current"
    units = by_validity(AdministrativeUnit.objects.visible_to(request.user), validity)
    return render(
        request,
        "units/unit_tree.html",
        {
            "title": gettext("Cây đơn vị hành chính"),
            "roots": selectors.unit_tree(units),
            "validity": validity,
            "validity_choices": VALIDITY_CHOICES,
        },
    )


def _code_notes(unit: AdministrativeUnit, holders: list[AdministrativeUnit]) -> list[dict]:
    """ "Mã 24280 trước 01/07/2025 là của: Xã Ea KPam": the other holders of the unit's code."""
    notes = []
    for other in holders:
        if other.pk == unit.pk:
            continue
        if other.valid_until and unit.valid_from and other.valid_until < unit.valid_from:
            text = gettext("Mã %(code)s trước %(day)s là của:") % {
                "code": unit.code,
                "day": f"{unit.valid_from:%d/%m/%Y}",
            }
        elif other.valid_from and unit.valid_until and other.valid_from > unit.valid_until:
            text = gettext("Mã %(code)s từ %(day)s là của:") % {
                "code": unit.code,
                "day": f"{other.valid_from:%d/%m/%Y}",
            }
        else:
            text = gettext("Mã %(code)s cũng là của:") % {"code": unit.code}
        notes.append({"text": text, "unit": other})
    return notes


def unit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One unit: code, level, validity, parent, children, lineage and the code's other holders.
    Everything through visible_to: a unit outside the scope is a 404, and so are links to it."""
    user = request.user
    unit = get_visible_or_404(AdministrativeUnit.objects.select_related("parent"), user, pk=pk)
    scope = AdministrativeUnit.objects.visible_to(user)
    parent_visible = unit.parent_id is not None and scope.filter(pk=unit.parent_id).exists()
    # The unit with its children, grouped by level (communes, departments, old districts).
    family = selectors.unit_tree(scope.filter(Q(pk=unit.pk) | Q(parent=unit)))
    return render(
        request,
        "units/unit_detail.html",
        {
            "title": unit.name,
            "unit": unit,
            "parent": unit.parent if parent_visible else None,
            "groups": family[0].groups if family else [],
            "predecessors": selectors.predecessors_of(unit, scope=scope),
            "successors": selectors.successors_of(unit, scope=scope),
            "code_notes": _code_notes(unit, selectors.holders_of_code(unit.code, scope)),
        },
    )


def _departments(request: AuthedHttpRequest):
    return AdministrativeUnit.objects.visible_to(request.user).filter(level=Level.DEPARTMENT)


class DepartmentListView(SingleTableMixin, FilterView):
    """The province's departments and agencies (sở, ban, ngành): admins and inspectors."""

    table_class = DepartmentTable
    filterset_class = DepartmentFilter
    template_name = "units/department_list.html"
    paginate_by = 50
    extra_context = {"title": _("Sở, ban, ngành")}

    def dispatch(self, request, *args, **kwargs):
        require(request.user.is_provincial)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return _departments(self.request).order_by("code", "valid_from")

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if not self.request.user.is_provincial_admin:
            table.columns.hide("edit")
        return table


def _province_of_admin(request: AuthedHttpRequest) -> AdministrativeUnit:
    scope = request.user.scope_unit
    if not (
        request.user.is_provincial_admin and scope is not None and scope.level == Level.PROVINCE
    ):
        raise PermissionDenied
    return scope


def _department_form(
    request: AuthedHttpRequest, department: AdministrativeUnit | None
) -> HttpResponse:
    province = _province_of_admin(request)
    if department is not None and department.parent is not None:
        province = department.parent
    initial = DepartmentForm.initial_for(department) if department else {}
    form = DepartmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = department_save(province=province, department=department, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("units:unit_detail", pk=unit.pk)
    title = gettext("Sửa cơ quan") if department else gettext("Thêm sở, ban, ngành")
    return render(
        request,
        "units/department_form.html",
        {"title": title, "form": form, "province": province, "department": department},
    )


def department_create(request: AuthedHttpRequest) -> HttpResponse:
    """Provincial admins add a department or agency to their province."""
    return _department_form(request, None)


def department_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    department = get_visible_or_404(
        AdministrativeUnit.objects.filter(level=Level.DEPARTMENT).select_related("parent"),
        request.user,
        pk=pk,
    )
    return _department_form(request, department)
