"""What the test workers run. Imported by the test (to start jobs) and by the workers (through
`tasks.py`); it declares no schedule, so importing it changes nothing in the test process."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from jobs import kinds
from jobs.worker import current_worker_id


def _record(job, progress):
    """Sleep a little (so both workers get work), then append "<n> <worker id>" to the trace."""
    progress.phase("Ghi dấu", 1)
    time.sleep(job.params.get("seconds", 0.2))
    with open(job.params["trace"], "a", encoding="utf-8") as trace:
        trace.write(f"{job.params['n']} {current_worker_id()}\n")
    progress(1)
    return {"n": job.params["n"]}


RECORD = kinds.register(kinds.JobKind(name="tests.worker.record", label="Ghi dấu", run=_record))


@task()
def daily_mark() -> str:
    """The daily task: appends this worker's id to the file named by CCHC_WORKER_TRACE."""
    with Path(os.environ["CCHC_WORKER_TRACE"]).open("a", encoding="utf-8") as trace:
        trace.write(f"daily {current_worker_id()}\n")
    return current_worker_id()
