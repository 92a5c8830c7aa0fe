import datetime as dt

import pytest

from procedures.choices import DossierStatus
from procedures.models import Dossier
from tests.procedures.factories import at

DUE = at(2024, 1, 15, 17)


@pytest.mark.parametrize(
    ("finished", "status", "expected"),
    [
        (DUE, DossierStatus.FINISHED, "on_time"),
        (DUE + dt.timedelta(seconds=1), DossierStatus.FINISHED, "late"),
        (DUE - dt.timedelta(days=2), DossierStatus.FINISHED, "early"),
        (None, DossierStatus.IN_PROGRESS, "overdue"),
        (None, DossierStatus.WITHDRAWN, "withdrawn"),
        (None, DossierStatus.NOT_ACCEPTED, "not_accepted"),
        (None, DossierStatus.SUPPLEMENT_REQUESTED, "in_progress"),  # the clock is stopped
        (DUE - dt.timedelta(hours=20), DossierStatus.FINISHED, "early"),  # the day before
    ],
)
def test_timeliness_matches_the_statistics_rules(finished, status, expected):
    dossier = Dossier(received_at=at(2024, 1, 10), due_at=DUE, finished_at=finished, status=status)
    assert dossier.timeliness(at=at(2024, 2, 1)) == expected


def test_unfinished_before_due_is_in_progress():
    dossier = Dossier(received_at=at(2024, 1, 10), due_at=DUE, status=DossierStatus.IN_PROGRESS)
    assert dossier.timeliness(at=at(2024, 1, 12)) == "in_progress"
