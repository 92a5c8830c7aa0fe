"""Found by `JobsConfig.ready` in the test workers only: the daily schedule of `work.daily_mark`,
due from midnight, so every tick of every worker wants today's run."""

import datetime as dt

from jobs import schedule
from tests.jobs.worker_app import work

schedule.daily("tests.worker.daily", at=dt.time(0, 0))(work.daily_mark)
