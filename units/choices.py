from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Tier of an administrative unit (cấp đơn vị hành chính)."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


# Official codes have a fixed width per level (GSO): 12, 112, 24280. Padding them makes a code
# unique across levels ("12" Lai Châu vs "012" Quận Long Biên).
CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


class Role(models.TextChoices):
    """What a user may do (ARCHITECTURE.md, access model)."""

    PROVINCIAL_ADMIN = "provincial_admin", _("Quản trị cấp tỉnh")
    PROVINCIAL_INSPECTOR = "provincial_inspector", _("Cán bộ kiểm tra cấp tỉnh")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")


PROVINCIAL_ROLES = frozenset({Role.PROVINCIAL_ADMIN, Role.PROVINCIAL_INSPECTOR})
