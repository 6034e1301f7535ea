"""Who may claim to be YooKassa: its networks, seen through our own proxies only."""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from typing import Any

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from storycam.payments.cli import trust_only_our_proxies
from storycam.payments.senders import peer_address
from storycam.payments.settings import PaymentsSettings
from storycam.payments.yookassa.networks import is_yookassa_address

PROXIES = (ip_network("10.0.0.0/24"), ip_network("fd00::/64"))


def scope(peer: str | None, *forwarded: str) -> dict[str, Any]:
    return {
        "type": "http",
        "client": (peer, 50_000) if peer else None,
        "headers": [(b"x-forwarded-for", value.encode()) for value in forwarded],
    }


@pytest.mark.parametrize(
    "address",
    [
        "185.71.76.0",
        "185.71.76.31",
        "185.71.77.17",
        "77.75.153.0",
        "77.75.153.127",
        "77.75.156.11",
        "77.75.156.35",
        "77.75.154.128",
        "77.75.154.255",
        "2a02:5180:0:1509::17",
        "2a02:5180:ffff::1",
    ],
)
def test_yookassa_s_networks_are_yookassa(address: str) -> None:
    assert is_yookassa_address(ip_address(address))


@pytest.mark.parametrize(
    "address",
    [
        "185.71.76.32",  # just past the /27
        "185.71.78.1",
        "77.75.153.128",  # just past the /25
        "77.75.156.12",
        "77.75.154.127",
        "2a02:5181::1",
        "127.0.0.1",
        "10.0.0.5",
        "::1",
    ],
)
def test_anything_else_is_not(address: str) -> None:
    assert not is_yookassa_address(ip_address(address))
    assert not is_yookassa_address(None)


def test_without_trusted_proxies_the_peer_is_the_sender_whatever_it_forwards() -> None:
    assert peer_address(scope("203.0.113.9", "185.71.76.1"), ()) == ip_address("203.0.113.9")
    assert peer_address(scope("185.71.76.1"), ()) == ip_address("185.71.76.1")


def test_a_stranger_cannot_forward_for_yookassa_even_through_our_proxy() -> None:
    """The sender writes whatever it likes on the left; only the hop our proxy appended is believed."""
    forged = scope("10.0.0.2", "185.71.76.1, 203.0.113.9")
    assert peer_address(forged, PROXIES) == ip_address("203.0.113.9")
    forged_through_an_outside_peer = scope("203.0.113.9", "185.71.76.1")
    assert peer_address(forged_through_an_outside_peer, PROXIES) == ip_address("203.0.113.9")


def test_behind_a_chain_of_our_proxies_the_right_most_outsider_is_the_sender() -> None:
    chain = scope("10.0.0.2", "198.51.100.1", "185.71.76.1, 10.0.0.7")  # two headers, as some proxies send
    assert peer_address(chain, PROXIES) == ip_address("185.71.76.1")
    assert peer_address(scope("fd00::3", "2a02:5180::1"), PROXIES) == ip_address("2a02:5180::1")


def test_an_ipv4_peer_on_a_dual_stack_socket_is_its_ipv4_address() -> None:
    assert peer_address(scope("::ffff:185.71.76.1"), ()) == ip_address("185.71.76.1")
    assert peer_address(scope("::ffff:10.0.0.2", "185.71.77.1"), PROXIES) == ip_address("185.71.77.1")


def test_when_the_sender_cannot_be_known_there_is_none() -> None:
    assert peer_address(scope(None), PROXIES) is None
    assert peer_address(scope("10.0.0.2", "185.71.76.1, garbage"), PROXIES) is None
    assert peer_address(scope("10.0.0.2", "185.71.76.1:443"), PROXIES) is None
    assert peer_address(scope("not-an-address"), PROXIES) is None


def test_a_proxy_of_ours_forwarding_nothing_is_itself_the_sender() -> None:
    assert peer_address(scope("10.0.0.2"), PROXIES) == ip_address("10.0.0.2")
    assert peer_address(scope("10.0.0.2", "10.0.0.3"), PROXIES) == ip_address("10.0.0.3")


def test_uvicorn_is_told_to_believe_our_proxies_only() -> None:
    environ = {"FORWARDED_ALLOW_IPS": "*"}
    trust_only_our_proxies(PaymentsSettings(trusted_proxies="10.0.0.0/8,192.0.2.1"), environ)
    assert environ["FORWARDED_ALLOW_IPS"] == "10.0.0.0/8,192.0.2.1/32"
    trust_only_our_proxies(PaymentsSettings(trusted_proxies=""), environ)
    assert environ["FORWARDED_ALLOW_IPS"] == ""


async def test_with_our_proxies_uvicorn_never_takes_the_address_a_client_wrote() -> None:
    seen: list[object] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(peer_address(scope, [ip_network("10.0.0.0/8")]))

    middleware = ProxyHeadersMiddleware(app, trusted_hosts="10.0.0.0/8")
    scope = {
        "type": "http",
        "client": ("10.1.2.3", 5000),
        "headers": [(b"x-forwarded-for", b"185.71.76.10, 203.0.113.7")],
    }
    await middleware(scope, None, None)  # type: ignore[arg-type]
    assert seen == [ip_address("203.0.113.7")]
