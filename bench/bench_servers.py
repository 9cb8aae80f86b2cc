"""Benchmark: training time, server start-up, REST reply latency (1 and 20 users), memory of each process.

Run with `make bench` (or `.venv/bin/python bench/bench_servers.py [--skip-train]`). Prints a table; the
figures in the README come from this script on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.credentials import rest_token
from bot.processes import ManagedProcess, action_server, free_port, rasa_server
from bot.settings import PROJECT_ROOT, Settings
from bot.training import ensure_model

MESSAGES = [
    "hello",
    "what can you do",
    "tell me about asthma",
    "what does hypertension mean",
    "what should i ask my doctor",
    "are you a bot",
    "thanks",
    "bye",
]


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process and its children (Sanic may fork), in MB."""
    if pid is None:
        return 0.0
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def post(url: str, sender: str, text: str, token: str) -> float:
    """One REST message, with the channel's bearer token (bot/channels/rest.py); milliseconds to the answer."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def user_session(url: str, rounds: int, token: str) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    return [post(url, sender, MESSAGES[i % len(MESSAGES)], token) for i in range(rounds)]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-train", action="store_true", help="reuse the current model, do not time training")
    parser.add_argument("--rounds", type=int, default=40, help="messages per user")
    args = parser.parse_args()

    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        project = Settings(project_dir=PROJECT_ROOT)
        if args.skip_train:
            model = ensure_model(project, quiet=True).model
        else:
            timed = Settings(project_dir=PROJECT_ROOT, models_dir=Path(tmp) / "models")
            trained = ensure_model(timed, force=True, quiet=True)
            results["training time (s)"] = trained.seconds
            model = trained.model

        settings = Settings(
            project_dir=PROJECT_ROOT, state_dir=Path(tmp) / "state", rasa_port=free_port(), action_port=free_port()
        )
        servers: list[ManagedProcess] = [action_server(settings), rasa_server(settings, model)]
        url = f"{settings.rasa_url}/webhooks/rest/webhook"
        token = rest_token(settings)
        try:
            started = time.monotonic()
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            post(url, "bench-warmup", "hello", token)
            results["start-up, process start to first answer (s)"] = time.monotonic() - started
            results["action server ready (s)"] = servers[0].ready_after

            single = user_session(url, args.rounds, token)
            results["1 user: p50 (ms)"] = statistics.median(single)
            results["1 user: p95 (ms)"] = percentile(single, 95)

            with ThreadPoolExecutor(max_workers=20) as pool:
                t0 = time.perf_counter()
                batches = list(pool.map(lambda _: user_session(url, args.rounds // 2, token), range(20)))
                wall = time.perf_counter() - t0
            many = [v for batch in batches for v in batch]
            results["20 users: p50 (ms)"] = statistics.median(many)
            results["20 users: p95 (ms)"] = percentile(many, 95)
            results["20 users: messages per second"] = len(many) / wall

            results["Rasa server RSS (MB)"] = rss_mb(servers[1].pid)
            results["action server RSS (MB)"] = rss_mb(servers[0].pid)
        finally:
            for server in servers:
                server.stop()

    width = max(len(k) for k in results)
    print(f"plainhealth server benchmark ({len(MESSAGES)} kinds of message, REST channel)")
    for key, value in results.items():
        print(f"  {key.ljust(width)}  {value:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
