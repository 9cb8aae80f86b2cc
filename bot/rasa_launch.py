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
    if argv and argv[0] == "run" and "--enable-api" in argv:
        from bot.credentials import api_token
        from bot.settings import Settings

        # Here, not on the command line: every local user can read a process's arguments.
        argv = with_auth_token(argv, api_token(Settings.from_env()))
    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
