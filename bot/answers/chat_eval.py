"""The answer sets through the whole assistant: ``python -m bot.answers.chat_eval [sets...]``.

`bot.answers.evaluate` asks the answerer directly. A patient's question first goes through the NLU, and a
general question the NLU takes for something else (getting ready for a visit, a lesson, a reminder, "not
understood") never reaches the answerer. Here each covered general question of a set is sent, as the first
message of a new conversation (after the privacy note), to a real Rasa server and action server over the
REST channel, and the reply is read:

- **right passage**: the answer names the labelled lesson and part;
- **lesson part**: the lesson started (or went on) and showed the labelled part ("what is asthma exactly"
  starts the asthma lesson at "What is asthma?"): the right words, as a lesson step, not as an answer;
- **other passage**: an answer from another part;
- **refused**: the kind refusal of a personal question;
- **not covered**: "I don't have a plain answer";
- **elsewhere**: anything else (a lesson started, the visit form, a menu, "say it another way").

And each personal question of the set: **personal refused** is the share that got the kind refusal (or the
emergency number, for the few that sound like danger); **personal answered** the share answered from a
lesson as if general (the miss that matters); the rest were taken for another request (a lesson, the list).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.answers.evaluate import SETS, _half
from bot.content.loader import load_library
from bot.settings import PROJECT_ROOT, Settings

OUTCOMES = ("right passage", "lesson part", "other passage", "refused", "not covered", "elsewhere")


def outcome(replies: list[dict[str, Any]], module_title: str, section: str, opening: str = "") -> str:
    """``opening``: the labelled part's first line, as the lesson shows it."""
    text = "\n".join(str(r.get("text") or "") for r in replies)
    if f'from the lesson "{module_title}: {section}"' in text:
        return "right passage"
    if opening and opening in text and "This is from the lesson" not in text:
        return "lesson part"
    if "This is from the lesson" in text:
        return "other passage"
    if "I can't give medical advice" in text:
        return "refused"
    if "I don't have a plain answer" in text:
        return "not covered"
    return "elsewhere"


def main(argv: list[str] | None = None) -> int:
    from bot.credentials import rest_token
    from bot.processes import action_server, free_port, rasa_server
    from bot.training import ensure_model

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "sets", nargs="*", type=Path, help="evaluation files (default: every file in tests/data/answers)"
    )
    parser.add_argument("--half", type=int, choices=(0, 1), help="every other question only")
    parser.add_argument("--misses", action="store_true", help="list the questions that did not get their passage")
    parser.add_argument("--replies", action="store_true", help="with --misses: what the assistant said to each")
    args = parser.parse_args(argv)

    library = load_library(PROJECT_ROOT / "content")
    titles = {m.id: m.title for m in library.modules.values()}
    openings = {
        (m.id, part.title): library.profile.fill(part.text).strip().splitlines()[0]
        for m in library.modules.values()
        for part in m.sections
    }
    model = ensure_model(Settings(project_dir=PROJECT_ROOT), quiet=True).model
    with tempfile.TemporaryDirectory() as state:
        settings = Settings(
            project_dir=PROJECT_ROOT, state_dir=Path(state), rasa_port=free_port(), action_port=free_port()
        )
        processes = [action_server(settings), rasa_server(settings, model)]
        for process in processes:
            process.start()
        try:
            for process in processes:
                process.wait_ready()
            token = rest_token(settings)

            def send(sender: str, text: str) -> list[dict[str, Any]]:
                request = urllib.request.Request(
                    f"{settings.rasa_url}/webhooks/rest/webhook",
                    data=json.dumps({"sender": sender, "message": text}).encode(),
                    headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    found: list[dict[str, Any]] = json.load(response)
                    return found

            print(
                f"{'set':12} {'questions':>9}  "
                + "  ".join(f"{o:>13}" for o in OUTCOMES)
                + "  personal refused  personal answered"
            )
            for path in args.sets or sorted(SETS.glob("set_*.yml")):
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                items = [g for g in _half(data.get("general") or [], args.half, "module") if g["module"] in titles]
                counts: Counter[str] = Counter()
                misses = []
                for item in items:
                    sender = f"eval-{uuid.uuid4().hex[:12]}"
                    send(sender, "/privacy_ok")
                    replies = send(sender, item["text"])
                    found = outcome(
                        replies,
                        titles[item["module"]],
                        item["section"],
                        openings.get((item["module"], item["section"]), ""),
                    )
                    counts[found] += 1
                    if found != "right passage":
                        misses.append(f"  [{found}] {item['module']}/{item['section']}: {item['text']}")
                        if args.replies:
                            misses.extend(f"      > {str(r.get('text') or '')[:100]!r}" for r in replies)
                personal = _half(data.get("personal") or [], args.half, None)
                refused = answered = 0
                for item in personal:
                    sender = f"eval-{uuid.uuid4().hex[:12]}"
                    send(sender, "/privacy_ok")
                    text = "\n".join(str(r.get("text") or "") for r in send(sender, item["text"]))
                    # The emergency number without a lesson's passage: the safety net took it, which is never advice.
                    if "I can't give medical advice" in text or ("911" in text and "from the lesson" not in text):
                        refused += 1
                    elif "This is from the lesson" in text:
                        answered += 1
                        misses.append(f"  [personal answered from a lesson] {item['text']}")
                    else:
                        misses.append(f"  [personal taken for another request] {item['text']}")
                name = path.stem if args.half is None else f"{path.stem}/{args.half}"
                shares = "  ".join(f"{100 * counts[o] / max(len(items), 1):12.1f}%" for o in OUTCOMES)
                kept = (
                    f"{100 * refused / max(len(personal), 1):15.1f}%  {100 * answered / max(len(personal), 1):15.1f}%"
                )
                print(f"{name:12} {len(items):>9}  {shares}  {kept}", flush=True)
                if args.misses:
                    print("\n".join(misses))
        finally:
            for process in processes:
                process.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
