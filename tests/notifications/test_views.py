"""The bell, my notifications, my preference and the mail queue's page; and a conclusion
while the mail server is down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from inspections.choices import InspectionState
from notifications import kinds, services
from notifications.choices import MailState
from notifications.models import Notification, NotificationPreference, OutgoingMail
from tests.factories import UserFactory
from tests.inspections.factories import fill, make_inspection
from tests.notifications.backends import DOWN, REFUSING
from units.choices import Role

pytestmark = pytest.mark.django_db

BELL = reverse("notifications:notification_bell")
LIST = reverse("notifications:notification_list")


def _notes(user, count, *, read=0, url="/inspections/recommendations/1/"):
    start = timezone.now() - dt.timedelta(days=1)
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=kinds.REMEDIATION_SENT_BACK.name,
            params={"unit": "Huyện Cư M'gar", "note": f"Ghi chú {i}"},
            url=url,
            created_at=start + dt.timedelta(minutes=i),
            read_at=start if i < read else None,
        )
        for i in range(count)
    )


# --- SMTP down ----------------------------------------------------------------------------


@pytest.mark.parametrize("backend", [REFUSING, DOWN])
def test_concluding_while_the_mail_server_is_down_answers_its_redirect(
    personas, client_for, backend
):
    personas.cumgar_staff.email = "noivu@cumgar.local"
    personas.cumgar_staff.save()
    inspection = make_inspection(personas)
    fill(inspection)
    url = reverse("inspections:inspection_conclude", args=[inspection.pk])
    with override_settings(EMAIL_BACKEND=backend):
        response = client_for(personas.inspector).post(url, {"notice_number": "12/TB-SNV"})
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONCLUDED
    [queued] = OutgoingMail.objects.all()
    assert queued.state == MailState.PENDING and queued.attempts == 1
    assert queued.last_error.startswith(
        "SMTPException" if backend == REFUSING else "ConnectionRefusedError"
    )
    assert Notification.objects.filter(recipient=personas.cumgar_staff).count() == 1
    assert not mail.outbox
    # The server is back; the worker's minute finds the retry due and sends it.
    assert services.mails_enqueue_due(now=timezone.now()) == 0  # not yet: a minute's wait
    assert services.mails_enqueue_due(now=timezone.now() + dt.timedelta(minutes=1)) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (MailState.SENT, 2)
    assert mail.outbox[0].to == ["noivu@cumgar.local"] and "31/10/2019" in mail.outbox[0].body


# --- the bell ------------------------------------------------------------------------------


def test_the_bell_counts_my_unread_only(personas, client_for, django_assert_num_queries):
    _notes(personas.cumgar_staff, 5, read=2)
    _notes(personas.eakpam_staff, 4)
    client = client_for(personas.cumgar_staff)
    with django_assert_num_queries(3):  # session, user, the count
        response = client.get(BELL)
    assert response.status_code == 200
    assert 'notification-count">3<' in response.content.decode()


def test_the_bell_shows_no_badge_when_all_is_read(personas, client_for):
    _notes(personas.cumgar_staff, 2, read=2)
    assert "notification-count" not in client_for(personas.cumgar_staff).get(BELL).content.decode()


def test_every_page_has_the_bell_and_pays_nothing_for_it(personas, client_for):
    """The count is fetched by htmx after the page: the page holds a link that works without
    JavaScript and the attributes that load the badge."""
    page = client_for(personas.cumgar_staff).get(reverse("units:unit_list")).content.decode()
    assert f'href="{LIST}"' in page
    assert f'hx-get="{BELL}"' in page and 'hx-trigger="load, every 60s"' in page
    assert "notification-count" not in page
    anonymous = client_for(None).get(reverse("login")).content.decode()
    assert BELL not in anonymous


# --- my notifications ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 45])
def test_the_list_is_mine_newest_first_paged_at_fixed_queries(
    personas, client_for, django_assert_num_queries, count
):
    _notes(personas.cumgar_staff, count, read=1)
    _notes(personas.eakpam_staff, 2)
    client = client_for(personas.cumgar_staff)
    # session, user, the user's unit (the top bar names it), page count, page rows.
    with django_assert_num_queries(5):
        response = client.get(LIST)
    rows = response.context["notifications"]
    assert len(rows) == min(count, 20)
    assert [r.params["note"] for r in rows[:2]] == [f"Ghi chú {count - 1}", f"Ghi chú {count - 2}"]
    assert {r.recipient_id for r in rows} == {personas.cumgar_staff.pk}
    html = response.content.decode()
    assert html.count("notification-unread") == min(count, 20) - (0 if count > 20 else 1)
    assert "Báo cáo khắc phục kiến nghị của Huyện Cư M&#x27;gar bị trả lại: Ghi chú" in html
    if count > 20:
        last = client.get(LIST, {"page": 3})
        assert [r.params["note"] for r in last.context["notifications"]] == [
            f"Ghi chú {i}" for i in range(4, -1, -1)
        ]
        assert "Trang 3/3" in last.content.decode()


def test_the_list_reads_in_english(personas, client_for):
    _notes(personas.cumgar_staff, 1)
    client = client_for(personas.cumgar_staff)
    client.post(reverse("set_language"), {"language": "en", "next": LIST})
    html = client.get(LIST).content.decode()
    assert "The remediation report of Huyện Cư M&#x27;gar was sent back: Ghi chú 0" in html


def test_opening_one_marks_it_read_and_goes_to_its_object(personas, client_for):
    _notes(personas.cumgar_staff, 1, url="/inspections/recommendations/7/")
    note = Notification.objects.get()
    client = client_for(personas.cumgar_staff)
    response = client.post(reverse("notifications:notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/inspections/recommendations/7/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_foreign_link_is_never_followed(personas, client_for):
    _notes(personas.cumgar_staff, 1, url="https://evil.example/phish")
    note = Notification.objects.get()
    response = client_for(personas.cumgar_staff).post(
        reverse("notifications:notification_open", args=[note.pk])
    )
    assert response["Location"] == LIST


def test_someone_elses_notification_is_a_404(personas, client_for):
    _notes(personas.eakpam_staff, 1)
    note = Notification.objects.get()
    url = reverse("notifications:notification_open", args=[note.pk])
    for user in (personas.cumgar_staff, personas.admin):
        assert client_for(user).post(url).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_is_mine_only(personas, client_for):
    _notes(personas.cumgar_staff, 3)
    _notes(personas.eakpam_staff, 2)
    response = client_for(personas.cumgar_staff).post(
        reverse("notifications:notification_read_all")
    )
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=personas.cumgar_staff, read_at=None).exists()
    assert Notification.objects.filter(recipient=personas.eakpam_staff, read_at=None).count() == 2


# --- my preference -------------------------------------------------------------------------


def test_the_preference_page_shows_the_defaults_and_saves_a_choice(personas, client_for):
    client = client_for(personas.cumgar_staff)
    url = reverse("notifications:preferences")
    form = client.get(url).context["form"]
    initial = set(form.initial["email_kinds"])
    assert kinds.RECOMMENDATION_NEW.name in initial and kinds.JOB_DONE.name not in initial
    response = client.post(url, {"email_kinds": [kinds.JOB_FAILED.name, "no.such.kind"]})
    assert response.status_code == 200  # an unknown kind is refused with the form again
    assert not NotificationPreference.objects.exists()
    response = client.post(url, {"email_kinds": [kinds.JOB_FAILED.name]})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=personas.cumgar_staff)
    assert pref.email_kinds == [kinds.JOB_FAILED.name]
    response = client.post(url, {})
    assert NotificationPreference.objects.get(user=personas.cumgar_staff).email_kinds == []


# --- the mail queue's page ------------------------------------------------------------------


def _mails(personas):
    lai_chau_user = UserFactory(role=Role.UNIT_STAFF, unit=personas.namnhun)
    with override_settings(EMAIL_BACKEND=REFUSING):
        ours = services.mail_queue(
            to="noivu@cumgar.local", subject="Ours", body="b", recipient=personas.cumgar_staff
        )
        theirs = services.mail_queue(
            to="nn@x.vn", subject="Theirs", body="b", recipient=lai_chau_user
        )
        bare = services.mail_queue(to="ops@x.vn", subject="Bare", body="b")
    return ours, theirs, bare


def test_admins_see_the_failed_and_waiting_mail_of_their_province(personas, client_for):
    ours, _theirs, _bare = _mails(personas)
    OutgoingMail.objects.filter(pk=ours.pk).update(state=MailState.FAILED)
    url = reverse("notifications:mail_list")
    html = client_for(personas.admin).get(url).content.decode()
    assert "Ours" in html and "Theirs" not in html and "Bare" not in html
    assert "SMTPException" in html
    assert "Theirs" in client_for(personas.laichau_admin).get(url).content.decode()
    for user in (personas.inspector, personas.cumgar_staff):
        assert client_for(user).get(url).status_code == 403
    assert "Ours" not in client_for(personas.admin).get(url, {"state": "sent"}).content.decode()


def test_the_mail_page_costs_fixed_queries(personas, client_for, django_assert_num_queries):
    _mails(personas)
    client = client_for(personas.admin)
    url = reverse("notifications:mail_list")
    with django_assert_num_queries(5):  # session, user, the top bar's unit, count, page
        client.get(url)
    for _ in range(5):
        _mails(personas)
    with django_assert_num_queries(5):
        client.get(url)


def test_an_admin_retries_a_failed_mail(personas, client_for):
    ours, theirs, _bare = _mails(personas)
    OutgoingMail.objects.filter(pk=ours.pk).update(state=MailState.FAILED, attempts=6)
    response = client_for(personas.admin).post(reverse("notifications:mail_retry", args=[ours.pk]))
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.state, ours.attempts) == (MailState.SENT, 1)
    assert mail.outbox[0].subject == "Ours"
    other = client_for(personas.admin).post(reverse("notifications:mail_retry", args=[theirs.pk]))
    assert other.status_code == 404
