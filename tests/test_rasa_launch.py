import argparse

from bot.rasa_launch import with_auth_token


def test_a_token_that_starts_with_a_dash_is_still_one_argument() -> None:
    argv = with_auth_token(["run", "--enable-api"], "-Zx9_token")
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("--auth-token")
    assert parser.parse_args(argv).auth_token == "-Zx9_token"


def test_a_token_given_already_is_kept() -> None:
    assert with_auth_token(["run", "--auth-token=abc"], "other") == ["run", "--auth-token=abc"]


def test_action_answers_are_still_checked_with_the_validator_built_once() -> None:
    import pytest
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_launch import _validate_action_results_once_compiled

    original = RemoteAction._validate_action_result
    _validate_action_results_once_compiled()
    try:
        action = RemoteAction("action_x", None)
        assert action._validate_action_result({"events": [{"event": "slot", "name": "a", "value": 1}]})
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result({"events": "not a list"})
    finally:
        RemoteAction._validate_action_result = original


def test_a_tracker_store_error_goes_through_instead_of_an_empty_memory() -> None:
    import asyncio

    import pytest
    import rasa.core.agent as agent
    from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
    from rasa.shared.core.domain import Domain

    from bot.rasa_launch import _strict_tracker_store

    class Down(InMemoryTrackerStore):
        async def retrieve(self, sender_id: str):  # type: ignore[no-untyped-def]
            raise ConnectionError("database down")

        async def save(self, tracker) -> None:  # type: ignore[no-untyped-def]
            raise ConnectionError("database down")

    original = agent.FailSafeTrackerStore
    _strict_tracker_store()
    try:
        store = agent.Agent._create_tracker_store(Down(Domain.empty()), Domain.empty())
        with pytest.raises(ConnectionError):
            asyncio.run(store.retrieve("ann"))
        # Rasa's own wrapper would have answered "no such conversation" and started it again from nothing.
        assert asyncio.run(FailSafeTrackerStore(Down(Domain.empty())).retrieve("ann")) is None
    finally:
        agent.FailSafeTrackerStore = original


def _rule(*states: dict) -> str:  # type: ignore[type-arg]
    import json

    return json.dumps(list(states), sort_keys=True)


def test_rules_are_matched_on_their_own_length_with_the_same_result() -> None:
    """A state further back than the longest rule cannot rule a rule out: comparing only the rules' length of
    states gives the same rules, and the work no longer grows with the conversation."""
    import random

    from rasa.core.policies.rule_policy import RulePolicy

    from bot.rasa_launch import _match_rules_on_their_own_length

    listen = {"prev_action": {"action_name": "action_listen"}}
    lookup = {
        _rule({**listen, "user": {"intent": "greet"}}): "utter_greet",
        _rule({"prev_action": {"action_name": "utter_menu"}}, {**listen, "user": {"intent": "affirm"}}): "a",
        _rule({}, {**listen, "user": {"intent": "start"}}): "utter_start",  # a conversation start rule
        _rule({**listen, "user": {"intent": "bye"}}, {"prev_action": {"action_name": "utter_bye"}}): "listen",
    }
    choices = [{**listen, "user": {"intent": i}} for i in ("greet", "affirm", "start", "bye", "other")] + [
        {"prev_action": {"action_name": a}} for a in ("utter_menu", "utter_bye", "utter_greet")
    ]
    policy = RulePolicy.__new__(RulePolicy)
    original = RulePolicy._get_possible_keys
    original_decode = RulePolicy._rule_key_to_state
    rng = random.Random(7)
    conversations = [[{}, *(rng.choice(choices) for _ in range(rng.randint(0, 40)))] for _ in range(400)]
    expected = [original(policy, lookup, states) for states in conversations]
    compared: list[int] = []

    def counting(key: str) -> list:  # type: ignore[type-arg]
        compared.append(1)
        return list(original_decode(key))

    _match_rules_on_their_own_length()
    try:
        assert [RulePolicy._get_possible_keys(policy, lookup, states) for states in conversations] == expected
        assert any(expected) and any(not keys for keys in expected)
        RulePolicy._rule_key_to_state = staticmethod(counting)  # type: ignore[method-assign]
        short = [{}, *conversations[0][-3:]]
        long = [{}, *(rng.choice(choices) for _ in range(200)), *conversations[0][-3:]]
        work = []
        for states in (short, long):
            compared.clear()
            RulePolicy._get_possible_keys(policy, lookup, states)
            work.append(len(compared))
        assert work[0] == work[1]  # Rasa looked at every rule again for each of the 200 earlier states
    finally:
        RulePolicy._get_possible_keys = original
        RulePolicy._rule_key_to_state = original_decode


def test_the_action_server_is_called_on_one_kept_connection_with_rasas_errors() -> None:
    import asyncio
    import json

    import pytest
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    from bot.rasa_launch import _keep_action_server_connections_open

    peers: list[object] = []
    bodies: list[object] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        body = await request.json()
        bodies.append(body)
        if body.get("fail"):
            return web.Response(status=500, text="broken")
        return web.json_response({"events": [], "echo": body, "token": request.query.get("token")})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", token="s3cret")
        try:
            body = {"sender_id": "ann", "text": "a/b é", "n": 1.5, "values": [1, None, True]}
            first = await endpoint.request(json=body, method="post", timeout=5)
            second = await endpoint.request(json=body, method="post", timeout=5)
            assert first == second == {"events": [], "echo": body, "token": "s3cret"}
            with pytest.raises(ClientResponseError) as failed:
                await endpoint.request(json={"fail": True}, method="post", timeout=5)
            assert failed.value.status == 500
            # NaN, which ujson refuses, still goes as Rasa sent it.
            await endpoint.request(json={"score": float("nan")}, method="post", timeout=5)
        finally:
            await endpoint.__dict__["_kept_session"][1].close()
            await runner.cleanup()

    original = EndpointConfig.request
    _keep_action_server_connections_open()
    try:
        asyncio.run(scenario())
    finally:
        EndpointConfig.request = original
    assert len(peers) == 4 and len(set(peers)) == 1  # Rasa opened a new connection for every call
    assert json.dumps(bodies[0], sort_keys=True) == json.dumps(bodies[1], sort_keys=True)


def test_whether_the_domain_is_empty_is_worked_out_once() -> None:
    from rasa.shared.core.domain import Domain

    from bot.rasa_launch import _domain_emptiness_once

    original = Domain.is_empty
    worked_out: list[int] = []

    def counted(self: Domain) -> bool:
        worked_out.append(1)
        return bool(original(self))

    Domain.is_empty = counted
    _domain_emptiness_once()
    try:
        empty, full = Domain.empty(), Domain.from_dict({"intents": ["greet"], "responses": {}})
        assert [empty.is_empty() for _ in range(3)] == [True] * 3
        assert [full.is_empty() for _ in range(3)] == [False] * 3
        assert len(worked_out) == 2
    finally:
        Domain.is_empty = original


def test_a_kept_connection_the_action_server_closed_is_replaced_once() -> None:
    """The action server closes a connection without answering (a restart, an idle connection closed just as
    it was used): the call goes again on a new connection. One that fails twice is Rasa's error."""
    import asyncio

    import aiohttp
    import pytest
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_launch import _keep_action_server_connections_open

    answered: list[int] = []
    dropped: list[int] = []
    drop_next = [1]

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            length = int(next(h.split(b":")[1] for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")))
            await reader.readexactly(length)
            if drop_next[0] > 0:
                drop_next[0] -= 1
                dropped.append(1)
                writer.close()  # no answer: what a restarted action server's old connection gives
                return
            answered.append(1)
            body = b'{"events": []}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()

    async def scenario() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            assert await endpoint.request(json={"n": 1}, method="post", timeout=5) == {"events": []}
            assert len(dropped) == 1 and len(answered) == 1
            drop_next[0] = 2
            with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
                await endpoint.request(json={"n": 2}, method="post", timeout=5)
            assert len(dropped) == 3 and len(answered) == 1
        finally:
            await endpoint.__dict__["_kept_session"][1].close()
            server.close()
            await server.wait_closed()

    original = EndpointConfig.request
    _keep_action_server_connections_open()
    try:
        asyncio.run(scenario())
    finally:
        EndpointConfig.request = original
