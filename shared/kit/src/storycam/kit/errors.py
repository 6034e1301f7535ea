"""One error tree per service: raise a subclass, and the handler renders ``{"error", "detail"}``.

422 is for malformed payloads; expected conflicts are 4xx; only a bug is a 500, and it never leaks internals.
"""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storycam.contracts.errors import ErrorBody
from storycam.kit.logging import get_logger

log = get_logger(__name__)


class StorycamError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    default_detail: ClassVar[str] = "Something went wrong on our side."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class BadRequest(StorycamError):
    status_code = 400
    code = "bad_request"
    default_detail = "The request is not valid."


class Unauthorized(StorycamError):
    status_code = 401
    code = "unauthorized"
    default_detail = "The request is not signed by a known service."


class Forbidden(StorycamError):
    status_code = 403
    code = "forbidden"
    default_detail = "This caller may not do that."


class NotFound(StorycamError):
    status_code = 404
    code = "not_found"
    default_detail = "No such thing."


class Conflict(StorycamError):
    status_code = 409
    code = "conflict"
    default_detail = "That conflicts with the current state."


def error_response(
    status_code: int, code: str, detail: str, fields: list[dict[str, Any]] | None = None
) -> JSONResponse:
    body = ErrorBody(error=code, detail=detail, fields=fields)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status_code)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install_error_handlers(app: FastAPI) -> None:
    async def on_storycam_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StorycamError)
        return error_response(exc.status_code, exc.code, exc.detail)

    async def on_validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [
            {
                "loc": list(err.get("loc", ())),
                "msg": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
            for err in exc.errors()
        ]
        return error_response(422, "validation_error", "The request body or parameters are malformed.", fields)

    async def on_http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail))

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("request.failed", path=request.url.path, method=request.method, error=type(exc).__name__)
        return error_response(500, StorycamError.code, StorycamError.default_detail)

    app.add_exception_handler(StorycamError, on_storycam_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
    _document_errors(app)


_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_ERROR_CONTENT = {"application/json": {"schema": _ERROR_REF}}


def _document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document say what the handlers above answer.

    FastAPI documents a 422 as ``{"detail": [...]}``, which is not what a caller gets; every operation's 422, and
    any other error (the ``default`` response), is ``ErrorBody``.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["ErrorBody"] = ErrorBody.model_json_schema()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                if "422" in responses:
                    responses["422"] = {
                        "description": "The request body or parameters are malformed",
                        "content": _ERROR_CONTENT,
                    }
                responses.setdefault("default", {"description": "An error", "content": _ERROR_CONTENT})
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
