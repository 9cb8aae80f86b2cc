"""Capacity benchmark: simulated patients in real flows, at a rising open-loop arrival rate, on each profile.

Run with `make bench-load` (or `.venv/bin/python bench/bench_load.py [--profiles ...] [--rates ...]`).

Two parts:
1. **Webhook against NLU alone** (the issue's measure), on the default profile: 20 clients sending with no
   pause, first to Rasa's ``POST /model/parse`` (NLU only), then to the REST webhook (NLU, tracker store,
   policies, action server, our actions' database work), the same message mix, in one run.
2. **Capacity**: patients arrive at random (a Poisson process, independent of how fast the servers answer:
   open loop) at a rising rate. Each goes through one real flow (a lesson with its buttons, a visit with its
   checklist and questions, questions answered from the content, a hand-off), pausing 1 to 3 s between
   messages like a quick typist (each server first gets every flow once, unmeasured: a server in service is
   warm). Per rate: messages answered per second (from the first message to the last answer, so the ramp
   down at the end counts: a little under the offered rate), p50/p95/p99 latency, errors (no answer, or not
   a 200), and memory; then the highest rate whose p95 stays under 300 ms. Profiles:
   ``default`` (SQLite, one Rasa server), ``production-1`` (PostgreSQL and Redis, one node) and
   ``production-2`` (two nodes; messages alternate between them as a load balancer without stickiness would
   send them, the hardest case for the shared stores).

The figures in the README come from this script on the project's 2-core machine, where the load generator
shares the two cores with every server: a real deployment puts them on separate machines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_servers import MESSAGES, percentile, rss_mb
from bot.credentials import rest_token
from bot.local_services import Backing, Node, ServiceUnavailable, start_nodes
from bot.rasa_api import api_url
from bot.settings import PROJECT_ROOT, Settings
from bot.training import ensure_model

# Each flow is what one patient sends, in order; the buttons are payloads the assistant offered just before.
FLOWS: dict[str, list[str]] = {
    "lesson": [
        "hello",
        "/privacy_ok",
        "tell me about asthma",
        "/lesson_next",
        "/lesson_next",
        "what does inhaler mean",
        "/continue_lesson",
        "/lesson_stop",
    ],
    "visit": [
        "hi",
        "/privacy_ok",
        "i have a blood test on friday",
        '/choose{"choice": "remind"}',
        '/choose{"choice": "done"}',
        "not yet",
        "/question_prompts",
        '/add_question{"prompt": "ask-me-3/0"}',
        "show my questions",
    ],
    "questions": [
        "/privacy_ok",
        "how does an inhaler work",
        "what do the two blood pressure numbers mean",
        "is my 150/95 high",
        "add a question: can I still drive?",
        "show my questions",
    ],
    "handoff": [
        "/privacy_ok",
        "can i talk to a person",
        "it is about my test results",
        "thank you",
    ],
}
SATURATION_MESSAGES = MESSAGES  # bench_servers' mix: the same kinds of message as `make bench`
P95_GOAL_MS = 300.0


# ---------------------------------------------------------------------------------------------------------------
# Part 1: the webhook against NLU alone


def _post(url: str, body: dict[str, object], headers: dict[str, str]) -> float:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def saturation(node: Node, clients: int = 20, rounds: int = 16) -> dict[str, float]:
    settings = node.settings
    webhook = f"{settings.rasa_url}/webhooks/rest/webhook"
    bearer = {"Authorization": f"Bearer {rest_token(settings)}"}
    parse = api_url(settings, "/model/parse")

    def nlu_client(_: int) -> list[float]:
        return [_post(parse, {"text": SATURATION_MESSAGES[i % 8]}, {}) for i in range(rounds)]

    def webhook_client(_: int) -> list[float]:
        # A new patient first says OK to the privacy note: a webhook message too, timed and counted with the
        # rest (the time it takes is inside the run's wall time either way).
        sender = f"sat-{uuid.uuid4().hex[:10]}"
        texts = ["/privacy_ok", *(SATURATION_MESSAGES[i % len(SATURATION_MESSAGES)] for i in range(rounds))]
        return [_post(webhook, {"sender": sender, "message": text}, bearer) for text in texts]

    figures: dict[str, float] = {}
    for name, client in (("nlu", nlu_client), ("webhook", webhook_client)):
        client(0)  # warm
        with ThreadPoolExecutor(clients) as pool:
            started = time.perf_counter()
            timings = [t for batch in pool.map(client, range(clients)) for t in batch]
            wall = time.perf_counter() - started
        figures[f"{name} msg/s"] = len(timings) / wall
        figures[f"{name} p50 ms"] = statistics.median(timings)
        figures[f"{name} p95 ms"] = percentile(timings, 95)
    figures["ratio"] = figures["webhook msg/s"] / figures["nlu msg/s"]
    return figures


# ---------------------------------------------------------------------------------------------------------------
# Part 2: capacity, open loop


@dataclass
class Step:
    offered: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    sent: int = 0
    seconds: float = 0.0  # from the first message sent to the last answer
    first: float = 0.0
    last: float = 0.0

    @property
    def achieved(self) -> float:
        return len(self.latencies) / (self.last - self.first) if self.last > self.first else 0.0


async def patient(
    http: aiohttp.ClientSession, urls: list[str], token: str, flow: list[str], step: Step, rng: random.Random
) -> None:
    sender = f"load-{uuid.uuid4().hex[:12]}"
    for n, text in enumerate(flow):
        url = urls[n % len(urls)]  # several nodes: each message to the next one, as a load balancer would
        started = time.perf_counter()
        step.first = step.first or started
        step.sent += 1
        try:
            async with http.post(
                url, json={"sender": sender, "message": text}, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200 or not body:
                    step.errors += 1
        except (TimeoutError, aiohttp.ClientError, ValueError):
            step.errors += 1
        step.last = time.perf_counter()
        step.latencies.append((step.last - started) * 1000)
        await asyncio.sleep(rng.uniform(1.0, 3.0))


async def run_rate(urls: list[str], token: str, rate: float, seconds: float, seed: int) -> Step:
    """Patients arrive for ``seconds`` at ``rate`` messages per second offered (patients per second = rate /
    mean messages per flow); every patient who arrived finishes their flow."""
    rng = random.Random(seed)
    flows = list(FLOWS.values())
    mean_messages = statistics.mean(len(f) for f in flows)
    step = Step(offered=rate)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as http:
        tasks: list[asyncio.Task[None]] = []
        started = time.perf_counter()
        arrival = 0.0
        while True:
            arrival += rng.expovariate(rate / mean_messages)
            if arrival > seconds:
                break
            delay = started + arrival - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            flow = rng.choice(flows)
            tasks.append(asyncio.create_task(patient(http, urls, token, flow, step, random.Random(rng.random()))))
        await asyncio.gather(*tasks)
        step.seconds = step.last - step.first
    return step


def capacity(nodes: list[Node], rates: list[float], seconds: float) -> list[Step]:
    urls = [f"{node.settings.rasa_url}/webhooks/rest/webhook" for node in nodes]
    token = rest_token(nodes[0].settings)
    for url in urls:  # each flow once per server, not measured: a server in service is warm
        for flow in FLOWS.values():
            sender = f"warm-{uuid.uuid4().hex[:12]}"
            for text in flow:
                _post(url, {"sender": sender, "message": text}, {"Authorization": f"Bearer {token}"})
    steps = []
    for n, rate in enumerate(rates):
        step = asyncio.run(run_rate(urls, token, rate, seconds, seed=n))
        steps.append(step)
        p95 = percentile(step.latencies, 95) if step.latencies else 0.0
        print(
            f"    {rate:5.1f} offered  {step.achieved:6.1f} msg/s  p50 "
            f"{statistics.median(step.latencies):6.0f}  p95 {p95:6.0f}  p99 {percentile(step.latencies, 99):6.0f} ms"
            f"  errors {step.errors}",
            flush=True,
        )
    return steps


def memory(nodes: list[Node]) -> str:
    rasa = sum(rss_mb(node.rasa.pid) for node in nodes)
    actions = sum(rss_mb(node.actions.pid) for node in nodes)
    return f"Rasa {rasa:.0f} MB, action servers {actions:.0f} MB (all nodes)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", nargs="*", default=["default", "production-1", "production-2"])
    parser.add_argument("--rates", nargs="*", type=float, default=[5, 10, 20, 30, 40, 50], help="messages/s offered")
    parser.add_argument("--seconds", type=float, default=45, help="how long patients arrive at each rate")
    parser.add_argument("--skip-saturation", action="store_true")
    args = parser.parse_args()

    model = ensure_model(Settings(project_dir=PROJECT_ROOT), quiet=True).model
    tables: dict[str, tuple[list[Step], str]] = {}
    ratio: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for profile in args.profiles:
            count = 2 if profile == "production-2" else 1
            backing = None
            if profile != "default":
                try:
                    backing = Backing.start(Path(tmp) / profile / "backing")
                except ServiceUnavailable as error:
                    print(f"{profile}: skipped ({error})")
                    continue
            nodes = start_nodes(backing, Path(tmp) / profile, model, count, handoff_hours="always")
            try:
                print(f"{profile}: {count} Rasa server(s)", flush=True)
                if profile == "default" and not args.skip_saturation:
                    ratio = saturation(nodes[0])
                    print("    " + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items()), flush=True)
                steps = capacity(nodes, args.rates, args.seconds)
                tables[profile] = (steps, memory(nodes))
            finally:
                for node in nodes:
                    for process in node.processes:
                        process.stop()
                if backing is not None:
                    backing.stop()

    print("\nplainhealth capacity benchmark (REST channel, real flows, 1-3 s pauses, open-loop arrivals)")
    if ratio:
        print(
            f"  webhook vs NLU alone, 20 clients without pauses: /model/parse {ratio['nlu msg/s']:.1f} msg/s, "
            f"webhook {ratio['webhook msg/s']:.1f} msg/s (p50 {ratio['webhook p50 ms']:.0f} ms, p95 "
            f"{ratio['webhook p95 ms']:.0f} ms): ratio {ratio['ratio']:.2f} (target >= 0.5)"
        )
    print("  | profile | offered msg/s | achieved msg/s | p50 ms | p95 ms | p99 ms | errors |")
    print("  |---|---|---|---|---|---|---|")
    for profile, (steps, _) in tables.items():
        for step in steps:
            print(
                f"  | {profile} | {step.offered:.0f} | {step.achieved:.1f} | "
                f"{statistics.median(step.latencies):.0f} | {percentile(step.latencies, 95):.0f} | "
                f"{percentile(step.latencies, 99):.0f} | {step.errors} |"
            )
    for profile, (steps, mem) in tables.items():
        good = [s.offered for s in steps if percentile(s.latencies, 95) < P95_GOAL_MS and not s.errors]
        best = f"{max(good):.0f} msg/s" if good else "none of the rates tried"
        print(f"  {profile}: highest rate with p95 < {P95_GOAL_MS:.0f} ms and no errors: {best}; {mem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
