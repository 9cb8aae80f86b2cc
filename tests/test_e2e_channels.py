"""The socket.io channel takes connections only from the sites the clinic lists (real Rasa server)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import pytest
import socketio

pytestmark = pytest.mark.e2e


def handshake(servers, origin: str) -> tuple[int, list[str], str]:
    request = urllib.request.Request(
        f"{servers.settings.rasa_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            allow = response.headers.get_all("Access-Control-Allow-Origin") or []
            return response.status, allow, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Access-Control-Allow-Origin") or [], error.read().decode()


def test_a_listed_site_may_connect_and_gets_exactly_one_cors_answer(servers) -> None:
    listed = servers.settings.allowed_origins[0]  # the test clinic lists the page that embeds the widget
    status, allow, body = handshake(servers, listed)
    assert status == 200 and allow == [listed] and '"sid"' in body
    web = servers.settings.web_url  # the demo page on the web app is always allowed
    assert handshake(servers, web)[0] == 200


def test_any_other_site_is_refused_whatever_the_transport(servers) -> None:
    status, allow, body = handshake(servers, "http://evil.example")
    assert status == 400 and allow == [] and "not an accepted origin" in body

    async def connect() -> bool:
        client = socketio.AsyncClient(reconnection=False)
        try:
            await client.connect(
                servers.settings.rasa_url,
                headers={"Origin": "http://evil.example"},
                transports=["polling"],
                wait_timeout=5,
            )
        except socketio.exceptions.ConnectionError:
            return False
        await client.disconnect()
        return True

    assert asyncio.run(connect()) is False
