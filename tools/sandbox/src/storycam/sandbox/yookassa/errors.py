"""YooKassa's error answers: ``{"type": "error", "id", "code", "description", "parameter"}`` with the HTTP status
its documentation gives each code (400 invalid_request, 401 invalid_credentials, 404 not_found, 500 …)."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import JSONResponse


class YooKassaApiError(Exception):
    def __init__(self, status_code: int, code: str, description: str, parameter: str | None = None) -> None:
        self.status_code = status_code
        self.code = code
        self.description = description
        self.parameter = parameter
        super().__init__(f"{status_code} {code}: {description}")

    def body(self) -> dict[str, str]:
        body = {"type": "error", "id": str(uuid.uuid4()), "code": self.code, "description": self.description}
        if self.parameter is not None:
            body["parameter"] = self.parameter
        return body


def invalid_request(description: str, parameter: str | None = None) -> YooKassaApiError:
    return YooKassaApiError(400, "invalid_request", description, parameter)


def not_found(description: str) -> YooKassaApiError:
    return YooKassaApiError(404, "not_found", description)


def internal_error() -> YooKassaApiError:
    return YooKassaApiError(500, "internal_server_error", "Internal server error. Repeat the request later.")


async def render_yookassa_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, YooKassaApiError)
    return JSONResponse(error.body(), status_code=error.status_code)
