"""A bounded load test on loopback (issue 20): 200 respondents submit their forms in parallel to a
real gunicorn (2 workers × 8 threads, as in production) against the test database; 0 errors,
every answer stored exactly once, every link spent once.

PostgreSQL only: the server is another process writing the test database at the same time as
200 clients, which SQLite's single writer turns into "database is locked" errors (and its test
database lives in memory, out of reach of another process). On SQLite the test is skipped.
"""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from surveys import services
from surveys.models import Answer, Response, Token
from tests.ops.conftest import MANAGE, ROOT, database_url, process_env
from tests.surveys.factories import CITIZENS, make_survey_world

pytestmark = pytest.mark.django_db(transaction=True)
RESPONDENTS = 200
HOST = "127.0.0.1"


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: a gunicorn process writes the test database (see module)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _request(port, method, path, *, body=None, cookie=""):
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        headers = {"Host": f"{HOST}:{port}"}
        if cookie:
            headers["Cookie"] = cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{port}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()
    finally:
        conn.close()


def _respondent(port, raw, questions, values, barrier, outcomes):
    path = f"/s/{raw}/"
    try:
        status, set_cookie, body = _request(port, "GET", path)
        assert status == 200, status
        cookie = set_cookie.split(";")[0]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        barrier.wait()  # everybody answers at once
        for step, (question, value) in enumerate(zip(questions, values, strict=True), start=1):
            form = {"csrfmiddlewaretoken": csrf, "cau": step, f"q_{question}": value}
            status, _c, _b = _request(port, "POST", path, body=urlencode(form), cookie=cookie)
            assert status == 302, status
        form = {"csrfmiddlewaretoken": csrf, "cau": len(questions) + 1, "action": "submit"}
        status, _c, _b = _request(port, "POST", path, body=urlencode(form), cookie=cookie)
        assert status == 302, status
        outcomes.append("ok")
    except BaseException as exc:  # counted and shown below
        outcomes.append(repr(exc))


def test_200_respondents_submit_in_parallel(personas, postgres_only, tmp_path):
    sw = make_survey_world(personas)
    raws = services.tokens_create(
        survey=sw.survey, unit=personas.eakpam, group=CITIZENS, count=RESPONDENTS, by=personas.admin
    )
    questions = [q.pk for q in sw.citizens.questions.all()]
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    # Every client comes from 127.0.0.1: the per-address limit is lifted for this server (its
    # own tests are in test_services / test_views).
    env = process_env(DATABASE_URL=database_url(), SURVEY_RATE_REQUESTS="100000", CONN_MAX_AGE="0")
    gunicorn = str(Path(MANAGE[0]).with_name("gunicorn"))
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [gunicorn, "cchc_portal.wsgi", "--workers", "2", "--threads", "8",
             "--bind", f"{HOST}:{port}", "--chdir", str(ROOT), "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        barrier = threading.Barrier(RESPONDENTS, timeout=120)
        outcomes: list[str] = []
        threads = [
            threading.Thread(
                target=_respondent,
                args=(port, raw, questions, [1 + i % 5, 1 + (i * 3) % 5], barrier, outcomes),
            )
            for i, raw in enumerate(raws)
        ]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    errors = [o for o in outcomes if o != "ok"]
    assert len(outcomes) == RESPONDENTS and not errors, (errors[:5], log.read_text()[-2000:])
    assert Response.objects.count() == RESPONDENTS
    assert Answer.objects.count() == RESPONDENTS * len(questions)
    assert not Token.objects.filter(used_on__isnull=True).exists()
    # Every respondent's answers once: the sum of what was sent equals the sum stored.
    sent = sum((1 + i % 5) + (1 + (i * 3) % 5) for i in range(RESPONDENTS))
    assert sum(Answer.objects.values_list("value", flat=True)) == sent
    print(f"{RESPONDENTS} respondents × {len(questions) + 2} requests in {elapsed:.1f} s")
