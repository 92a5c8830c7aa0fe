"""Two inspectors save the same criterion score from the same version at the same moment, on two
real PostgreSQL connections: exactly one wins, the other is told (ScoreConflict, which the page
answers with 409), the winner's value is stored and the history holds only the winner's change."""

from __future__ import annotations

import threading
import time
from decimal import Decimal as D

import pytest
from django.db import close_old_connections, connection, connections, transaction

from scoring import services
from scoring.choices import AssessmentState
from scoring.choices import ScoreField as F
from scoring.models import CriterionScore
from tests.scoring.factories import make_assessment, make_set

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def cell(personas):
    cs = make_set(province=personas.daklak)
    assessment = make_assessment(
        criteria_set=cs, unit=personas.cumgar, state=AssessmentState.APPRAISAL_1
    )
    score = assessment.scores.get(criterion__code="1.2")
    return personas, assessment, score


def waiting_on_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_same_score_saved_at_once_one_wins_other_is_told(cell):
    personas, _assessment, score = cell
    version = score.version
    first_saved = threading.Event()
    release_first = threading.Event()
    barrier = threading.Barrier(2, timeout=30)
    outcome: dict[str, object] = {}
    pids: dict[str, int] = {}

    def first():
        try:
            barrier.wait()
            with transaction.atomic():  # held open until the second is waiting on the row
                pids["first"] = connection.connection.info.backend_pid
                services.score_save(
                    score_id=score.pk,
                    field=F.ROUND1,
                    value="5",
                    version=version,
                    by=personas.inspector,
                    reason="Thiếu minh chứng",
                )
                first_saved.set()
                assert release_first.wait(30)
            outcome["first"] = "saved"
        except Exception as exc:  # reported to the main thread
            outcome["first"] = exc
        finally:
            connections.close_all()

    def second():
        try:
            barrier.wait()
            assert first_saved.wait(30)
            connection.ensure_connection()
            pids["second"] = connection.connection.info.backend_pid
            services.score_save(
                score_id=score.pk,
                field=F.ROUND1,
                value="4",
                version=version,  # loaded before the first save, like the other inspector
                by=personas.admin,
                reason="Chưa đạt",
            )
            outcome["second"] = "saved"
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        # The race is real: the second save has started and waits on the first one's row lock.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "second" in pids and waiting_on_lock(pids["second"]):
                break
            if "second" in outcome:
                break
            time.sleep(0.02)
        assert "second" in pids and waiting_on_lock(pids["second"]), outcome
    finally:
        release_first.set()
        for t in threads:
            t.join(30)
    close_old_connections()

    assert outcome["first"] == "saved", outcome
    assert isinstance(outcome["second"], services.ScoreConflict), outcome
    assert "5" in outcome["second"].message  # the loser is shown the value that won
    stored = CriterionScore.objects.get(pk=score.pk)
    assert stored.round1_score == D("5")
    assert stored.version == version + 1
    assert stored.updated_by == personas.inspector
    changes = list(stored.history.filter(history_type="~").order_by("history_date"))
    assert [(h.round1_score, h.history_user_id) for h in changes] == [
        (D("5"), personas.inspector.pk)
    ]


def test_same_score_posted_at_once_through_http_one_gets_409(cell):
    """The same race through the score-save endpoint: two logged-in clients on two threads (two
    connections) post the same cell from the same version; one gets the row back (200), the
    other 409 with the conflict, and the stored value is the winner's."""
    from django.test import Client
    from django.urls import reverse

    personas, assessment, score = cell
    url = reverse("scoring:score_save", args=[assessment.pk, score.pk])
    posts = {personas.inspector.pk: "5", personas.admin.pk: "4"}
    barrier = threading.Barrier(2, timeout=30)
    statuses: dict[int, object] = {}

    def post(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            response = client.post(
                url,
                {
                    "field": F.ROUND1,
                    "value": posts[user.pk],
                    "version": score.version,
                    "reason": "Đối chiếu minh chứng",
                },
                HTTP_HX_REQUEST="true",
            )
            statuses[user.pk] = response.status_code
        except Exception as exc:
            statuses[user.pk] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=post, args=(u,)) for u in (personas.inspector, personas.admin)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()

    assert sorted(statuses.values()) == [200, 409], statuses
    winner = next(pk for pk, status in statuses.items() if status == 200)
    stored = CriterionScore.objects.get(pk=score.pk)
    assert stored.round1_score == D(posts[winner])
    assert stored.updated_by_id == winner and stored.version == score.version + 1
    changes = list(stored.history.filter(history_type="~"))
    assert [(h.round1_score, h.history_user_id) for h in changes] == [(D(posts[winner]), winner)]
