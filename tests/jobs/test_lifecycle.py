"""A job's life through the queue: queued, running, done or failed, interrupted, retried; the
per-user limit; the schedule's one-run-per-slot. Tasks run through the immediate backend (as in
every test) unless a test switches to the database backend to look at the queue itself."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import kinds, progress, schedule
from jobs.choices import JobState
from jobs.kinds import JobFailed, JobKind
from jobs.models import Job, ScheduledRun
from jobs.services import job_retry, job_run, job_start, jobs_mark_interrupted

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CALLS: list[dict] = []


def _count_to(job, report):
    """A runner that counts to params["n"] and fails while params["fail"] is set."""
    CALLS.append(dict(job.params))
    if job.params.get("fail") and job.attempts == 1:
        raise JobFailed("Tệp hỏng ở dòng 3")
    report.phase("Đếm", job.params["n"])
    for i in range(1, job.params["n"] + 1):
        report(i)
    return {"counted": job.params["n"]}


COUNT = kinds.register(JobKind(name="tests.count", label="Đếm", run=_count_to, per_user_limit=2))


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def test_a_job_runs_through_the_queue_to_done(personas):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 5})
    assert job.state == JobState.DONE
    assert (job.done, job.total, job.result) == (5, 5, {"counted": 5})
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert job.unit == personas.cumgar


def test_a_failed_job_keeps_the_users_message_and_a_retry_runs_it_again(personas):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 2, "fail": True})
    assert job.state == JobState.FAILED
    assert job.error == "Tệp hỏng ở dòng 3"
    job = job_retry(job=job, by=personas.cumgar_staff)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == (JobState.DONE, 2, "")


def test_a_silent_running_job_is_interrupted_and_a_retry_succeeds(personas):
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    job = Job.objects.create(
        kind=COUNT.name,
        owner=personas.cumgar_staff,
        params={"n": 3},
        state=JobState.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    fresh = Job.objects.create(
        kind=COUNT.name,
        owner=personas.admin,
        state=JobState.RUNNING,
        attempts=1,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    progress.beat(fresh.pk)  # beats through the cache only, as during an import's transaction
    assert jobs_mark_interrupted() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.state == JobState.INTERRUPTED and "dừng giữa chừng" in job.error
    assert fresh.state == JobState.RUNNING
    job_retry(job=job, by=personas.cumgar_staff)
    job.refresh_from_db()
    assert (job.state, job.result) == (JobState.DONE, {"counted": 3})


def test_a_done_job_cannot_be_retried(personas):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 1})
    with pytest.raises(JobFailed):
        job_retry(job=job, by=personas.cumgar_staff)


@override_settings(TASKS=DB_BACKEND)
def test_on_the_database_queue_a_job_waits_for_a_worker(personas):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 1})
    assert job.state == JobState.QUEUED
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.args_kwargs["args"] == [job.pk, 0]
    assert job_run(job.pk, 0) == JobState.DONE
    assert job_run(job.pk, 0) == "skipped"  # a second delivery of the same task does nothing
    assert len(CALLS) == 1


@override_settings(TASKS=DB_BACKEND)
def test_a_third_job_of_one_user_waits_its_turn(personas):
    user = personas.cumgar_staff
    first, second, third = (job_start(kind=COUNT, owner=user, params={"n": 1}) for _ in range(3))
    for job in (first, second):
        Job.objects.filter(pk=job.pk).update(
            state=JobState.RUNNING, attempts=1, heartbeat_at=timezone.now()
        )
    other = job_start(kind=COUNT, owner=personas.admin, params={"n": 1})
    queued = DBTaskResult.objects.count()
    assert job_run(third.pk, 0) == "skipped"
    third.refresh_from_db()
    assert third.state == JobState.QUEUED
    assert "Đang chờ lượt" in third.phase
    assert job_run(other.pk, 0) == JobState.DONE  # another user's job is not held back
    Job.objects.filter(pk=first.pk).update(state=JobState.DONE)
    assert job_run(third.pk, 0) == JobState.DONE
    assert DBTaskResult.objects.count() >= queued


@override_settings(TASKS=DB_BACKEND)
def test_each_scheduled_slot_is_enqueued_once_however_many_workers_tick(db):
    now = timezone.now()
    first = schedule.tick(now=now)
    second = schedule.tick(now=now)
    assert "jobs.interrupted" in first
    assert "jobs.interrupted" not in second
    assert ScheduledRun.objects.filter(name="jobs.interrupted").count() == 1
    later = schedule.tick(now=now + dt.timedelta(minutes=1))
    assert "jobs.interrupted" in later


def test_daily_work_waits_for_its_hour(db):
    entry = schedule.Scheduled(name="x", task=None, daily_at=dt.time(7, 0))
    morning = timezone.make_aware(dt.datetime(2026, 12, 1, 6, 59))
    assert entry.slot(morning) is None
    assert entry.slot(morning + dt.timedelta(minutes=1)) == "2026-12-01"


def test_only_the_owner_opens_a_job(personas, client_for):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 1})
    for user, status in (
        (personas.cumgar_staff, 200),
        (personas.admin, 404),
        (personas.namnhun_staff, 404),
        (personas.eakpam_staff, 404),
    ):
        client = client_for(user)
        assert client.get(job.get_absolute_url()).status_code == status, user
        assert client.get(f"/jobs/{job.pk}/progress/").status_code == status, user
    assert client_for(None).get(job.get_absolute_url()).status_code == 302


@override_settings(TASKS=DB_BACKEND)
def test_the_queue_row_of_an_interrupted_job_is_closed_too(personas):
    job = job_start(kind=COUNT, owner=personas.cumgar_staff, params={"n": 1})
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("dead-worker")  # the worker took it, then was killed
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, attempts=1, started_at=long_ago, heartbeat_at=long_ago
    )
    assert jobs_mark_interrupted() == 1
    task.refresh_from_db()
    assert task.status == "FAILED" and task.finished_at is not None
