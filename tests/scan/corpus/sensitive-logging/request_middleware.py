"""Request logging and debugging middleware of a Django + DRF project."""

import json
import logging
import time

from django.conf import settings
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger("api.requests")
audit_log = logging.getLogger("api.audit")

SAFE_HEADERS = ("HTTP_USER_AGENT", "HTTP_ACCEPT", "CONTENT_TYPE")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        logger.info("%s %s", request.method, request.path)
        logger.debug("headers: %s", dict(request.headers))  # expect: PR104
        response = self.get_response(request)
        logger.info(
            "%s %s -> %s in %.1fms",
            request.method,
            request.path,
            response.status_code,
            (time.monotonic() - start) * 1000,
        )
        return response


class DebugAuthMiddleware(MiddlewareMixin):
    def process_request(self, request):
        auth_header = request.META.get("HTTP_AUTHORIZATION")
        logging.info(f"Authorization header: {auth_header}")  # expect: PR104
        if auth_header:
            logger.debug(  # expect: PR104
                "Authorization header for %s: %s", request.path, auth_header[:200]
            )
        else:
            logger.debug("No Authorization header for %s", request.path)
        logger.debug(
            "client %s, agent %s",
            request.META.get("REMOTE_ADDR"),
            request.META.get("HTTP_USER_AGENT"),
        )
        logger.debug("cookies: %s", request.COOKIES)  # expect: PR104
        logger.debug("session cookie name: %s", settings.SESSION_COOKIE_NAME)


class BodyLogMiddleware(MiddlewareMixin):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("POST", "PUT", "PATCH"):
            logger.debug("body for %s: %s", view_func.__name__, request.body)  # expect: PR104
            try:
                payload = json.loads(request.body)
            except ValueError:
                payload = None
            logger.debug("json: %s", payload)  # expect: PR104
            logger.debug("fields: %s", sorted(payload) if isinstance(payload, dict) else [])
        return None

    def process_exception(self, request, exception):
        safe = {k: request.META.get(k) for k in SAFE_HEADERS}
        logger.error("unhandled %r for %s, headers %s", exception, request.path, safe)
        logger.error("full META: %s", request.META)  # expect: PR104
        return None


class AuditMiddleware(MiddlewareMixin):
    def process_response(self, request, response):
        user = getattr(request, "user", None)
        audit_log.info(
            "request",
            extra={
                "user_id": getattr(user, "pk", None),
                "path": request.path,
                "status": response.status_code,
                "content_length": len(response.content),
            },
        )
        audit_log.info("request data", extra={"data": request.POST.dict()})  # expect: PR104
        return response
