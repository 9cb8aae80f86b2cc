"""Rasa's socket.io channel, accepting only the sites a clinic lists (the widget's origin allow-list).

Rasa 3.6 builds its socket.io server with CORS handling switched off (`cors_allowed_origins=[]`) and leaves
origins to the HTTP server's `--cors` option, which browsers honour for polling but not for websockets. So
any site could embed a clinic's assistant. This channel is Rasa's own, with one change: the socket.io server
is given the allow-list, and python-engineio refuses a connection from any other origin, whatever the
transport. Everything else (events, session persistence, output for external events) is Rasa's code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import rasa.core.channels.socketio as rasa_socketio
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint


class ClinicSocketIOInput(rasa_socketio.SocketIOInput):
    """The `socketio` channel with an origin allow-list (`allowed_origins` in the credentials)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"  # the same channel name, so replies to "the latest channel" still find it

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.allowed_origins = [str(o).rstrip("/") for o in credentials.get("allowed_origins") or []]
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        allowed = list(getattr(self, "allowed_origins", []))
        original = rasa_socketio.AsyncServer

        def server(*args: Any, **kwargs: Any) -> Any:
            kwargs["cors_allowed_origins"] = allowed
            return original(*args, **kwargs)

        rasa_socketio.AsyncServer = server
        try:
            return super().blueprint(on_new_message)
        finally:
            rasa_socketio.AsyncServer = original
