"""Who sent a request: the peer of the connection, or the client a trusted proxy of ours says it forwarded.

Only proxies named in ``TRUSTED_PROXIES`` are believed. ``X-Forwarded-For`` is read from the right (the hop nearest
us) and the first address that is not one of our proxies is the sender: anything to its left was written by the
sender itself and proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv6Address, ip_address

from starlette.types import Scope

from storycam.payments.settings import Network

Address = IPv4Address | IPv6Address


def peer_address(scope: Scope, trusted_proxies: Iterable[Network]) -> Address | None:
    """The sender's address, or None when it cannot be known (no peer, or a hop that is not an address)."""
    proxies = tuple(trusted_proxies)
    client = scope.get("client")
    if not client:
        return None
    sender = _address(client[0])
    if sender is None or not _is_proxy(sender, proxies):
        return sender
    for hop in reversed(_forwarded_for(scope)):
        address = _address(hop)
        if address is None:
            return None  # garbled after a proxy of ours: refuse rather than guess
        if not _is_proxy(address, proxies):
            return address
        sender = address
    return sender  # every hop was one of ours: the farthest is the sender


def _forwarded_for(scope: Scope) -> list[str]:
    hops: list[str] = []
    for name, value in scope.get("headers", ()):
        if name.lower() == b"x-forwarded-for":
            hops.extend(part.strip() for part in value.decode("latin-1").split(","))
    return hops


def _address(text: str) -> Address | None:
    try:
        address = ip_address(text)
    except ValueError:
        return None
    # An IPv4 peer seen through a dual-stack socket (::ffff:185.71.76.1) is that IPv4 address.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_proxy(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)
