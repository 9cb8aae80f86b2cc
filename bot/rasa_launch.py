"""Start Rasa so that an emergency is answered without the action server: ``python -m bot.rasa_launch ...``.

Two things in Rasa 3.6 made a slow or dead action server silence even an emergency:
- it waits 300 s for every custom action (``DEFAULT_REQUEST_TIMEOUT``, not configurable): here the wait is
  ``--action-timeout`` seconds (PLAINHEALTH_ACTION_TIMEOUT_SECONDS);
- a new conversation starts with our custom ``action_session_start``; when it fails, its events are lost and
  no rule matches the first message, so the reply is empty. Here a failed custom session start falls back to
  Rasa's own, so the rules (and the emergency guidance, a response Rasa serves itself) still apply.
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


def main(argv: list[str]) -> None:
    timeout = 10
    if len(argv) >= 2 and argv[0] == "--action-timeout":
        timeout, argv = int(argv[1]), argv[2:]
    import rasa.core.actions.action as remote_actions
    from rasa.__main__ import main as rasa_main

    remote_actions.DEFAULT_REQUEST_TIMEOUT = timeout  # read at call time by RemoteAction.run
    _start_sessions_without_the_action_server()
    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main(sys.argv[1:])
