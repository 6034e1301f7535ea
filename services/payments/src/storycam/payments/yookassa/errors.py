"""What can go wrong talking to YooKassa, as the service's error tree sees it."""

from __future__ import annotations

from storycam.kit.errors import StorycamError


class YooKassaError(StorycamError):
    status_code = 502
    code = "yookassa_error"
    default_detail = "The card payment provider answered something we do not understand."


class YooKassaUnavailable(YooKassaError):
    """5xx, 429 or no answer, still so after every retry: the outcome of a create is unknown, not failed."""

    status_code = 503
    code = "yookassa_unavailable"
    default_detail = "The card payment provider is not answering; try again shortly."


class YooKassaRejected(YooKassaError):
    """A 4xx: the request itself is wrong (or our credentials are); sending it again changes nothing."""

    code = "yookassa_rejected"
    default_detail = "The card payment provider refused the request."

    def __init__(self, http_status: int, error_code: str | None, description: str | None, parameter: str | None):
        self.http_status = http_status
        self.error_code = error_code
        self.parameter = parameter
        where = f" (parameter {parameter})" if parameter else ""
        what = f"{error_code or 'error'}: {description or 'no description'}{where}"
        super().__init__(f"YooKassa answered {http_status} {what}")
