"""YooKassa's notifications are not signed: who sent one is all there is to check before re-reading the payment.

The networks YooKassa publishes for its notifications (the SDK's SecurityHelper lists narrower IPv6 /64s inside
2a02:5180::/32; the documentation's whole /32 is taken, so a new /64 of theirs is not refused).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_network

YOOKASSA_NETWORKS = tuple(
    ip_network(network)
    for network in (
        "185.71.76.0/27",
        "185.71.77.0/27",
        "77.75.153.0/25",
        "77.75.156.11/32",
        "77.75.156.35/32",
        "77.75.154.128/25",
        "2a02:5180::/32",
    )
)


def is_yookassa_address(address: IPv4Address | IPv6Address | None) -> bool:
    return address is not None and any(address in network for network in YOOKASSA_NETWORKS)
