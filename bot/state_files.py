"""The state folder's privacy rule, in one place: the folder is 0700 and every file in it 0600.

The state folder (``Settings.state_dir``, ``.plainhealth/`` by default) holds what other local users must not
read: the pseudonym key and the tokens, the app and tracker databases (conversations, call-back numbers), the
server logs, and the Rasa files with database passwords. Everything that creates the folder or a file in it
goes through these helpers, so the rule cannot drift between modules, and no file is ever readable by others,
not even for the moment between creating it and a ``chmod``.

Tightening only takes rights away (never adds any), and existing folders and files are tightened too, so a
state folder made before this rule, or by a tool that ignores it (Rasa makes its SQLite file with the
default 0644), is fixed on the next start.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# SQLite's companions of a database file: the write-ahead log, its shared memory, the rollback journal.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def _tighten(path: Path, allowed: int) -> None:
    """Drop every permission bit outside ``allowed`` (a missing or foreign file is left for its owner)."""
    try:
        current = stat.S_IMODE(os.lstat(path).st_mode)
        if current & ~allowed:
            os.chmod(path, current & allowed)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("Cannot make %s private (it belongs to another user): chmod it yourself.", path)


def ensure_private_dir(path: Path) -> Path:
    """Create the folder (and its parents) as 0700, or make an existing one 0700.

    What is directly inside is tightened too (files to 0600, folders to 0700), which covers files other
    programs made there, like Rasa's SQLite tracker store. Only call it for folders that belong to the
    assistant (the state folder, a folder it creates), never for a folder an operator named for something
    else, since its other contents would lose their group and world rights.
    """
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    try:
        os.chmod(path, PRIVATE_DIR)
    except PermissionError as error:
        raise PermissionError(
            f"{path} holds the assistant's keys and databases but belongs to another user, so it cannot be made "
            "private (0700). Give it to the user that runs the assistant, or choose another PLAINHEALTH_STATE_DIR."
        ) from error
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _tighten(Path(entry.path), PRIVATE_DIR)
            elif entry.is_file(follow_symlinks=False):
                _tighten(Path(entry.path), PRIVATE_FILE)
    return path


def private_opener(path: str | os.PathLike[str], flags: int) -> int:
    """An ``opener`` for ``open()``: a new file is created 0600 at once; an existing one is tightened."""
    fd = os.open(path, flags, PRIVATE_FILE)
    current = stat.S_IMODE(os.fstat(fd).st_mode)
    if current & ~PRIVATE_FILE:
        os.fchmod(fd, current & PRIVATE_FILE)
    return fd


def append_private(path: Path) -> BinaryIO:
    """Open a log for appending, private (logs can hold what patients wrote when debugging is on)."""
    return open(path, "ab", opener=private_opener)


def write_private_text(path: Path, text: str) -> None:
    """Write a whole text file (Rasa's endpoints and credentials: database passwords), private."""
    with open(path, "w", encoding="utf-8", opener=private_opener) as handle:
        handle.write(text)


def ensure_private_database(path: Path) -> Path:
    """Make a SQLite database file private before any engine opens it.

    A new one is created empty (SQLite treats an empty file as a new database), because SQLite gives its
    journal, WAL and shared-memory files the database file's own mode: a 0600 database keeps them all 0600.
    An existing one and its side files are tightened.
    """
    os.close(private_opener(path, os.O_RDONLY | os.O_CREAT))
    for suffix in SQLITE_SIDE_FILES:
        _tighten(path.with_name(path.name + suffix), PRIVATE_FILE)
    return path
