"""The document register page: numbers the portal gave, for the province's admins."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cchc_portal.permissions import user_passes
from documents.filters import RegisterFilter
from documents.selectors import register_entries
from documents.tables import RegisterTable


@method_decorator(user_passes("is_provincial_admin"), name="dispatch")
class RegisterListView(SingleTableMixin, FilterView):
    table_class = RegisterTable
    filterset_class = RegisterFilter
    template_name = "list_page.html"
    paginate_by = 50
    extra_context = {"title": gettext_lazy("Sổ đăng ký văn bản")}

    def get_queryset(self):
        return register_entries(self.request.user)
