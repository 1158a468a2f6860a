"""The API's rate limit is counted where every server process sees it (the database, or Redis
when one is configured), per API token, and a process reports its count in batches except near
the limit, where it decides on the shared total."""

import os
import uuid

import pytest
import redis
from rest_framework.test import APIClient

from escalations.core.api.throttle import (
    DatabaseStore,
    RedisStore,
    SharedCounter,
    SharedRateThrottle,
    shared_counter,
)
from escalations.core.models import RateCount
from escalations.tickets.services.api_tokens import api_token_issue, integration_user_ensure

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("HANDOFF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
MINUTE = 60
NOW = 1_000_000.0  # a moment inside one window


def two_processes(store) -> tuple[SharedCounter, SharedCounter]:
    """Two server processes: each its own local count, one store."""
    return SharedCounter(store), SharedCounter(store)


def allowed(counters, key, limit, rounds, now=NOW) -> list[bool]:
    return [counter.allow(key, limit, MINUTE, now) for _ in range(rounds) for counter in counters]


def test_two_processes_share_one_limit_in_the_database():
    a, b = two_processes(DatabaseStore())
    answers = allowed((a, b), "token:1", limit=5, rounds=4)
    assert answers == [True] * 5 + [False] * 3
    # one refused attempt reaches the store; after it each process knows the window is full
    assert RateCount.objects.get(caller="token:1").count == 6


def test_a_new_window_starts_the_count_again():
    a, b = two_processes(DatabaseStore())
    assert allowed((a, b), "token:1", limit=2, rounds=2) == [True, True, False, False]
    assert allowed((a, b), "token:1", limit=2, rounds=1, now=NOW + MINUTE) == [True, True]


def test_callers_are_counted_apart():
    a, b = two_processes(DatabaseStore())
    assert allowed((a,), "token:1", limit=1, rounds=2) == [True, False]
    assert allowed((b,), "token:2", limit=1, rounds=1) == [True]


class CountingStore(DatabaseStore):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def add(self, key, window, count, period):
        self.writes += 1
        return super().add(key, window, count, period)


def test_far_from_the_limit_a_process_reports_in_batches_and_the_limit_still_holds():
    store = CountingStore()
    a, b = two_processes(store)
    limit = 4000  # a batch of 4; each request reported within 40 of the limit
    answers = allowed((a, b), "token:9", limit=limit, rounds=2200)
    assert limit - 2 * 3 <= answers.count(True) <= limit  # at most batch - 1 unreported each
    assert answers[-10:] == [False] * 10
    assert store.writes < len(answers) / 2  # far fewer writes than requests
    assert RateCount.objects.get(caller="token:9").count <= len(answers)


def test_old_windows_are_forgotten():
    store = DatabaseStore()
    RateCount.objects.create(caller="token:1", slot=int(NOW // MINUTE) - 5, count=3)
    SharedCounter(store).allow("token:1", 10, MINUTE, NOW)
    assert list(RateCount.objects.values_list("slot", flat=True)) == [int(NOW // MINUTE)]


@pytest.fixture
def redis_store():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set HANDOFF_TEST_REDIS_URL)")
    key = f"token:{uuid.uuid4().hex}"  # its own: other runs may share this Redis
    yield RedisStore(REDIS_URL), key
    client.delete(f"handoff:rate:{key}:{int(NOW // MINUTE)}")


def test_two_processes_share_one_limit_in_redis(redis_store):
    store, key = redis_store
    a, b = two_processes(store)
    assert allowed((a, b), key, limit=3, rounds=3) == [True] * 3 + [False] * 3
    ttl = redis.Redis.from_url(REDIS_URL).ttl(f"handoff:rate:{key}:{int(NOW // MINUTE)}")
    assert 0 < ttl <= 2 * MINUTE


def client_with_token(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_each_api_token_has_its_own_limit(monkeypatch):
    shared_counter().forget()
    monkeypatch.setattr(SharedRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    user = integration_user_ensure(username="busy-bot")
    first = client_with_token(api_token_issue(user=user, days=1)[1])
    second = client_with_token(api_token_issue(user=user, days=1)[1])
    assert [first.get("/api/teams/").status_code for _ in range(3)] == [200, 200, 429]
    refused = first.get("/api/teams/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= MINUTE
    assert second.get("/api/teams/").status_code == 200
    shared_counter().forget()


def test_the_default_limit_is_sized_for_an_integration():
    assert SharedRateThrottle().rate == "60000/min"


def test_threads_arriving_together_share_one_counter(monkeypatch):
    import threading
    import time

    from escalations.core.api import throttle

    class SlowToMake(throttle.SharedCounter):
        def __init__(self, *args, **kwargs):
            time.sleep(0.05)  # long enough for every thread to arrive while it is being made
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(throttle, "_counter", None)
    monkeypatch.setattr(throttle, "SharedCounter", SlowToMake)
    seen, start = [], threading.Barrier(8)

    def first_request():
        start.wait()
        seen.append(throttle.shared_counter())

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 8 and len({id(counter) for counter in seen}) == 1
