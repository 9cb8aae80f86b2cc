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
