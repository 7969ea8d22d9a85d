"""Shared HTTP session factories of an integrations package (requests + urllib3 retries)."""

import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

SAFE_METHODS = frozenset({"HEAD", "GET", "OPTIONS"})
STATUS_FORCELIST = (429, 500, 502, 503, 504)
ALL_METHODS = ["HEAD", "GET", "PUT", "DELETE", "OPTIONS", "TRACE", "POST", "PATCH"]


def _mount(session, retry):
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=20)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def default_session():
    retry = Retry(total=5, backoff_factor=0.5, status_forcelist=STATUS_FORCELIST)
    return _mount(requests.Session(), retry)


def read_only_session():
    retry = Retry(
        total=5,
        backoff_factor=0.5,
        status_forcelist=STATUS_FORCELIST,
        allowed_methods=SAFE_METHODS,
    )
    return _mount(requests.Session(), retry)


def aggressive_session():
    retry = Retry(  # expect: PR102
        total=8,
        backoff_factor=1,
        status_forcelist=STATUS_FORCELIST,
        allowed_methods=None,
        raise_on_status=False,
    )
    return _mount(requests.Session(), retry)


def partner_session():
    retry = Retry(  # expect: PR102
        total=3,
        status_forcelist=[502, 503, 504],
        allowed_methods=["GET", "POST"],
    )
    return _mount(requests.Session(), retry)


def legacy_session():
    retry = Retry(total=3, method_whitelist=False, status_forcelist=[500, 502])  # expect: PR102
    return _mount(requests.Session(), retry)


def everything_session():
    return _mount(requests.Session(), Retry(total=4, allowed_methods=ALL_METHODS))  # expect: PR102


def widened_session():
    retry = Retry(  # expect: PR102
        total=3, allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | frozenset({"POST"})
    )
    return _mount(requests.Session(), retry)


def idempotent_writes_session():
    retry = Retry(total=3, allowed_methods=frozenset({"GET", "PUT", "DELETE"}))
    return _mount(requests.Session(), retry)


def connect_only_session():
    # an int only retries failed connections: nothing was sent
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=3))
    return session


def make_retry(total=3, methods=("GET", "POST", "PUT")):
    return Retry(total=total, backoff_factor=0.3, allowed_methods=methods)  # expect: PR102


def make_read_retry(total=3, methods=SAFE_METHODS):
    return Retry(total=total, backoff_factor=0.3, allowed_methods=methods)


def httpx_client():
    transport = httpx.HTTPTransport(retries=3)  # httpx retries connection errors only
    return httpx.Client(transport=transport, timeout=10)


def no_read_retries():
    # read and status retries are off: only connection failures are retried, for any verb
    retry = Retry(total=5, read=0, status=0, allowed_methods=None)
    return _mount(requests.Session(), retry)
