"""The API's rate limit, counted where every server process sees it.

Each API token (or, for a browser session, each login) may make `HANDOFF_API_RATE` requests in
a window (`60000/min` by default: sized for an integration); more get 429 until the window
ends. The count is kept in a store all processes share, so the limit holds however many
processes and servers answer: Redis when `HANDOFF_REDIS_URL` names one, else the database
(`RateCount`, one row per caller and window).

A process does not write the store on every request. It counts locally and adds its count to
the store every `batch` requests (a thousandth of the limit, at least 1: 60 at the default);
within ten batches of the limit it adds each request and decides on the total the store
answers. The limit is therefore exact near its end, and a caller can exceed it by at most
`batch - 1` requests per process that had not yet reported.
"""

import hashlib
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection
from rest_framework.throttling import SimpleRateThrottle

from escalations.core.models import RateCount

PURGE_EVERY_SECONDS = 60.0


class DatabaseStore:
    """Counts in `RateCount`: one upsert adds to a caller's window and answers the total."""

    def __init__(self):
        self._purged_at = 0.0

    def add(self, key: str, window: int, count: int, period: int) -> int:
        q = connection.ops.quote_name
        table, caller, slot, n = (q(RateCount._meta.db_table), q("caller"), q("slot"), q("count"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({caller}, {slot}, {n}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({caller}, {slot}) DO UPDATE SET {n} = {table}.{n} + excluded.{n} "
                f"RETURNING {n}",
                [key, window, count],
            )
            (total,) = cursor.fetchone()
        now = time.monotonic()
        if now - self._purged_at > PURGE_EVERY_SECONDS:
            self._purged_at = now
            RateCount.objects.filter(slot__lt=window - 1).delete()
        return total


class RedisStore:
    """Counts in Redis: INCRBY on the caller's window, which expires after two windows."""

    def __init__(self, url: str):
        self._redis = redis.Redis.from_url(url)

    def add(self, key: str, window: int, count: int, period: int) -> int:
        name = f"handoff:rate:{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incrby(name, count)
        pipe.expire(name, 2 * period)
        total, _ = pipe.execute()
        return int(total)


@dataclass
class _Window:
    window: int
    known: int = 0  # the store's total when this process last added to it
    pending: int = 0  # counted here, not yet added


class SharedCounter:
    """A process's side of the count: what it has not yet added, and the last total it saw."""

    def __init__(self, store):
        self.store = store
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, limit: int, period: int, now: float) -> bool:
        window = int(now // period)
        batch = max(1, limit // 1000)
        with self._lock:
            state = self._windows.get(key)
            if state is None or state.window != window:
                state = self._windows[key] = _Window(window)
            if state.known >= limit:
                return False  # the window's total only grows: no need to ask the store again
            near_the_end = state.known + state.pending + 1 > limit - 10 * batch
            if near_the_end or state.pending + 1 >= batch:
                state.known = self.store.add(key, window, state.pending + 1, period)
                state.pending = 0
                return state.known <= limit
            if state.known + state.pending >= limit:
                return False
            state.pending += 1
            return True

    def forget(self) -> None:
        with self._lock:
            self._windows.clear()


_counter: SharedCounter | None = None
_counter_made = threading.Lock()


def shared_counter() -> SharedCounter:
    """The process's one counter: made once, also when the first requests of several threads
    arrive together (two counters would each keep counts the other does not see)."""
    global _counter
    if _counter is None:
        with _counter_made:
            if _counter is None:
                url = getattr(settings, "HANDOFF_REDIS_URL", "")
                _counter = SharedCounter(RedisStore(url) if url else DatabaseStore())
    return _counter


class SharedRateThrottle(SimpleRateThrottle):
    """DRF's throttle, counting on the shared store, per API token (per login for a session)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # authentication refuses it anyway
        token = getattr(request.auth, "pk", None)
        if token is None:
            return f"user:{request.user.pk}"
        # a token's key is its stored digest: a short hash of it names the token
        return "token:" + hashlib.sha256(str(token).encode()).hexdigest()[:32]

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        return shared_counter().allow(key, self.num_requests, self.duration, self.now)

    def wait(self):
        return self.duration - (self.now % self.duration)
