"""What a reply looks like on Telegram: our chat Markdown as Telegram HTML, cut to Telegram's message size.

Why HTML and not Telegram's MarkdownV2: MarkdownV2 makes 18 ordinary characters (``.``, ``-``, ``(``, ``!``
...) special, so any sentence from content or a patient's own words echoed back would need escaping, and one
missed character makes Telegram refuse the whole message. In HTML only ``<``, ``>`` and ``&`` are special, and
``html.escape`` handles them. So: the same small Markdown the widget renders (``**bold**``, ``*italic*`` or
``_italic_`` on whole words, ``[links](https://...)``) becomes ``<b>``, ``<i>`` and ``<a>``, and everything
else, a patient's ``<b>`` included, is escaped and shows as typed.

Why split: Telegram refuses a message longer than 4,096 characters (counted in UTF-16 code units, like its
entity offsets). A long reply is cut at paragraph, then line, then sentence, then word boundaries, so no
message ends mid-word; only a single "word" longer than the limit is cut inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

MAX_MESSAGE_UNITS = 4096

_INLINE = re.compile(
    r"\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>https?://[^\s)<>\"]+)\)"
    r"|(?<![\w*])\*(?P<star>[^*\s](?:[^*\n]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<under>[^_\s](?:[^_\n]*[^_\s])?)_(?![\w_])"
)


def to_html(text: str) -> str:
    """Chat Markdown as Telegram HTML; any other text (tags a patient typed, ``&``) is escaped, not read."""
    out: list[str] = []
    last = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[last : match.start()], quote=False))
        if match.group("bold") is not None:
            out.append(f"<b>{escape(match.group('bold'), quote=False)}</b>")
        elif match.group("href") is not None:
            out.append(
                f'<a href="{escape(match.group("href"), quote=True)}">{escape(match.group("label"), quote=False)}</a>'
            )
        else:
            italic = match.group("star") if match.group("star") is not None else match.group("under")
            out.append(f"<i>{escape(italic, quote=False)}</i>")
        last = match.end()
    out.append(escape(text[last:], quote=False))
    return "".join(out)


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


# From the coarsest boundary to the finest: paragraphs, lines, sentences, words. Each level's joiner puts
# back a separator of the same kind between the pieces that share a message.
_LEVELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\n[ \t]*\n\s*"), "\n\n"),
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?;:])\s+"), " "),
    (re.compile(r"\s+"), " "),
)


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> list[str]:
    """``text`` in as few messages as fit under ``limit``, each cut at the coarsest boundary that works.

    The limit is measured on the text as given (Markdown included): the markers only make it longer than
    what Telegram counts after reading the HTML, so every part is safely under Telegram's limit.
    """
    text = text.strip()
    if not text:
        return []
    return _split(text, limit, 0)


def _split(text: str, limit: int, level: int) -> list[str]:
    if units(text) <= limit:
        return [text]
    if level >= len(_LEVELS):
        return _hard_cut(text, limit)
    pattern, joiner = _LEVELS[level]
    pieces = [p for p in pattern.split(text) if p.strip()]
    if len(pieces) <= 1:
        return _split(text, limit, level + 1)
    return _pack(pieces, joiner, limit, lambda piece: _split(piece, limit, level + 1))


def _pack(pieces: list[str], joiner: str, limit: int, finer: Callable[[str], list[str]]) -> list[str]:
    """Greedy: as many whole pieces per message as fit; a piece too big alone is split more finely."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        piece = piece.strip()
        if units(piece) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.extend(finer(piece))
            continue
        candidate = f"{current}{joiner}{piece}" if current else piece
        if units(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cut a run with no boundary at all, by code points, so a surrogate pair is never split."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = units(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts
