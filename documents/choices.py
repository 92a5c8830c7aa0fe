from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """Kinds of administrative documents and their abbreviations (Decree 30/2020/NĐ-CP,
    Appendix III): the abbreviation is the middle of a number such as "12/TB-SNV"."""

    DECISION = "QĐ", _("Quyết định")
    NOTICE = "TB", _("Thông báo")
    PLAN = "KH", _("Kế hoạch")
    REPORT = "BC", _("Báo cáo")
    MINUTES = "BB", _("Biên bản")
