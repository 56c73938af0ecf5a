"""Django's Redis cache with one client per connection pool, kept.

Django's backend builds a new ``redis.Redis`` for every command, and redis-py 8 fills some 170
response callbacks into each new client: on a signed-in page the session read cost more in
that construction than in the read itself. A client is safe to share: it takes a connection
from its pool for each command.
"""

from django.core.cache.backends import redis as django_redis


class _KeptClients(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _KeptClients
