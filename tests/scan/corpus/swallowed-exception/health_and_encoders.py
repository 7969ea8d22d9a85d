"""Admin health views, a JSON encoder and network helpers."""

import decimal
import ipaddress
import json

from celery import current_app as celery
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def celery_ping(request):
    """Tells whether the workers answer."""
    try:
        if celery.control.inspect().ping():
            return HttpResponse()
    except Exception:
        pass
    return HttpResponse(status=500)


@require_GET
def cache_ping(request):
    try:
        cache.set("ping", "pong", 5)
    except Exception:  # expect: PR103
        pass
    return JsonResponse({"cache": "ok"})


class ApiEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return str(o)
        if hasattr(o, "__getitem__"):
            try:
                return dict(o)
            except:  # noqa: E722
                pass
        elif hasattr(o, "__iter__"):
            return list(o)
        return super().default(o)


def describe_network(addr, style="cidr"):
    try:
        if style == "cidr":
            return str(ipaddress.ip_network(addr))
        return str(ipaddress.ip_network(addr).netmask)
    except Exception:
        return "Could not identify network"


def network_or_default(addr):
    try:
        return str(ipaddress.ip_network(addr))
    except Exception:  # expect: PR103
        return "0.0.0.0/0"
