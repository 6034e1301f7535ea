"""What the services declare, as the deploy files must mirror it: the paths the world may reach, and whose they are."""

from __future__ import annotations

from storycam.gateway.app import DEFINITION as GATEWAY
from storycam.kit.app import ServiceDefinition
from storycam.media.app import DEFINITION as MEDIA
from storycam.payments.app import DEFINITION as PAYMENTS
from storycam.story.app import DEFINITION as STORY

DEFINITIONS: tuple[ServiceDefinition, ...] = (GATEWAY, STORY, MEDIA, PAYMENTS)


def public_paths() -> dict[str, str]:
    """Each service's own public routes (a webhook a provider posts to) -> the service: what a reverse proxy or an
    Ingress routes from outside. The kit's probes and /metrics are public to the cluster's agents, not to the world,
    so they are not among them."""
    paths: dict[str, str] = {}
    for definition in DEFINITIONS:
        for route in definition.public_routes:
            assert route.path not in paths, f"{route.path} is declared by {paths[route.path]} and {definition.name}"
            paths[route.path] = definition.name
    return paths
