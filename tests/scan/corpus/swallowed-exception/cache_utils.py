# ruff: noqa: E722, SIM105
"""Redis-backed cache with an in-process fallback, as used by the catalogue API."""

import json
import logging
import pickle

try:
    import redis
except Exception:
    # optional dependency: the in-memory fallback is used instead
    redis = None

try:
    import orjson as fastjson
except:
    fastjson = None

log = logging.getLogger("catalogue.cache")


class Cache:
    def __init__(self, url, prefix="cat"):
        self.prefix = prefix
        self._local = {}
        self._errors = []
        self._client = redis.Redis.from_url(url) if redis else None

    def _key(self, key):
        return f"{self.prefix}:{key}"

    def get(self, key):
        if self._client is None:
            return self._local.get(key)
        try:
            raw = self._client.get(self._key(key))
        except Exception:  # expect: PR103
            return None
        return json.loads(raw) if raw else None

    def set(self, key, value, ttl=300):
        self._local[key] = value
        if self._client is None:
            return
        try:
            self._client.setex(self._key(key), ttl, json.dumps(value))
        except Exception:  # expect: PR103
            pass

    def delete(self, key):
        self._local.pop(key, None)
        try:
            self._client.delete(self._key(key))
        except redis.RedisError:
            # narrow handler: a missing key or a flaky connection is acceptable here
            return False
        return True

    def get_many(self, keys):
        found = {}
        for key in keys:
            try:
                found[key] = self.get(key)
            except Exception as exc:
                # kept for the health endpoint
                self._errors.append(exc)
        return found

    def incr(self, key):
        try:
            return self._client.incr(self._key(key))
        except Exception:
            log.debug("incr failed for %s", key, exc_info=True)
            return 0

    def load_pickled(self, key):
        try:
            return pickle.loads(self._client.get(self._key(key)))
        except:  # expect: PR103
            return {}

    def ping(self):
        try:
            return bool(self._client.ping())
        except Exception:
            # the failure is the answer: False means "unreachable"
            return False

    def __del__(self):
        try:
            self._client.close()
        except Exception:
            # best effort in a finaliser
            pass


def warm(cache, products):
    for product in products:
        try:
            cache.set(product.sku, product.to_dict())
        except BaseException:  # expect: PR103
            pass


def decode(raw):
    try:
        return json.loads(raw)
    except ValueError:
        # narrow: malformed JSON means "no value"
        return None
