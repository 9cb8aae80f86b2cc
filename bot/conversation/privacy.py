"""The privacy note's version: which words a patient said OK to."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

NOTE_RESPONSES = ("utter_privacy_note", "utter_privacy_more")


def note_version(domain_path: Path) -> str:
    """A hash of the note's texts in the domain (a file, or a folder of files); "none" if it has none."""
    files = sorted(domain_path.rglob("*.yml")) if domain_path.is_dir() else [domain_path]
    digest = hashlib.sha256()
    found = False
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        responses = data.get("responses") if isinstance(data, dict) else None
        for name in NOTE_RESPONSES:
            for variant in (responses or {}).get(name) or []:
                if isinstance(variant, dict):
                    digest.update(str(variant.get("text", "")).encode("utf-8"))
                    found = True
    return digest.hexdigest()[:12] if found else "none"
