"""What the emulated API accepts, validated as YooKassa validates it; a refusal names the parameter at fault."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from storycam.sandbox.yookassa.errors import YooKassaApiError, invalid_request

MAX_BODY_BYTES = 1024 * 1024
MAX_IDEMPOTENCE_KEY = 64
MAX_AMOUNT = Decimal("100000000")  # far above any one payment; keeps arithmetic on amounts exact
_LENIENT = ConfigDict(frozen=True, extra="ignore")  # fields the emulator does not model are let through

Body = TypeVar("Body", bound=BaseModel)


class AmountBody(BaseModel):
    model_config = _LENIENT

    value: Decimal
    currency: Literal["RUB"]  # the emulated shop takes roubles only

    @field_validator("value")
    @classmethod
    def _kopecks(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or not 0 < value <= MAX_AMOUNT:
            raise ValueError(f"must be a positive amount up to {MAX_AMOUNT}")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise ValueError("has at most two digits after the point")
        return value.quantize(Decimal("0.01"))


class ConfirmationBody(BaseModel):
    model_config = _LENIENT

    type: Literal["redirect"]  # the only confirmation scenario the emulator's checkout page plays
    return_url: str = Field(min_length=1, max_length=2048, pattern=r"^https?://")


class ReceiptCustomerBody(BaseModel):
    model_config = _LENIENT

    email: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, pattern=r"^\d{11,15}$")

    @model_validator(mode="after")
    def _contact(self) -> ReceiptCustomerBody:
        if self.email is None and self.phone is None:
            raise ValueError("needs an email or a phone")
        return self


class ReceiptItemBody(BaseModel):
    model_config = _LENIENT

    description: str = Field(min_length=1, max_length=128)
    quantity: Decimal = Field(gt=0, le=99999, allow_inf_nan=False)
    amount: AmountBody
    vat_code: int = Field(ge=1, le=12)
    payment_mode: str | None = None
    payment_subject: str | None = None


class ReceiptBody(BaseModel):
    model_config = _LENIENT

    customer: ReceiptCustomerBody
    items: list[ReceiptItemBody] = Field(min_length=1, max_length=100)
    tax_system_code: int | None = Field(default=None, ge=1, le=6)

    def total(self) -> Decimal:
        return sum((item.amount.value * item.quantity for item in self.items), Decimal("0")).quantize(Decimal("0.01"))


class PaymentBody(BaseModel):
    model_config = _LENIENT

    amount: AmountBody
    capture: bool = False  # YooKassa's default is two-stage: the money waits for a capture
    confirmation: ConfirmationBody
    description: str | None = Field(default=None, max_length=128)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=16)
    receipt: ReceiptBody | None = None

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, metadata: dict[str, str]) -> dict[str, str]:
        if any(len(key) > 32 or len(value) > 512 for key, value in metadata.items()):
            raise ValueError("keys have at most 32 characters and values at most 512")
        return metadata


class RefundBody(BaseModel):
    model_config = _LENIENT

    payment_id: str = Field(min_length=1, max_length=64)
    amount: AmountBody
    description: str | None = Field(default=None, max_length=250)


def parse_json(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise invalid_request("The request body is too large.")
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise invalid_request("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise invalid_request("The request body must be a JSON object.")
    return value


def validated(model: type[Body], value: dict[str, Any]) -> Body:
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise _refusal(error) from None


def _refusal(error: ValidationError) -> YooKassaApiError:
    first = error.errors()[0]
    parameter = ".".join(str(part) for part in first["loc"]) or None
    if first["type"] == "missing":
        return invalid_request(f"Missing required parameter {parameter}.", parameter)
    return invalid_request(f"Invalid value of parameter {parameter}: {first['msg']}.", parameter)


def idempotence_key(value: str | None) -> str:
    if not value:
        raise invalid_request("The Idempotence-Key header is required for this request.", "Idempotence-Key")
    if len(value) > MAX_IDEMPOTENCE_KEY:
        raise invalid_request(f"Idempotence key is longer than {MAX_IDEMPOTENCE_KEY} characters.", "Idempotence-Key")
    return value
