"""The content version: one number that every change to what the public pages show moves on.

Kept pages, the memoised lists behind their forms and users' roles are all kept under it, so
a change anywhere is seen on the next request everywhere. It lives in the shared cache.

With Redis, each process follows the number instead of reading it on every request: a thread
subscribes to a channel on which every move is published, reads the number once subscribed,
and from then on takes each move as it arrives (within a fraction of a millisecond of the
move, on this host or another). A process learns its own moves at once. Until the thread is
subscribed, and whenever its connection drops, every request reads the number from Redis as
before. A connection that dies without a word is caught by the follower's pings: its number
is trusted only while it has heard from Redis within TRUSTED_FOR seconds.
"""

import functools
import logging
import os
import threading
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver

VERSION_KEY = "public-pages:version"
logger = logging.getLogger(__name__)


@functools.cache
def _client():
    """A Redis client for the version, read without Django's key and value handling around
    it. None without a Redis cache."""
    if not isinstance(caches["default"], RedisCache):
        return None
    import redis

    location = settings.CACHES["default"]["LOCATION"]
    if isinstance(location, str):
        location = location.split(",")
    return redis.Redis.from_url(location[0])  # the primary, which Django's cache writes to


def _read() -> int:
    client = _client()
    if client is not None:
        raw = client.get(cache.make_and_validate_key(VERSION_KEY))
        # Django's Redis cache keeps integers as their digits, so both read the same value.
        version = int(raw) if raw is not None and raw.isdigit() else None
    else:
        version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh cache starts from the clock, so it never reuses a number pages were kept under.
        version = time.time_ns()
        cache.add(VERSION_KEY, version, timeout=None)
        version = cache.get(VERSION_KEY, version)
    return version


# The follower pings Redis this often, and its number is trusted only while it has heard
# from Redis within TRUSTED_FOR: a connection that died silently costs at most that long.
PING_EVERY = 1.0
TRUSTED_FOR = 2.5
FOLLOWER_NAME = "portal-content-version"


class _Follower(threading.Thread):
    """Follows the version through Redis pub/sub. ``current()`` is None while the follower is
    not subscribed or has not heard from Redis lately: readers then ask Redis themselves."""

    def __init__(self, client, channel):
        super().__init__(name="content-version-follower", daemon=True)
        self.client = client
        self.channel = channel
        self.version = None
        self.heard = 0.0
        self.stopped = threading.Event()

    def current(self) -> int | None:
        if time.monotonic() - self.heard > TRUSTED_FOR:
            return None
        return self.version

    def saw(self, version: int) -> None:
        # Moves only go forwards; a message overtaken by a read changes nothing.
        if self.version is None or version > self.version:
            self.version = version

    def run(self):
        import redis

        pause = PING_EVERY
        while not self.stopped.is_set():
            try:
                self._listen()
            except (redis.RedisError, OSError) as error:
                logger.warning(
                    "Content version: read per request until it can be followed again (%s)", error
                )
            self.version = None
            # Then subscribe again: a second after a connection that worked, later and later
            # (up to a minute) while it keeps failing.
            pause = PING_EVERY if self.heard else min(pause * 2, 60)
            self.heard = 0.0
            self.stopped.wait(pause)

    def _listen(self):
        with self.client.pubsub() as pubsub:
            pubsub.subscribe(self.channel)
            next_ping = time.monotonic() + PING_EVERY
            while not self.stopped.is_set():
                message = pubsub.get_message(timeout=PING_EVERY)
                now = time.monotonic()
                if message is not None:
                    if message["type"] == "subscribe":
                        # Every move from now on arrives here; the ones before are read.
                        self.saw(_read())
                    elif message["type"] == "message" and message["data"].isdigit():
                        self.saw(int(message["data"]))
                    self.heard = now
                if now >= next_ping:
                    pubsub.ping()
                    next_ping = now + PING_EVERY

    def stop(self) -> None:
        self.stopped.set()
        self.version = None


_follower: _Follower | None = None
_follower_lock = threading.Lock()


def _channel(client) -> str:
    # Channels are shared by every database of a Redis server; the key names this one's.
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{database}:{cache.make_and_validate_key(VERSION_KEY)}:moved"


def _follow() -> _Follower | None:
    global _follower
    client = _client()
    if client is None:
        return None
    with _follower_lock:
        if _follower is None:
            # Its own connection, named, so an operator can tell it in CLIENT LIST.
            pool = client.connection_pool
            own = type(pool)(
                connection_class=pool.connection_class,
                **{**pool.connection_kwargs, "client_name": FOLLOWER_NAME},
            )
            _follower = _Follower(type(client)(connection_pool=own), _channel(client))
            _follower.start()
        return _follower


def content_version() -> int:
    follower = _follower or _follow()
    if follower is not None and (version := follower.current()) is not None:
        return version
    return _read()


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:
        version = time.time_ns()
        cache.set(VERSION_KEY, version, timeout=None)
    follower = _follower
    client = _client()
    if client is not None:
        client.publish(_channel(client), version)
    if follower is not None:
        follower.saw(version)


def bump_content_version() -> None:
    """Move the version on now and again after commit: a page rendered from the rows as they
    were before the commit is kept under the in-between version, which no request reads once
    the commit lands."""
    _bump()
    transaction.on_commit(_bump)


def _forget_follower() -> None:
    global _follower
    if _follower is not None:
        _follower.stop()
    _follower = None


# A forked child has no thread, only a copy of the parent's last number: it follows afresh.
os.register_at_fork(after_in_child=lambda: globals().update(_follower=None))


@receiver(setting_changed)
def _cache_settings_changed(setting, **kwargs):
    if setting == "CACHES":
        _client.cache_clear()
        _forget_follower()
