import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Tier of an administrative unit (cấp đơn vị hành chính)."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    # Provincial departments and agencies (sở, ban, ngành): assessed and inspected like the
    # communes, but created by the province, not by the statistics office's tree.
    DEPARTMENT = "department", _("Sở, ban, ngành")


# The levels a criteria set, an assessment or a ranking can be for (a province is not assessed).
ASSESSED_LEVELS = (Level.DISTRICT, Level.COMMUNE, Level.DEPARTMENT)


class LineageKind(models.TextChoices):
    """How a unit was formed from another one (sắp xếp đơn vị hành chính)."""

    MERGE = "merge", _("Nhập")  # the whole predecessor went into the successor
    SPLIT = "split", _("Chia")  # part of the predecessor went into the successor


# Official codes have a fixed width per level (GSO): 12, 112, 24280. Padding them makes a code
# unique across levels ("12" Lai Châu vs "012" Quận Long Biên).
CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
# The day the two-tier local government began (Resolution 202/2025/QH15): districts stopped
# operating and most provinces and communes were merged.
TWO_TIER_FROM = dt.date(2025, 7, 1)


class Role(models.TextChoices):
    """What a user may do (docs/architecture.md, access model)."""

    PROVINCIAL_ADMIN = "provincial_admin", _("Quản trị cấp tỉnh")
    PROVINCIAL_INSPECTOR = "provincial_inspector", _("Cán bộ kiểm tra cấp tỉnh")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")


PROVINCIAL_ROLES = frozenset({Role.PROVINCIAL_ADMIN, Role.PROVINCIAL_INSPECTOR})
