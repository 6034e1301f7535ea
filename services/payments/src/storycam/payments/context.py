"""What the payments routes share, made once at start-up: the catalogue, the settings, YooKassa, the sealer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from storycam.payments.catalogue.models import Catalogue
from storycam.payments.sealing import Sealer
from storycam.payments.settings import PaymentsSettings
from storycam.payments.yookassa.client import YooKassaClient


@dataclass(frozen=True)
class PaymentsContext:
    settings: PaymentsSettings
    catalogue: Catalogue
    yookassa: YooKassaClient | None
    sealer: Sealer


async def get_payments(request: Request) -> PaymentsContext:
    context: PaymentsContext = request.app.state.payments
    return context


Payments = Annotated[PaymentsContext, Depends(get_payments)]
