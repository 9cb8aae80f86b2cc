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
