"""Start the action server with the answer index already built: ``python -m bot.action_launch <rasa_sdk args>``.

The index (bot/answers/) reads the sentence model and the passage vectors when it is first used. Built
lazily, that cost (a second or two, half a minute with no vectors on disk) fell on the first patient who
asked a question after each start, beyond Rasa's action time-out under load. Here it is built before the
server listens, so the server is "ready" only when it can answer at full speed.
"""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger(__name__)


def main(argv: list[str]) -> None:
    from bot.runtime import get_runtime

    try:
        get_runtime().answerer  # noqa: B018 - built now, kept by the runtime for every action
    except Exception as error:  # the actions build it themselves on first use; never refuse to start for it
        logger.warning("The answer index was not built at start (%s).", type(error).__name__)
    from rasa_sdk.__main__ import main as rasa_sdk_main

    sys.argv = ["rasa_sdk", *argv]
    rasa_sdk_main()


if __name__ == "__main__":
    main(sys.argv[1:])
