"""The public form's rate limit per address: requests and misses per 10 minutes, no address
kept."""

from __future__ import annotations

from surveys import throttle


def test_the_rate_limit_counts_misses_per_address(db, settings):
    settings.SURVEY_RATE_MISSES = 2
    settings.SURVEY_RATE_REQUESTS = 5
    assert throttle.throttle_hit(address="203.0.113.5", miss=True)
    assert throttle.throttle_hit(address="203.0.113.5", miss=True)
    assert not throttle.throttle_hit(address="203.0.113.5", miss=True)
    assert throttle.throttle_hit(address="198.51.100.7", miss=True)  # another address
    for _i in range(3):
        assert throttle.throttle_hit(address="198.51.100.8")
    assert throttle.throttle_hit(address="198.51.100.8")
    assert throttle.throttle_hit(address="198.51.100.8")
    assert not throttle.throttle_hit(address="198.51.100.8")  # the sixth request


def test_the_counter_keeps_no_address(db):
    from surveys.models import SubmitCounter

    throttle.throttle_hit(address="203.0.113.5")
    assert SubmitCounter.objects.count() == 1
    assert "203.0.113.5" not in repr(list(SubmitCounter.objects.values_list()))
