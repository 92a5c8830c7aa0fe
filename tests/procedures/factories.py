"""Factories for procedures and dossiers."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from procedures.choices import Channel, DossierStatus
from procedures.models import Dossier, Procedure, ProcedureField
from units.choices import Level

TZ = timezone.get_default_timezone()


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0):
    """An aware datetime in the portal's time zone."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=TZ)


class ProcedureFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureField
        django_get_or_create = ("code",)

    code = "TP"
    name = "Tư pháp"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    # "9.": no real TTHC code starts so, so a generated code never meets one a test spells out
    # ("1.000894" once collided when the sequence reached 894).
    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục {n}")
    field = factory.SubFactory(ProcedureFieldFactory)
    level = Level.DISTRICT
    processing_days = 5


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier received 10/01/2024 09:00, due five days later, finished early and returned."""

    class Meta:
        model = Dossier

    code = factory.Sequence(lambda n: f"T-{n:07d}")
    procedure = factory.SubFactory(ProcedureFactory)
    channel = Channel.IN_PERSON
    received_at = at(2024, 1, 10)
    due_at = at(2024, 1, 15, 17)
    finished_at = at(2024, 1, 12)
    returned_at = None
    status = DossierStatus.FINISHED
