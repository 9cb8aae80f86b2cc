"""The `plainhealth` command: what patients' clinics, educators and developers run."""

from __future__ import annotations

import argparse
import logging
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.learning.insights import Insights
    from bot.processes import ManagedProcess


def _cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training import TrainingError, ensure_model

    try:
        result = ensure_model(settings, force=args.force)
    except TrainingError as exc:
        print(f"plainhealth: {exc}", file=sys.stderr)
        return 1
    if result.trained:
        print(f"Trained {result.model.name} in {result.seconds:.0f} s.")
    else:
        print(f"The model is up to date: {result.model.name} (nothing changed since it was trained).")
    return 0


SERVER_NAMES = ("actions", "rasa", "web")


def _start_servers(settings: Settings, only: tuple[str, ...] = SERVER_NAMES) -> list[ManagedProcess]:
    """Start the servers and wait until each answers, or stop them all and raise: a server that cannot start
    at launch is a set-up mistake to show at once, not something to retry (only later crashes are).
    ``only``: the servers this machine or container runs (several Rasa servers: docs/scaling.md)."""
    from bot.processes import action_server, rasa_server, web_server
    from bot.training import ensure_model

    model = None
    if "rasa" in only:
        result = ensure_model(settings)
        if result.trained:
            print(f"Trained a new model in {result.seconds:.0f} s.")
        model = result.model
    print(_content_summary(settings))
    servers = [action_server(settings)] if "actions" in only else []
    if model is not None:
        servers.append(rasa_server(settings, model))
    if "web" in only:
        servers.append(web_server(settings))
    try:  # Ctrl-C here too stops what already started: each server runs in its own session
        for server in servers:
            server.start()
        for server in servers:
            print(f"Starting the {server.name} (logs: {server.log_path}) ...", flush=True)
            server.wait_ready()
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def _content_summary(settings: Settings) -> str:
    """One line on what content the assistant will teach, and a pointer when some files were left out."""
    from bot.content.loader import load_library

    logging.getLogger("bot.content").setLevel(logging.ERROR)  # the line below says it once, without the noise
    library = load_library(settings.content_dir)
    glossary = len(library.glossary.terms) if library.glossary else 0
    line = (
        f"Content: {len(library.modules)} modules, {len(library.checklists)} checklists, "
        f"{len(library.prompt_sets)} question sets, {glossary} glossary words."
    )
    skipped = library.skipped_files()
    if skipped:
        line += (
            f"\n  {len(skipped)} file(s) left out because of mistakes: {', '.join(skipped)}."
            "\n  Run `plainhealth content check` to see what to fix."
        )
    return line


def _stop_on_sigterm() -> None:
    """A service manager's SIGTERM stops the servers as cleanly as Ctrl-C does (the `finally` runs)."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Start everything (failing fast if a server cannot start), then keep it up until Ctrl-C or SIGTERM: a
    server that crashes later is restarted alone by the supervisor, so the others never stop serving."""
    from bot.processes import ServerFailed, Supervisor

    _stop_on_sigterm()

    try:
        servers = _start_servers(settings, tuple(args.only or SERVER_NAMES))
    except ServerFailed as exc:
        print(f"plainhealth: a server did not start.\n{exc}", file=sys.stderr)
        return 1
    supervisor = Supervisor(servers)
    rasa_url = settings.rasa_url
    try:
        print(
            "\nplainhealth is running.\n"
            f"  Rasa server:    {rasa_url}  (REST: POST {rasa_url}/webhooks/rest/webhook)\n"
            f"  Action server:  {settings.action_endpoint_url}\n"
            f"  Demo page:      {settings.web_url}/  (a clinic page with the chat widget on it)\n"
            f"  Web app:        {settings.web_url}  (printable question lists)\n"
            f"  Staff console:  {settings.web_url}/staff  (add an account: .venv/bin/plainhealth staff add NAME)\n"
            "\nChat in this terminal from another window:  .venv/bin/plainhealth chat\n"
            "Or over HTTP:\n"
            f"  curl -s {rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\\n"
            '       -d \'{"sender": "demo-patient", "message": "hello"}\'\n'
            "\nPress Ctrl-C to stop everything.",
            flush=True,
        )
        supervisor.run()  # returns only once stopped; crashes are restarted (and reported) inside
        return 0
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    finally:
        supervisor.stop()


def _cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.chat import chat_loop

    return chat_loop(settings, sender=args.sender)


def _cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    """Rasa's own terminal shell, with our action server running beside it."""
    from bot.processes import ServerFailed
    from bot.rasa_config import write_rasa_files
    from bot.training import model_path

    try:
        servers = _start_servers(settings, only=("actions",))
    except ServerFailed as exc:
        print(f"plainhealth: the action server did not start.\n{exc}", file=sys.stderr)
        return 1
    endpoints_file, _ = write_rasa_files(settings)
    try:
        return subprocess.call(
            [
                sys.executable,
                "-m",
                "rasa",
                "shell",
                "--model",
                str(model_path(settings)),
                "--endpoints",
                str(endpoints_file),
                "--port",
                str(settings.rasa_port),
                "--quiet",
            ],
            cwd=settings.project_dir,
        )
    except KeyboardInterrupt:
        return 0
    finally:
        for server in servers:
            server.stop()


def _cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training import rasa_domain

    return subprocess.call(
        [
            sys.executable,
            "-m",
            "rasa",
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            str(rasa_domain(settings)),
            "--data",
            str(settings.project_dir / "data"),
            "--config",
            str(settings.project_dir / "config.yml"),
        ],
        cwd=settings.project_dir,
    )


def _cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    """Grade all patient-facing text; exit 1 when anything fails, so CI and editors can rely on it."""
    import datetime as dt
    from pathlib import Path

    from bot.content.check import CheckOptions, run_check
    from bot.learning.insights import as_html_section
    from bot.readability.html_report import as_html
    from bot.readability.report import as_json, as_text

    # The report lists every problem itself; the loader's run-time warnings would only repeat them.
    logging.getLogger("bot.content").setLevel(logging.ERROR)
    content_dir = Path(args.content_dir) if args.content_dir else settings.content_dir
    options = CheckOptions(
        content_dir=content_dir,
        domain_path=None if args.no_domain else settings.domain_path,
        nltk_data_dir=settings.nltk_data_dir,
        max_grade=args.max_grade if args.max_grade is not None else settings.max_grade,
        max_sentence_words=settings.max_sentence_words,
        today=dt.date.today(),
    )
    report = run_check(options)
    if args.format == "json":
        output = as_json(report)
    elif args.format == "html":
        insights = _gather_insights(settings, content_dir)
        output = as_html(report, extra=as_html_section(insights) if insights else "")
    else:
        output = as_text(report, show_warnings=not args.errors_only)
    if args.output:
        target = Path(args.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output + ("\n" if not output.endswith("\n") else ""), encoding="utf-8")
        print(f"{report.summary()}\nReport written to {target}")
    else:
        print(output)
    return 0 if report.passed(strict=args.strict) else 1


def _gather_insights(settings: Settings, content_dir: object) -> Insights | None:
    """The lesson insights from the app database, or None when there is no database yet."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from bot.content.loader import load_library
    from bot.learning.insights import gather
    from bot.storage.db import Database

    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and (not url.database or not Path(url.database).exists()):
        return None
    db = Database(settings.database_url)
    try:
        db.migrate()
        return gather(db, load_library(Path(str(content_dir))))
    finally:
        db.dispose()


def _cmd_content_insights(args: argparse.Namespace, settings: Settings) -> int:
    """What patients did with the lessons: starts, finishes, where they stopped, teach-back, clarity, gaps."""
    from pathlib import Path

    from bot.learning.insights import as_html_page, as_text

    logging.getLogger("bot.content").setLevel(logging.ERROR)
    insights = _gather_insights(settings, settings.content_dir)
    if insights is None:
        print("No lesson activity yet: the assistant has not stored anything in its database.")
        return 0
    if args.format == "html":
        from bot.readability.html_report import _CSS

        output = as_html_page(insights, _CSS)
    else:
        output = as_text(insights)
    if args.output:
        target = Path(args.output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output, encoding="utf-8")
        print(f"Insights written to {target}")
    else:
        print(output)
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Measure understanding on the held-out test set and its typo twin; exit 1 when a target is missed."""
    import warnings
    from pathlib import Path

    from bot.nlu_eval.session import TYPO_HEADER, EvalOptions, run_evaluation
    from bot.nlu_eval.testset import dump_test_set, load_test_set
    from bot.nlu_eval.typos import typo_set

    root = settings.project_dir
    test_set = Path(args.test_set) if args.test_set else root / "tests" / "data" / "nlu_holdout.yml"
    typo_path = test_set.with_name(test_set.stem + "_typos.yml")
    if args.make_typos:
        examples = load_test_set(test_set)
        typo_path.write_text(dump_test_set(typo_set(examples), TYPO_HEADER), encoding="utf-8")
        print(f"Wrote {len(examples)} messages with typos to {typo_path}")
        return 0
    options = EvalOptions(
        test_set=test_set,
        typo_set=None if args.no_typos or not typo_path.exists() else typo_path,
        out_dir=Path(args.out) if args.out else root / "reports",
        config=Path(args.config) if args.config else None,
        folds=args.folds if args.cross_validation else 0,
    )
    # Rasa, TensorFlow and matplotlib warn about their own internals; none of it is the user's to fix.
    for category in (DeprecationWarning, PendingDeprecationWarning, UserWarning, FutureWarning):
        warnings.filterwarnings("ignore", category=category)
    logging.getLogger().setLevel(max(logging.WARNING, logging.getLogger().level))
    print("Evaluating (trains first if the training data changed)...", flush=True)
    result = run_evaluation(settings, options)
    for ev in (result.clean, result.typos):
        if ev is None:
            continue
        weakest, recall = ev.weakest_recall()
        print(
            f"{ev.name:>10}: {ev.total} messages, accuracy {ev.accuracy:.1%}, macro F1 {ev.macro_f1:.3f}, "
            f"lowest recall {weakest} {recall:.0%}, asked to rephrase {ev.fallbacks}"
        )
    entities = ", ".join(f"{k} {v.f1:.3f}" for k, v in result.clean.entities.items())
    print(f"entity F1: {entities}")
    if result.info.cross_validation:
        cv = result.info.cross_validation["intent"]
        print("cross-validation: " + ", ".join(f"{k} {m:.3f} (±{s:.3f})" for k, (m, s) in cv.items()))
    print(f"Report: {result.report}")
    if result.problems:
        print("Targets not met: " + "; ".join(result.problems))
        return 1
    print("All targets met.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """From standard input with --password-stdin (for scripts), else asked twice without echo."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password (10 or more characters): ")
    if getpass.getpass("Same password again: ") != first:
        raise ValueError("The two passwords were not the same.")
    return first


def _cmd_staff(args: argparse.Namespace, settings: Settings) -> int:
    """Staff accounts for the console: add, set a password, list, turn off."""
    from bot.storage import staff
    from bot.storage.db import Database

    db = Database(settings.database_url)
    db.migrate()
    try:
        if args.staff_command == "list":
            for member in staff.list_staff(db):
                state = "" if member.active else " (turned off)"
                print(f"{member.username:20} {member.role:6} {member.display_name}{state}")
            return 0
        if args.staff_command == "disable":
            found = next((m for m in staff.list_staff(db) if m.username == args.username.lower()), None)
            if found is None:
                raise staff.StaffError("There is no such user.")
            staff.disable_staff(db, found.id)
            print(f"Turned off {found.username}; their sessions are signed out.")
            return 0
        password = _read_password(args)
        if args.staff_command == "add":
            member = staff.create_staff(db, args.username, args.name or args.username, args.role, password)
            print(f"Added {member.username} ({member.role}). Sign in at {settings.web_url}/staff")
        else:
            staff.set_password(db, args.username, password)
            print(f"New password set for {args.username.lower()}.")
        return 0
    except ValueError as exc:
        print(f"plainhealth staff: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


SAFETY_REVIEW_HINT = (
    "Add these to data/safety/ for training, or to a new evaluation batch in tests/data/safety/ "
    "if the writer never saw the rest."
)


def _cmd_safety(args: argparse.Namespace, settings: Settings) -> int:
    """Tickets staff marked "not an emergency" or "missed emergency", with the patient's words beneath."""
    import textwrap

    from bot.storage import handoff
    from bot.storage.db import Database

    db = Database(settings.database_url)
    db.migrate()
    try:
        reviews = handoff.safety_reviews(db)
    finally:
        db.dispose()
    if not reviews:
        print(
            'No tickets are marked yet. Staff mark them in the console with "Not an emergency" or "Missed emergency".'
        )
        return 0
    for review in reviews:
        when = review.marked_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(
            f"{review.verdict_text}: ticket {review.ticket_id}, {review.reason_text} ({review.priority}), "
            f"marked {when} by {review.marked_by}"
        )
        if not review.patient_messages:
            print("    (no messages from the patient)")
        for text in review.patient_messages:
            print(textwrap.indent(text, "    ", lambda _line: True))
        print()
    print(SAFETY_REVIEW_HINT)
    return 0


def _privacy_subject(args: argparse.Namespace, settings: Settings) -> tuple[str | None, str | None]:
    """(pseudonym, conversation id), one of them None, for an ID typed by the clinic: 32 hex digits is a
    pseudonym, anything else a conversation id. A conversation id that happens to look like a pseudonym is
    refused as ambiguous unless ``--sender`` or ``--pseudonym`` says which it is, so that a mix-up can never
    delete the wrong patient."""
    from bot.records.identity import looks_like_pseudonym
    from bot.records.tracker import TrackerEvents

    value = args.id.strip()
    if not value:
        raise ValueError("Give a conversation id or a pseudonym.")
    if args.sender:
        return None, value
    if args.pseudonym:
        if not looks_like_pseudonym(value):
            raise ValueError("A pseudonym is 32 characters of 0-9 and a-f.")
        return value, None
    if looks_like_pseudonym(value):
        with TrackerEvents(settings) as store:
            if value in store.senders():
                raise ValueError(
                    f"{value} is both a conversation id and the shape of a pseudonym. "
                    "Say which with --sender or --pseudonym."
                )
        return value, None
    return None, value


def _confirm(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _cmd_privacy(args: argparse.Namespace, settings: Settings) -> int:
    """Patients' privacy rights from the command line: forget, export, the retention purge, the access log.
    Every forget and export is written to the access log as done by "cli"."""
    import asyncio
    import datetime as dt
    import json
    from pathlib import Path

    from aiohttp import ClientSession, ClientTimeout

    from bot.privacy import load_or_create_secret
    from bot.records import audit, retention
    from bot.records.erase import cancel_rasa_reminders, forget, scheduled_reminders
    from bot.records.export import export
    from bot.records.identity import patient_of
    from bot.state_files import private_opener
    from bot.storage.db import Database

    db = Database(settings.database_url)
    db.migrate()
    now = dt.datetime.now(dt.UTC)
    try:
        if args.privacy_command == "purge":
            counts = retention.purge(db, settings, now)
            print(f"Kept the last {settings.retention_days} days. {retention.summary(counts)}")
            return 0
        if args.privacy_command == "audit":
            names = audit.staff_names(db)
            entries = audit.access_log(db, limit=args.limit)
            if not entries:
                print("The access log is empty.")
            for entry in reversed(entries):
                when = entry.at.astimezone().strftime("%Y-%m-%d %H:%M")
                print(
                    f"{when}  {entry.who_text(names):20} {audit.ACTION_WORDS.get(entry.action, entry.action):22} "
                    f"{entry.patient}"
                )
            return 0
        secret = load_or_create_secret(settings)
        patient, sender = _privacy_subject(args, settings)
        if args.privacy_command == "export":
            data = export(db, settings, secret, patient=patient, sender=sender, now=now, by=audit.CLI)
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
            if args.output:
                target = Path(args.output)
                with open(target, "w", encoding="utf-8", opener=private_opener) as handle:  # patient data: 0600
                    handle.write(text)
                print(f"Wrote everything held about patient {data['patient']} to {target}.")
            else:
                sys.stdout.write(text)
            return 0
        pseudonym = patient_of(secret, patient=patient, sender=sender)
        if not args.yes and not _confirm(
            f"Delete everything stored about patient {pseudonym}? This cannot be undone. Type yes to go on: "
        ):
            print("Nothing was deleted.")
            return 1
        targets = scheduled_reminders(db, secret, pseudonym)
        if targets:

            async def cancel() -> int:
                async with ClientSession(timeout=ClientTimeout(total=10)) as http:
                    return await cancel_rasa_reminders(http, settings, targets)

            asyncio.run(cancel())
        erased = forget(db, settings, secret, patient=pseudonym, sender=sender, now=now, by=audit.CLI)
        print(f"Patient {pseudonym}: {erased.summary()}")
        if not erased.scrubbed:
            print(
                "The database files could not be rebuilt just now (another process held them); the rows are "
                "deleted, and old copies go at the next deletion or purge.",
                file=sys.stderr,
            )
        return 0
    except ValueError as exc:
        print(f"plainhealth privacy: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plainhealth",
        description="A health-literacy assistant: plain-language lessons, appointment help, hand-off to people.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="train if needed, start all servers, print where to chat")
    p.add_argument(
        "--only",
        action="append",
        choices=SERVER_NAMES,
        help="start only this server (repeat for more); for one process per container (docs/scaling.md)",
    )
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("train", help="train a model if the training data changed")
    p.add_argument("--force", action="store_true", help="train even if nothing changed")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("shell", help="chat in this terminal with Rasa's shell (starts the action server)")
    p.set_defaults(func=_cmd_shell)

    p = sub.add_parser("chat", help="chat in this terminal with a running assistant over REST")
    p.add_argument("--sender", default=None, help="conversation id (default: a new random one)")
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("validate", help="check the training data and domain with `rasa data validate`")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("eval", help="measure how well the assistant understands the held-out test set")
    p.add_argument("--test-set", default=None, help="Rasa NLU file to test on (default tests/data/nlu_holdout.yml)")
    p.add_argument("--no-typos", action="store_true", help="skip the typo twin of the test set")
    p.add_argument("--config", default=None, help="try another pipeline: train an NLU-only model with this config")
    p.add_argument("--cross-validation", action="store_true", help="also run Rasa's cross-validation")
    p.add_argument("--folds", type=int, default=5, help="folds for --cross-validation (default 5)")
    p.add_argument("--out", default=None, help="folder for the dated report (default reports/)")
    p.add_argument("--make-typos", action="store_true", help="rewrite the typo twin from the test set and stop")
    p.set_defaults(func=_cmd_eval)

    content = sub.add_parser("content", help="work with the content educators write").add_subparsers(
        dest="content_command", required=True, metavar="ACTION"
    )
    p = content.add_parser("check", help="check reading level and plain language of every patient-facing text")
    p.add_argument("--format", choices=("text", "json", "html"), default="text", help="report format (default text)")
    p.add_argument("--output", "-o", help="write the report to this file instead of the screen")
    p.add_argument("--max-grade", type=float, default=None, help="grade limit (default PLAINHEALTH_MAX_GRADE, 6)")
    p.add_argument("--content-dir", default=None, help="content folder (default PLAINHEALTH_CONTENT_DIR)")
    p.add_argument("--no-domain", action="store_true", help="do not check the Rasa domain's responses")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--errors-only", action="store_true", help="text format: hide warnings")
    p.set_defaults(func=_cmd_content_check)
    p = content.add_parser("insights", help="what patients did with the lessons, for educators")
    p.add_argument("--format", choices=("text", "html"), default="text", help="report format (default text)")
    p.add_argument("--output", "-o", help="write the report to this file instead of the screen")
    p.set_defaults(func=_cmd_content_insights)

    staff = sub.add_parser("staff", help="staff accounts for the hand-off console").add_subparsers(
        dest="staff_command", required=True, metavar="ACTION"
    )
    p = staff.add_parser("add", help="add a staff member (asks for the password)")
    p.add_argument("username")
    p.add_argument("--name", default=None, help='the name patients see, e.g. "Sam" (default: the user name)')
    p.add_argument("--role", choices=("staff", "admin"), default="staff", help="admin can manage accounts")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_cmd_staff)
    p = staff.add_parser("password", help="set a new password (signs out every session, turns the account back on)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=_cmd_staff)
    p = staff.add_parser("list", help="list staff accounts")
    p.set_defaults(func=_cmd_staff)
    p = staff.add_parser("disable", help="turn an account off and sign it out")
    p.add_argument("username")
    p.set_defaults(func=_cmd_staff)

    safety = sub.add_parser("safety", help="how the safety net did, as staff judged it").add_subparsers(
        dest="safety_command", required=True, metavar="ACTION"
    )
    p = safety.add_parser("review", help='tickets staff marked "not an emergency" or "missed emergency"')
    p.set_defaults(func=_cmd_safety)

    privacy = sub.add_parser(
        "privacy", help="patients' privacy rights: delete, export, retention, the access log"
    ).add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    for name, text in (
        ("forget", "delete everything stored about one patient (asks first)"),
        ("export", "everything stored about one patient, as JSON"),
    ):
        p = privacy.add_parser(name, help=text)
        p.add_argument("id", help="a conversation id, or a patient's pseudonym (32 hex digits)")
        kind = p.add_mutually_exclusive_group()
        kind.add_argument("--sender", action="store_true", help="ID is a conversation id")
        kind.add_argument("--pseudonym", action="store_true", help="ID is a pseudonym")
        if name == "forget":
            p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        else:
            p.add_argument("--output", "-o", help="write the JSON to this file (made readable by you only)")
        p.set_defaults(func=_cmd_privacy)
    p = privacy.add_parser("purge", help="delete what is older than PLAINHEALTH_RETENTION_DAYS now")
    p.set_defaults(func=_cmd_privacy)
    p = privacy.add_parser("audit", help="who opened, exported or deleted patients' data")
    p.add_argument("--limit", type=int, default=200, help="the latest N entries (default 200)")
    p.set_defaults(func=_cmd_privacy)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"plainhealth: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.func(args, settings))


if __name__ == "__main__":
    sys.exit(main())
