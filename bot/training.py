"""Train a Rasa model only when the training inputs changed.

Rasa's own fingerprinting still imports TensorFlow and reads every file before it decides, which costs about
half a minute. We hash the inputs ourselves and name the model after the hash, so `plainhealth run` and the
test suite reuse a model in well under a second when nothing changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

logger = logging.getLogger(__name__)

MODEL_PREFIX = "plainhealth-"


def training_inputs(settings: Settings) -> list[Path]:
    """Every file whose change means a new model: pipeline, domain, NLU data, rules, stories, the safety
    corpus, the clinic profile and code the emergency responses are written from, and the glossary (its words
    are words the assistant knows, bot/nlu/unknown_words.py)."""
    root = settings.project_dir
    files = [root / "config.yml"]
    domain = settings.domain_path
    files += sorted(domain.rglob("*.yml")) if domain.is_dir() else [domain]
    files += sorted((root / "data").rglob("*.yml"))
    files += [settings.content_dir / "clinic.yml", settings.content_dir / "glossary.yml"]
    files += [Path(__file__).parent / "safety" / name for name in ("responses.py", "languages.py")]
    return [f for f in files if f.is_file()]


def rasa_domain(settings: Settings) -> Path:
    """The domain Rasa trains with: domain.yml plus the clinic's emergency responses (bot/safety/responses.py)."""
    from bot.content.loader import load_library
    from bot.safety.responses import write_domain

    clinic = load_library(settings.content_dir).clinic
    return write_domain(settings.domain_path, clinic, settings.state_dir / "domain")


def fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    for path in training_inputs(settings):
        name = path.relative_to(settings.project_dir) if path.is_relative_to(settings.project_dir) else path.name
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_PREFIX}{fingerprint(settings)}.tar.gz"


@dataclass(frozen=True)
class TrainResult:
    model: Path
    trained: bool
    seconds: float


def ensure_model(settings: Settings, force: bool = False, quiet: bool = False) -> TrainResult:
    """Return a model for the current inputs, training one only if none exists yet (or ``force``)."""
    target = model_path(settings)
    if target.exists() and not force:
        warm_answer_vectors(settings)
        return TrainResult(target, trained=False, seconds=0.0)
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(settings.project_dir / "config.yml"),
        "--domain",
        str(rasa_domain(settings)),
        "--data",
        str(settings.project_dir / "data"),
        "--out",
        str(settings.models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    if force:
        cmd.append("--force")
    env = {**os.environ, **settings.to_env()}  # components that read content at training see the same files
    output = subprocess.run(cmd, cwd=settings.project_dir, env=env, capture_output=quiet, text=True, check=False)
    if output.returncode != 0 or not target.exists():
        detail = (output.stderr or "")[-4000:] if quiet else ""
        raise TrainingError(f"Training failed (exit {output.returncode}). {detail}".strip())
    _prune_old_models(settings, keep=target)
    warm_answer_vectors(settings)
    return TrainResult(target, trained=True, seconds=time.monotonic() - started)


def warm_answer_vectors(settings: Settings) -> None:
    """Encode the content's passages for the answer index now (half a minute the first time on this machine),
    so the action server's first patient question finds them on disk instead of waiting for them."""
    from bot.answers.answerer import Answerer
    from bot.content.loader import load_library
    from bot.runtime import answer_vectors_dir

    try:
        Answerer(load_library(settings.content_dir), cache_dir=answer_vectors_dir(settings))
    except Exception as error:  # the action server would build them itself; never fail training for it
        logger.warning("The answer index was not prepared ahead (%s).", type(error).__name__)


def _prune_old_models(settings: Settings, keep: Path, how_many: int = 3) -> None:
    """Keep the few newest models so switching branches back and forth does not retrain."""
    models = sorted(settings.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [m for m in models if m != keep][how_many - 1 :]:
        old.unlink(missing_ok=True)


class TrainingError(RuntimeError):
    """Rasa could not train a model; the message carries the end of Rasa's own output."""
