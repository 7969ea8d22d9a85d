"""Observability criteria: when this service fails in production, will anyone see it?"""

from __future__ import annotations

import re

from prodready.context import AuditContext
from prodready.criteria.base import criterion
from prodready.model import Dimension, Evidence, Layer, Outcome, Tier

_STRUCTURED = ("structlog", "pythonjsonlogger", "json_log_formatter", "ecs_logging", "loguru")
_METRIC_LIBS = (
    "prometheus_client",
    "statsd",
    "datadog",
    "opentelemetry.metrics",
    "aioprometheus",
    "pyformance",
    "django_prometheus",
    "prometheus_fastapi_instrumentator",
    "starlette_exporter",
    "prometheus_flask_exporter",
)
# These instrument every request as soon as they are installed: import means used.
_AUTO_METRICS = (
    "django_prometheus",
    "prometheus_fastapi_instrumentator",
    "starlette_exporter",
    "prometheus_flask_exporter",
)
_TRACING_LIBS = (
    "opentelemetry.trace",
    "opentelemetry.instrumentation",
    "opentelemetry.sdk.trace",
    "ddtrace",
    "jaeger_client",
    "py_zipkin",
    "aws_xray_sdk",
    "elasticapm",
)
_ERROR_LIBS = ("sentry_sdk", "raven", "rollbar", "bugsnag", "honeybadger", "airbrake", "newrelic")
_LOG_CONFIG_FILE = re.compile(
    r"(^|/)(logging|log_config|logconfig)[^/]*\.(conf|ini|ya?ml|json|toml)$"
)
_INCIDENTAL = re.compile(
    r"(^|/)(alembic|migrations|scripts?|bin)/|example|sample|testing|_test\.py$"
)


def _incidental(evidence: Evidence) -> bool:
    """Sort key: configuration in migrations, scripts or example settings comes last, so
    the evidence shown is the application's own set-up."""
    return bool(evidence.path and _INCIDENTAL.search(evidence.path))


_INSTRUMENT_CMD = re.compile(r"opentelemetry-instrument|ddtrace-run|newrelic-admin run-program")


@criterion(
    "obs.logging",
    "Logging configured",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.INTERNAL,
    service_only=True,
)
def logging_configured(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for logging being configured, not just used: `logging.basicConfig`,
        `dictConfig`/`fileConfig`, Django `LOGGING`, `structlog.configure`, loguru,
        or a logging configuration file. Says whether the output is structured (JSON,
        structlog), which is preferred.
    Why it matters:
        Unconfigured Python logging drops INFO and prints WARNING without time, level
        names a log system can parse, or request context; at 3 a.m. that is the only
        evidence of what happened.
    Example:
        `logger = logging.getLogger(__name__)` in every module, no configuration anywhere.
    Fix:
        Configure logging once at start-up, preferably as JSON
        (`structlog` or `python-json-logger`), with level from the environment.
    """
    configured = sorted(ctx.signals("logging-config"), key=_incidental)
    files = [
        Evidence("logging configuration file", f)
        for f in ctx.repo.files
        if _LOG_CONFIG_FILE.search(f)
    ]
    structured = ctx.imports_of(*_STRUCTURED) + ctx.signals("structured-logging")
    evidence = configured[:3] + files[:2]
    if not evidence and structured:
        evidence = structured[:3]
    if not evidence:
        used = ctx.imports_of("logging")
        suffix = (
            f"; logging is imported in {len(used)} module(s) but never configured" if used else ""
        )
        return Outcome.gap("no logging configuration found" + suffix, *used[:3])
    if structured:
        evidence.append(
            Evidence(
                f"structured logging: {structured[0].text}", structured[0].path, structured[0].line
            )
        )
    else:
        evidence.append(Evidence("plain-text logs (structured JSON logging is preferred)"))
    return Outcome.met(*evidence)


@criterion(
    "obs.metrics",
    "Metrics set up and used",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    service_only=True,
)
def metrics(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a metrics library (Prometheus client, StatsD, Datadog, OpenTelemetry
        metrics, or an auto-instrumenting exporter such as django-prometheus) and for
        metrics actually being defined or recorded.
    Why it matters:
        Logs tell you what happened to one request; metrics tell you that 4% of users are
        failing right now. Importing a library without recording anything measures nothing.
    Example:
        `prometheus_client` in requirements, no `Counter` or `Histogram` anywhere.
    Fix:
        Count requests and failures and time the outbound calls, e.g.
        `REQUESTS = Counter("http_requests_total", "...", ["route", "status"])`.
    """
    libs = ctx.imports_of(*_METRIC_LIBS)
    auto = ctx.imports_of(*_AUTO_METRICS)
    recorded = ctx.signals("metric-created", "metric-call")
    if recorded and (libs or any("settings" in e.text for e in recorded)):
        return Outcome.met(*(libs[:1] + recorded[:3]))
    if auto:
        return Outcome.met(*auto[:3])
    if libs:
        return Outcome.gap(
            "a metrics library is imported but no metric is defined or recorded", *libs[:3]
        )
    return Outcome.gap("no metrics library set up (Prometheus, StatsD, OpenTelemetry...)")


@criterion(
    "obs.tracing",
    "Distributed tracing",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.CRITICAL,
    service_only=True,
)
def tracing(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for tracing: OpenTelemetry tracing or instrumentation, ddtrace, Jaeger,
        Zipkin, AWS X-Ray, Elastic APM, Sentry performance tracing, or a start command
        wrapped in `opentelemetry-instrument`/`ddtrace-run`.
    Why it matters:
        When a request crosses three services, only a trace shows which one made it slow
        or failed it.
    Example:
        A FastAPI service calling two internal APIs with no trace context propagated.
    Fix:
        Add OpenTelemetry (`opentelemetry-instrument` or the framework instrumentation)
        and export to your tracing backend.
    """
    found = ctx.imports_of(*_TRACING_LIBS) + ctx.signals("tracing-call")
    for rel in ctx.repo.matching(
        "Dockerfile*", "Procfile", "*.sh", "docker-compose*.yml", "compose*.yaml"
    ):
        text = ctx.repo.read_text(rel) or ""
        match = _INSTRUMENT_CMD.search(text)
        if match:
            found.append(Evidence(match.group(0), rel, text[: match.start()].count("\n") + 1))
    if found:
        return Outcome.met(*found[:3])
    return Outcome.gap("no tracing set up (OpenTelemetry, ddtrace, Jaeger, Zipkin...)")


@criterion(
    "obs.health-endpoint",
    "A health or readiness endpoint",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    service_only=True,
)
def health_endpoint(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for a route whose path names health, readiness or liveness (`/healthz`,
        `/ready`, `/ping`...), a Django health-check app, a Kubernetes probe path or a
        Dockerfile `HEALTHCHECK`.
    Why it matters:
        Load balancers and orchestrators can only stop sending traffic to a broken instance
        if it can say it is broken.
    Example:
        A Flask API whose only routes are the business endpoints.
    Fix:
        Add `GET /healthz` (process alive) and `GET /readyz` (dependencies reachable)
        and point the probes at them.
    """
    found = ctx.signals("health-route")
    found += [
        Evidence(f"Kubernetes probe {path}", rel) for rel, path in ctx.manifests.probe_paths[:2]
    ]
    for rel in ctx.repo.matching("Dockerfile", "Dockerfile.*", "*.Dockerfile"):
        text = ctx.repo.read_text(rel) or ""
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip().upper().startswith("HEALTHCHECK") and "NONE" not in line.upper():
                found.append(Evidence("Dockerfile HEALTHCHECK", rel, number))
    if found:
        return Outcome.met(*found[:3])
    return Outcome.gap("no health, readiness or liveness endpoint found")


@criterion(
    "obs.error-reporting",
    "Errors reported to a tracker",
    Dimension.OBSERVABILITY,
    Layer.OPERATION,
    required_from=Tier.PRODUCTION,
    service_only=True,
)
def error_reporting(ctx: AuditContext) -> Outcome:
    """
    What it does:
        Looks for an error tracker being initialised: `sentry_sdk.init`, Rollbar,
        Bugsnag, Honeybadger, Airbrake, New Relic, Elastic APM, or their Django apps.
    Why it matters:
        An unhandled exception in production should page someone with the stack trace,
        not wait for a user to complain.
    Example:
        `sentry-sdk` in requirements but `sentry_sdk.init` never called.
    Fix:
        Initialise the tracker at start-up with the DSN from the environment:
        `sentry_sdk.init(dsn=os.environ["SENTRY_DSN"])`.
    """
    initialised = ctx.signals("error-reporting")
    if initialised:
        return Outcome.met(*initialised[:3])
    imported = ctx.imports_of(*_ERROR_LIBS)
    if imported:
        return Outcome.gap("an error tracker is imported but never initialised", *imported[:3])
    return Outcome.gap("no error reporting (Sentry, Rollbar, Bugsnag...) set up")
