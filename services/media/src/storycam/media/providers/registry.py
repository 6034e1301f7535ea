"""Providers by name. Each entry says how to make the provider from the settings (None: not configured here) and
what a job costs in the ledger; adding a provider is one line in ``REGISTRY``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from storycam.contracts.media import KissCamProvider
from storycam.contracts.payments import ChargeKind
from storycam.media.providers.base import VideoProvider
from storycam.media.providers.classic import ClassicProvider
from storycam.media.providers.grok import GrokProvider
from storycam.media.settings import MediaSettings


@dataclass(frozen=True)
class ProviderEntry:
    make: Callable[[MediaSettings], VideoProvider | None]
    charge_kind: ChargeKind


REGISTRY: Mapping[KissCamProvider, ProviderEntry] = {
    "classic": ProviderEntry(lambda _: ClassicProvider(), "kisscam.classic"),
    "grok": ProviderEntry(GrokProvider.from_settings, "kisscam.ai"),  # None without XAI_API_KEY
}


class Providers:
    """The providers configured in this process, made once by the lifespan (or the worker command)."""

    def __init__(self, available: Mapping[KissCamProvider, VideoProvider]) -> None:
        self._available = dict(available)

    @classmethod
    def from_settings(cls, settings: MediaSettings) -> Providers:
        made = {name: entry.make(settings) for name, entry in REGISTRY.items()}
        return cls({name: provider for name, provider in made.items() if provider is not None})

    @property
    def names(self) -> list[KissCamProvider]:
        return list(self._available)

    def get(self, name: KissCamProvider) -> VideoProvider | None:
        return self._available.get(name)

    @staticmethod
    def charge_kind(name: KissCamProvider) -> ChargeKind:
        return REGISTRY[name].charge_kind if name in REGISTRY else "kisscam.ai"

    async def aclose(self) -> None:
        for provider in self._available.values():
            await provider.aclose()
