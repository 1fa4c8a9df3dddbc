"""Which address is the client's behind trusted proxies (pure)."""

from __future__ import annotations

import pytest

from minsheng.http.proxies import parse_networks, real_client

TRUSTED = parse_networks("10.0.0.0/8, 192.168.1.7, ::1")


def test_a_connection_from_an_untrusted_peer_is_taken_as_it_is() -> None:
    assert real_client("203.0.113.1", "1.2.3.4", TRUSTED) == "203.0.113.1"


def test_the_right_most_untrusted_hop_is_the_client() -> None:
    assert real_client("10.0.0.2", "203.0.113.1", TRUSTED) == "203.0.113.1"
    assert real_client("10.0.0.2", "6.6.6.6, 203.0.113.1, 10.1.1.1", TRUSTED) == "203.0.113.1"
    assert real_client("::1", "2001:db8::5", TRUSTED) == "2001:db8::5"


def test_without_a_usable_header_the_proxy_itself_is_the_client() -> None:
    assert real_client("10.0.0.2", "", TRUSTED) == "10.0.0.2"
    assert real_client("10.0.0.2", "not-an-address", TRUSTED) == "10.0.0.2"
    assert real_client("10.0.0.2", "10.3.3.3", TRUSTED) == "10.3.3.3"


def test_a_bad_setting_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/33")
    assert parse_networks("") == ()
