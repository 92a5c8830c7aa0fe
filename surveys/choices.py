from django.db import models
from django.utils.translation import gettext_lazy as _


class RespondentGroup(models.TextChoices):
    """The five groups the sociological survey asks (nhóm đối tượng khảo sát)."""

    DEPUTIES = "dai_bieu_hdnd", _("Đại biểu HĐND")
    AGENCY_LEADERS = "lanh_dao_co_quan", _("Lãnh đạo cơ quan, đơn vị")
    COMMUNE_LEADERS = "lanh_dao_xa", _("Lãnh đạo cấp xã")
    CITIZENS = "nguoi_dan", _("Người dân")
    BUSINESSES = "doanh_nghiep", _("Doanh nghiệp")


class SurveyState(models.TextChoices):
    OPEN = "open", _("Đang khảo sát")
    CLOSED = "closed", _("Đã đóng")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    PAPER = "paper", _("Phiếu giấy")
