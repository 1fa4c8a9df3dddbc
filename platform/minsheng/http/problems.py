"""Every error becomes RFC 9457 problem details in the caller's language (pages get an HTML page).

Never a bare 500: an unexpected exception is logged with the request id and answered with that id.
"""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError

from minsheng.errors import DomainError, InvalidFields, TooManyRequests
from minsheng.http.input_policy import DEEP_MESSAGE
from minsheng.http.validation import explain_item
from minsheng.i18n import msgid, negotiate_locale, translate
from minsheng.plugins.errors import PluginError

log = structlog.get_logger("minsheng.errors")

PROBLEM_JSON = "application/problem+json"


def request_locale(request: Request[Any, Any, Any]) -> str:
    return negotiate_locale(request.headers.get("accept-language"), request.cookies.get("lang"))


def _wants_html(request: Request[Any, Any, Any]) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def problem_response(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """One problem-details answer (or the error page for a browser)."""
    if _wants_html(request):
        from minsheng.web.templating import render

        response = render(request, "error.html", status_code=status, status=status, title=title, detail=detail)
        if headers:
            response.headers.update(headers)
        return response
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    body.update(extra or {})
    return Response(content=body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    locale = request_locale(request)
    detail = translate(exc.message, locale, **exc.params)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    extra = dict(exc.extra)
    if isinstance(exc, InvalidFields):
        extra["errors"] = [
            {
                "key": problem.key,
                "source": "body",
                "message": translate(problem.reason.message, locale, **problem.reason.params),
                **({"row": problem.row} if problem.row is not None else {}),
            }
            for problem in exc.problems
        ]
    return problem_response(
        request, exc.status_code, translate(exc.title, locale), detail, extra=extra, headers=headers
    )


def validation_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """422 for a parameter or field the framework refused, each message said in the reader's language
    (``minsheng.http.validation``); ``errors`` keeps Litestar's ``key`` and ``source`` of each."""
    assert isinstance(exc, ValidationException)
    locale = request_locale(request)
    items = [item for item in (exc.extra if isinstance(exc.extra, list) else []) if isinstance(item, dict)]
    if not items:
        items = [{"message": exc.detail or ""}]
    errors = []
    parts = []
    for item in items:
        what, message = explain_item(item, locale)
        errors.append({**item, "message": message})
        parts.append(translate("{field}: {message}", locale, field=what, message=message) if what else message)
    return problem_response(
        request,
        422,
        translate("Invalid input", locale),
        translate("The request is not valid: {detail}", locale, detail=translate("; ", locale).join(parts)),
        extra={"errors": errors},
    )


# The framework's own refusals, said as the pages say them (its English detail is never shown).
_FRAMEWORK_DETAILS = {
    "CSRF token verification failed": msgid("The form has expired; reload the page and try again"),
    DEEP_MESSAGE: msgid("The request nests its data too deeply"),
}
_STATUS_DETAILS = {
    400: msgid("The request is not valid"),
    401: msgid("Authentication required"),
    403: msgid("You do not have the role needed for this action"),
    405: msgid("This address does not take that kind of request"),
    413: msgid("The upload is too large"),
    429: msgid("Too many requests; try again in a moment"),
}


def http_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    locale = request_locale(request)
    if isinstance(exc, NotFoundException):
        return problem_response(request, 404, translate("Not found", locale), translate("Not found", locale))
    status = exc.status_code
    if status >= 500:
        return internal_error_handler(request, exc)
    from minsheng.web.templating import status_title

    detail = _FRAMEWORK_DETAILS.get(exc.detail or "") or _STATUS_DETAILS.get(status, "The request is not valid")
    # Litestar's own headers are kept: a 405 lists the allowed methods in ``Allow`` (RFC 9110).
    return problem_response(
        request,
        status,
        translate(status_title(status), locale),
        translate(detail, locale),
        headers=dict(exc.headers) if exc.headers else None,
    )


def plugin_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, PluginError)
    request_id = request.scope.get("state", {}).get("request_id", "")
    log.error("plugin_failed", plugin=exc.plugin, hook=exc.hook, error=repr(exc.original), request_id=request_id)
    locale = request_locale(request)
    return problem_response(
        request,
        502,
        translate("A regional plugin failed", locale),
        translate(
            "The plugin {plugin} failed in {hook}; the incident was logged with id {request_id}",
            locale,
            plugin=exc.plugin,
            hook=exc.hook,
            request_id=request_id,
        ),
        extra={"plugin": exc.plugin, "hook": exc.hook},
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    request_id = request.scope.get("state", {}).get("request_id", "")
    log.exception("unhandled_error", request_id=request_id, path=request.url.path, exc_info=exc)
    locale = request_locale(request)
    return problem_response(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        translate("Internal error", locale),
        translate("Internal error; the incident was logged with id {request_id}", locale, request_id=request_id),
    )


def is_contention(exc: Exception) -> bool:
    """A database too busy to answer in time: the pool's wait ran out, or SQLite's write lock did."""
    if isinstance(exc, SQLAlchemyTimeoutError):
        return True
    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def database_busy_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """503 with Retry-After when the database is saturated: the transaction was rolled back, nothing
    was written, so the client may simply send the same request again."""
    if not is_contention(exc):
        return internal_error_handler(request, exc)
    request_id = request.scope.get("state", {}).get("request_id", "")
    log.warning("database_busy", request_id=request_id, path=request.url.path, error=type(exc).__name__)
    locale = request_locale(request)
    return problem_response(
        request,
        503,
        translate("Service unavailable", locale),
        translate("The service is busy; nothing was saved. Try again in a moment", locale),
        headers={"Retry-After": "1"},
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    SQLAlchemyTimeoutError: database_busy_handler,
    OperationalError: database_busy_handler,
    DomainError: domain_error_handler,
    PluginError: plugin_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_JSON", "problem_response", "request_locale"]
