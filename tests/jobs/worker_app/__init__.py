"""A tiny app installed only in the real workers tests/jobs/test_workers.py starts
(tests/jobs/worker_settings.py): a job kind that leaves a trace of each run, and a daily task."""
