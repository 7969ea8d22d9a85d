"""Where request data comes from: the attributes of a request that carry client input, and
the parameter annotations that tell a request object, a dependency and validated data
apart.

Vocabulary only; `Flow` and the FastAPI and Django recognisers apply it.
"""

from __future__ import annotations

import re

# Attributes of a request object that hold client-supplied data.
REQUEST_SOURCES = frozenset(
    {
        "args",
        "form",
        "values",
        "json",
        "get_json",
        "files",
        "data",
        "get_data",
        "GET",
        "POST",
        "FILES",
        "body",
        "query_params",
        "path_params",
        "cookies",
        "COOKIES",
        "headers",
        "META",
        "view_args",
        "match_info",
        "query",
        "rel_url",
        "post",
        "text",
        "stream",
        "content",
    }
)
# Parameter annotations that make a parameter the request itself (or not).
REQUEST_TYPES = frozenset({"Request", "HttpRequest", "WebSocket", "HTTPConnection"})
NOT_REQUEST_TYPES = frozenset(
    {"BackgroundTasks", "Response", "Session", "AsyncSession", "SecurityScopes"}
)
# Annotations FastAPI validates before the handler runs, and those that let anything in.
SCALAR_TYPES = frozenset(
    {
        "int",
        "float",
        "bool",
        "UUID",
        "UUID4",
        "uuid.UUID",
        "date",
        "datetime",
        "time",
        "timedelta",
        "Decimal",
        "EmailStr",
        "PositiveInt",
        "NonNegativeInt",
        "conint",
        "Literal",
    }
)
RAW_TYPES = frozenset({"str", "bytes", "Any", "UploadFile", "list", "List", "dict", "Dict"})
# Annotations a Django URL capture (text the URL pattern matched) may carry. Any other class
# (`status: Status`, `result: ModerationResult`) is an object some code built and passed in.
TEXT_TYPES = RAW_TYPES | SCALAR_TYPES | {"Text", "AnyStr", "Path", "PurePath", "PathLike", "object"}
# Django URL parameters whose name says they were matched by an `<int:...>`-style pattern.
INT_LIKE_PARAM = re.compile(r"^(pk|id|\w+_(id|pk|num|number|index)|year|month|day|page|n)$")
