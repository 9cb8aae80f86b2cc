"""Start Rasa so that an emergency is answered without the action server: ``python -m bot.rasa_launch ...``.

Two things in Rasa 3.6 made a slow or dead action server silence even an emergency:
- it waits 300 s for every custom action (``DEFAULT_REQUEST_TIMEOUT``, not configurable): here the wait is
  ``--action-timeout`` seconds (PLAINHEALTH_ACTION_TIMEOUT_SECONDS);
- a new conversation starts with our custom ``action_session_start``; when it fails, its events are lost and
  no rule matches the first message, so the reply is empty. Here a failed custom session start falls back to
  Rasa's own, so the rules (and the emergency guidance, a response Rasa serves itself) still apply.
It also locks Rasa's HTTP API with ``--auth-token`` (bot/credentials.py), added here so that the token is
never on a command line; and it keeps patients' words out of Rasa's structured log events (below).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

logger = logging.getLogger(__name__)


def _start_sessions_without_the_action_server() -> None:
    from rasa.core.actions.action import ActionSessionStart, RemoteAction

    custom_run = RemoteAction.run

    async def run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
        try:
            return await custom_run(self, *args, **kwargs)
        except Exception:
            if self.name() != ActionSessionStart().name():
                raise
            logger.warning("The action server did not answer: the conversation starts without it.")
            return await ActionSessionStart().run(*args, **kwargs)

    RemoteAction.run = run


# Fields of Rasa's structured log events that say what happened, not what anyone wrote.
KEPT_LOG_FIELDS = frozenset({"event", "event_info", "event_key", "level", "timestamp", "logger", "logger_name"})


def _withhold_patient_words() -> None:
    """Rasa 3.6 logs structured events with message text, slot values and tracebacks with local variables
    (the response filler alone logs every button payload at ERROR, with the slots in its locals). Rasa Open
    Source's own hook for this (its "anonymization pipeline") is empty, so its first processor is replaced:
    every field but the event's name and description is withheld, and a traceback becomes the error's type.
    At PLAINHEALTH_LOG_LEVEL=DEBUG nothing is withheld, for a developer on their own machine."""
    import os

    import rasa.utils.log_utils as log_utils

    if os.environ.get("PLAINHEALTH_LOG_LEVEL", "").upper() == "DEBUG":
        return

    def withhold(_logger: Any, _name: str, event: dict[str, Any]) -> dict[str, Any]:
        if event.pop("exc_info", None):
            error = sys.exc_info()[0]
            event["error"] = error.__name__ if error else "unknown"
        for key in list(event):
            if key not in KEPT_LOG_FIELDS and key != "error":
                event[key] = "<withheld>"
        return event

    log_utils._anonymizer = withhold


# How often a message waits for the one before it in the same conversation to finish (Rasa: every second,
# so a patient who sends two messages quickly waited a second for the second answer).
LOCK_WAIT_SECONDS = 0.05


def _shorter_lock_waits() -> None:
    from rasa.core.lock_store import LOCK_LIFETIME, LockStore

    original = LockStore.lock

    def lock(
        self: LockStore,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = LOCK_WAIT_SECONDS,
    ) -> Any:
        return original(self, conversation_id, lock_lifetime, min(wait_time_in_seconds, LOCK_WAIT_SECONDS))

    LockStore.lock = lock


def _strict_tracker_store() -> None:
    """Rasa wraps every tracker store in a "fail-safe" one: when the database cannot be read, the patient's
    conversation silently starts again from nothing, and what it saves goes to this process's memory, lost
    when the database is back. Here an error goes through instead: the channel tells the patient to send the
    message again (bot/channels/), and nothing is answered from, or saved to, an empty memory."""
    import rasa.core.agent as agent
    from rasa.core.tracker_store import FailSafeTrackerStore

    class StrictTrackerStore(FailSafeTrackerStore):
        async def retrieve(self, sender_id: str) -> Any:
            return await self._tracker_store.retrieve(sender_id)

        async def retrieve_full_tracker(self, sender_id: str) -> Any:
            return await self._tracker_store.retrieve_full_tracker(sender_id)

        async def save(self, tracker: Any) -> None:
            await self._tracker_store.save(tracker)

        async def keys(self) -> Any:
            return await self._tracker_store.keys()

    agent.FailSafeTrackerStore = StrictTrackerStore


def _validate_action_results_once_compiled() -> None:
    """Rasa checks every answer from the action server against a JSON schema with ``jsonschema.validate``,
    which first checks the schema itself: a quarter of the Rasa server's time per message when profiled
    (docs/scaling.md). The same check, with the validator built once."""
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the "
                f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise

    RemoteAction._validate_action_result = validate


def _match_rules_on_their_own_length() -> None:
    """RulePolicy compares each rule with every state of the session, newest first, twice a prediction. A state
    further back than a rule is long cannot rule that rule out (``_is_rule_applicable``), so only the longest
    rule's length of states can change the answer: the same rules match when only those are compared, and the
    cost no longer grows with the conversation (docs/scaling.md). Each rule's states are also decoded and
    reversed once, not once per rule, state and prediction."""
    from rasa.core.policies.rule_policy import PREVIOUS_ACTION, RulePolicy

    original = RulePolicy._get_possible_keys
    # id of a lookup table -> (the table, its longest rule, its rules' states reversed); a loaded model's
    # tables do not change (the patch is applied to `rasa run` only, not to training, which prunes them).
    prepared: dict[int, tuple[dict[str, str], int, list[tuple[str, list[Any]]]]] = {}

    def applicable(self: RulePolicy, rule: list[Any], turn: int, state: dict[str, Any]) -> bool:
        # The same test as RulePolicy._is_rule_applicable, on the rule's states already reversed.
        if turn >= len(rule):
            return True
        current, wanted = state.get(PREVIOUS_ACTION), rule[turn].get(PREVIOUS_ACTION)
        if not wanted and not current:
            return True
        if not wanted or not current:
            return False
        return bool(self._does_rule_match_state(rule[turn], state))

    def get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[Any]) -> Any:
        if type(self)._is_rule_applicable is not original_applicable:
            return original(self, lookup, states)  # a subclass changed the test: Rasa's own loop
        known = prepared.get(id(lookup))
        if known is None or known[0] is not lookup or len(known[2]) != len(lookup):
            rules = [(key, list(reversed(self._rule_key_to_state(key)))) for key in lookup]
            known = prepared[id(lookup)] = (lookup, max((len(r) for _, r in rules), default=0), rules)
        _, longest, rules = known
        for turn, state in enumerate(reversed(states[len(states) - longest :] if longest < len(states) else states)):
            rules = [(key, rule) for key, rule in rules if applicable(self, rule, turn, state)]
        return {key for key, _ in rules}

    original_applicable = RulePolicy._is_rule_applicable
    RulePolicy._get_possible_keys = get_possible_keys


# Under the action server's own keep-alive (Sanic: 5 s), so a connection it is closing is not used again.
KEEP_ALIVE_SECONDS = 2.0


def _keep_action_server_connections_open() -> None:
    """Rasa opens a new HTTP session, and so a new connection, for every call to the action server, and
    encodes the whole conversation with the standard json module. Here each endpoint keeps one session (its
    connections kept open for KEEP_ALIVE_SECONDS), and the body is encoded by ujson. Otherwise the request is
    Rasa's: the same headers, authentication, parameters, timeout and errors."""
    import asyncio
    import json
    import ssl

    import aiohttp
    import ujson
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

    def encode(body: Any) -> str:
        try:
            return str(ujson.dumps(body, ensure_ascii=False, escape_forward_slashes=False))
        except (OverflowError, TypeError, ValueError):
            return json.dumps(body)  # what ujson refuses (NaN), as Rasa encoded it

    def kept_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        kept = endpoint.__dict__.get("_kept_session")
        if kept is not None and kept[0] is loop and not kept[1].closed:
            return kept[1]
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
        sslcontext = ssl.create_default_context(cafile=endpoint.cafile) if endpoint.cafile else None
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS, ssl=sslcontext or True),
            json_serialize=encode,
        )
        endpoint.__dict__["_kept_session"] = (loop, session)
        return session

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        timeout = kwargs.pop("timeout", None)
        if timeout is not None and not isinstance(timeout, aiohttp.ClientTimeout):
            timeout = aiohttp.ClientTimeout(total=timeout)
        params = self.combine_parameters(kwargs)
        for attempt in (1, 2):
            try:
                async with kept_session(self).request(
                    method,
                    concat_url(self.url, subpath),
                    headers=headers,
                    params=params,
                    compress=compress,
                    timeout=timeout,
                    **kwargs,
                ) as response:
                    if response.status >= 400:
                        raise ClientResponseError(response.status, response.reason, await response.content.read())
                    try:
                        return await response.json()
                    except aiohttp.ContentTypeError:
                        return None
            except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError):
                # A kept connection the action server closed without answering (it was restarted, or closed
                # an idle connection just as it was used): once more, on a new connection. Rasa opened a new
                # one for every call, so it never met this.
                if attempt == 2:
                    raise
        return None

    EndpointConfig.request = request


def _domain_emptiness_once() -> None:
    """Rasa asks whether the domain is empty for every message, by building an empty domain and comparing
    both as dictionaries. A loaded domain does not change: the answer is kept."""
    from rasa.shared.core.domain import Domain

    original = Domain.is_empty

    def is_empty(self: Domain) -> bool:
        known = self.__dict__.get("_known_empty")
        if known is None:
            known = self.__dict__["_known_empty"] = original(self)
        return bool(known)

    Domain.is_empty = is_empty


def with_auth_token(argv: list[str], token: str) -> list[str]:
    """``--auth-token=<token>`` in one piece: a random token may start with "-", which argparse would read as
    another option (the server then refused to start, one time in 64)."""
    if any(a == "--auth-token" or a.startswith("--auth-token=") for a in argv):
        return argv
    return [*argv, f"--auth-token={token}"]


def main(argv: list[str]) -> None:
    timeout = 10
    if len(argv) >= 2 and argv[0] == "--action-timeout":
        timeout, argv = int(argv[1]), argv[2:]
    import rasa.core.actions.action as remote_actions
    from rasa.__main__ import main as rasa_main

    remote_actions.DEFAULT_REQUEST_TIMEOUT = timeout  # read at call time by RemoteAction.run
    _start_sessions_without_the_action_server()
    _withhold_patient_words()
    _shorter_lock_waits()
    _strict_tracker_store()
    _validate_action_results_once_compiled()
    if argv and argv[0] == "run":
        _match_rules_on_their_own_length()
        _keep_action_server_connections_open()
        _domain_emptiness_once()
    if argv and argv[0] == "run" and "--enable-api" in argv:
        from bot.credentials import api_token
        from bot.settings import Settings

        # Here, not on the command line: every local user can read a process's arguments.
        argv = with_auth_token(argv, api_token(Settings.from_env()))
    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
