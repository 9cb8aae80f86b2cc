"""The supervisor behind `plainhealth run`, driven against real child processes (small HTTP servers).

Only the clock is made up, so minutes of back-off pass in milliseconds; the processes, signals, ports and
readiness probes are real.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.processes import STARTING, UP, WAITING, ManagedProcess, Supervisor, answers, free_port

SECRET = "tok-do-not-print-0123456789"


class FakeClock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def http_command(port: int, folder: Path, delay: float = 0.0) -> list[str]:
    """Python's own file server on ``port``; with ``delay``, it sleeps first, like Rasa loading its model."""
    serve = ["-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    if not delay:
        return [sys.executable, *serve]
    script = (
        f"import runpy, sys, time; time.sleep({delay}); sys.argv = ['http.server', *{serve[2:]!r}]; "
        "runpy.run_module('http.server', run_name='__main__')"
    )
    return [sys.executable, "-c", script]


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., ManagedProcess]]:
    """Start a real HTTP server as a ManagedProcess, ready; every one is stopped after the test."""
    made: list[ManagedProcess] = []

    def make(name: str, delay: float = 0.0) -> ManagedProcess:
        port = free_port()
        server = ManagedProcess(
            name=name,
            command=http_command(port, tmp_path, delay),
            ready_url=f"http://127.0.0.1:{port}/",
            log_path=tmp_path / "logs" / f"{name.replace(' ', '-')}.log",
            env={"PLAINHEALTH_API_TOKEN": SECRET},
        )
        made.append(server)
        server.start()
        server.wait_ready(timeout=30)
        return server

    yield make
    for server in made:
        server.stop()


def kill(server: ManagedProcess) -> int:
    """SIGKILL, as the OOM killer would; returns the pid that was killed, once it is really gone."""
    assert server.process is not None
    pid = server.process.pid
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: server.process is not None and server.process.poll() is not None, what="the kill")
    return pid


def bring_up(supervisor: Supervisor, name: str, also_serving: ManagedProcess | None = None) -> None:
    """Step the supervisor until ``name`` counts as up again, checking on the way that the other one serves."""

    def up() -> bool:
        supervisor.supervise_once()
        if also_serving is not None:
            assert answers(also_serving.ready_url), f"{also_serving.name} stopped answering during the restart"
        return supervisor.child(name).state == UP

    wait_for(up, what=f"{name} to be up again")


def crash_and_restart(supervisor: Supervisor, clock: FakeClock, server: ManagedProcess) -> float:
    """Kill ``server``, let the supervisor notice, wait out its back-off, and return the back-off it chose."""
    kill(server)
    supervisor.supervise_once()
    child = supervisor.child(server.name)
    assert child.state == WAITING and child.last_delay is not None
    delay = child.last_delay
    clock.advance(delay)
    bring_up(supervisor, server.name)
    return delay


def test_killed_server_is_restarted_alone_while_the_other_keeps_serving(
    make_server: Callable[..., ManagedProcess],
) -> None:
    actions, web = make_server("action server"), make_server("web app")
    clock, out = FakeClock(), io.StringIO()
    supervisor = Supervisor([actions, web], clock=clock, out=out)
    web_pid = web.pid

    old_pid = kill(actions)
    supervisor.supervise_once()
    assert supervisor.child("action server").state == WAITING
    clock.advance(0.5)  # not yet: the first back-off is 1 s
    supervisor.supervise_once()
    assert not actions.running() and actions.pid == old_pid

    clock.advance(0.5)
    bring_up(supervisor, "action server", also_serving=web)

    assert actions.pid != old_pid and actions.running()
    assert answers(actions.ready_url)
    assert web.pid == web_pid and web.running() and answers(web.ready_url)
    assert supervisor.child("web app").restarts == 0
    assert supervisor.child("action server").restarts == 1
    supervisor.stop()


def test_backoff_doubles_up_to_its_cap_and_resets_after_staying_up(
    make_server: Callable[..., ManagedProcess],
) -> None:
    server = make_server("action server")
    clock = FakeClock()
    supervisor = Supervisor([server], first_delay=1, max_delay=4, stable_after=300, clock=clock, out=io.StringIO())

    delays = [crash_and_restart(supervisor, clock, server)]
    clock.advance(299)  # up, but not for long enough to count as healed
    supervisor.supervise_once()
    delays += [crash_and_restart(supervisor, clock, server) for _ in range(3)]
    assert delays == [1, 2, 4, 4]

    clock.advance(300)  # five minutes up: the next crash starts the back-off again
    supervisor.supervise_once()
    assert supervisor.child("action server").failures == 0
    assert crash_and_restart(supervisor, clock, server) == 1
    supervisor.stop()


def test_restarted_server_counts_as_up_only_once_it_answers(make_server: Callable[..., ManagedProcess]) -> None:
    server = make_server("Rasa server", delay=1.0)
    clock = FakeClock()
    supervisor = Supervisor([server], stable_after=300, ready_timeout=10_000, clock=clock, out=io.StringIO())

    kill(server)
    supervisor.supervise_once()
    clock.advance(1)
    supervisor.supervise_once()  # restarted, but still "loading" for a second
    child = supervisor.child("Rasa server")
    assert child.state == STARTING and server.running() and not answers(server.ready_url)

    clock.advance(400)  # loading time must not count towards staying up
    bring_up(supervisor, "Rasa server")
    assert answers(server.ready_url)
    kill(server)
    supervisor.supervise_once()
    assert child.last_delay == 2  # not reset: it was up for no time at all
    supervisor.stop()


def test_server_that_dies_while_starting_is_retried_with_a_longer_wait(
    make_server: Callable[..., ManagedProcess],
) -> None:
    server = make_server("web app")
    working_command = server.command
    clock, out = FakeClock(), io.StringIO()
    supervisor = Supervisor([server], clock=clock, out=out)

    server.command = [sys.executable, "-c", "raise SystemExit(3)"]  # e.g. a broken upgrade
    kill(server)
    supervisor.supervise_once()
    clock.advance(1)
    supervisor.supervise_once()  # restarts it
    wait_for(lambda: server.process is not None and server.process.poll() is not None, what="the exit")
    supervisor.supervise_once()
    child = supervisor.child("web app")
    assert child.state == WAITING and child.last_exit == 3 and child.last_delay == 2
    assert "exited before it was ready (exit code 3)" in out.getvalue()

    server.command = working_command
    clock.advance(2)
    bring_up(supervisor, "web app")
    assert answers(server.ready_url)
    supervisor.stop()


def test_server_that_never_answers_is_stopped_and_retried(make_server: Callable[..., ManagedProcess]) -> None:
    server = make_server("action server")
    clock, out = FakeClock(), io.StringIO()
    supervisor = Supervisor([server], ready_timeout=30, clock=clock, out=out)

    server.command = [sys.executable, "-c", "import time; time.sleep(120)"]  # runs, but never serves
    kill(server)
    supervisor.supervise_once()
    clock.advance(1)
    supervisor.supervise_once()
    hung = server.process
    assert hung is not None and hung.poll() is None
    clock.advance(30)
    supervisor.supervise_once()
    assert hung.poll() is not None  # stopped, not left to linger
    assert supervisor.child("action server").last_delay == 2
    assert "did not answer within 30 s" in out.getvalue()
    supervisor.stop()


def test_crash_is_reported_in_one_warning_line_with_name_code_and_when(
    make_server: Callable[..., ManagedProcess], caplog: pytest.LogCaptureFixture
) -> None:
    server = make_server("web app")
    clock, out = FakeClock(), io.StringIO()
    supervisor = Supervisor([server], clock=clock, out=out)

    with caplog.at_level(logging.WARNING, logger="bot.processes"):
        kill(server)
        supervisor.supervise_once()
        crash_lines = out.getvalue().splitlines()
        assert len(crash_lines) == 1
        line = crash_lines[0]
        assert line.startswith("plainhealth: the web app exited (exit code -9, SIGKILL); restarting it in 1 s, at ")
        assert str(server.log_path) in line
        clock.advance(1)
        bring_up(supervisor, "web app")

    lines = out.getvalue().splitlines()
    assert len(lines) == 3  # the crash, the restart, back up
    assert "restarting the web app" in lines[1] and "web app is back up" in lines[2]
    records = [r for r in caplog.records if r.name == "bot.processes"]
    assert [r.getMessage() for r in records] == lines
    assert all(r.levelno == logging.WARNING for r in records)
    assert SECRET not in out.getvalue() and SECRET not in caplog.text
    supervisor.stop()


def test_line_is_not_printed_twice_when_logging_already_writes_there(
    make_server: Callable[..., ManagedProcess],
) -> None:
    server = make_server("action server")
    out = io.StringIO()
    handler = logging.StreamHandler(out)  # as `plainhealth run`'s basicConfig does, to stderr
    log = logging.getLogger("bot.processes")
    log.addHandler(handler)
    try:
        supervisor = Supervisor([server], clock=FakeClock(), out=out)
        kill(server)
        supervisor.supervise_once()
    finally:
        log.removeHandler(handler)
    assert out.getvalue().count("the action server exited") == 1
    supervisor.stop()


def test_stop_stops_everything_and_restarts_nothing_afterwards(make_server: Callable[..., ManagedProcess]) -> None:
    actions, web = make_server("action server"), make_server("web app")
    clock = FakeClock()
    supervisor = Supervisor([actions, web], clock=clock, out=io.StringIO())
    kill(actions)
    supervisor.supervise_once()  # a restart is now due in 1 s
    crashed, serving = actions.process, web.process

    supervisor.stop()
    assert not web.running() and not answers(web.ready_url)
    clock.advance(3600)
    for _ in range(3):
        supervisor.supervise_once()
    loop = threading.Thread(target=supervisor.run, daemon=True)
    loop.start()
    loop.join(timeout=5)
    assert not loop.is_alive()  # run() returns at once: it is stopped
    assert actions.process is crashed and web.process is serving  # nobody was started again
    assert not actions.running() and not answers(actions.ready_url)
    assert supervisor.child("action server").restarts == 0


def test_run_loop_restarts_with_the_real_clock_and_stops_from_another_thread(
    make_server: Callable[..., ManagedProcess],
) -> None:
    actions, web = make_server("action server"), make_server("web app")
    supervisor = Supervisor([actions, web], first_delay=0.2, poll_interval=0.05, out=io.StringIO())
    loop = threading.Thread(target=supervisor.run, daemon=True)
    loop.start()

    old_pid = kill(actions)
    wait_for(lambda: actions.pid != old_pid and answers(actions.ready_url), what="the restart")
    assert web.running() and answers(web.ready_url)

    supervisor.stop()
    loop.join(timeout=10)
    assert not loop.is_alive()
    assert not actions.running() and not web.running()
