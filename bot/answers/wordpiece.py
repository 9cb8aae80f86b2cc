"""The BERT-uncased WordPiece tokenizer, in plain Python, so the sentence model runs without `tokenizers`.

It reproduces Hugging Face's ``BertTokenizer`` with ``do_lower_case=True`` (the settings all-MiniLM-L6-v2 was
trained with): the basic tokenizer cleans the text, lower-cases it, strips accents and splits off every
punctuation mark and CJK character; then each word is cut greedily into the longest pieces the vocabulary
has, continuation pieces carrying ``##``. A word with no such cut becomes ``[UNK]``. Ids must match the
training vocabulary exactly, or the model sees different words than it learned: tests/test_answers_embedding.py
checks a sentence against ids read from vocab.txt.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

CLS, SEP, PAD, UNK = "[CLS]", "[SEP]", "[PAD]", "[UNK]"
MAX_CHARS_PER_WORD = 100


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def _is_punctuation(char: str) -> bool:
    # BERT treats every non-letter/number ASCII symbol as punctuation ("$", "^", "`"), not only category P*.
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


def basic_words(text: str) -> list[str]:
    """Lower-cased, accent-free words and single punctuation marks, as BERT's basic tokenizer splits them."""
    cleaned: list[str] = []
    for char in text:
        code = ord(char)
        if code == 0 or code == 0xFFFD or _is_control(char):
            continue
        if _is_cjk(code):
            cleaned.append(f" {char} ")
        elif _is_whitespace(char):
            cleaned.append(" ")
        else:
            cleaned.append(char)
    found: list[str] = []
    for token in "".join(cleaned).split():
        token = unicodedata.normalize("NFD", token.lower())
        token = "".join(c for c in token if unicodedata.category(c) != "Mn")
        current: list[str] = []
        for char in token:
            if _is_punctuation(char):
                if current:
                    found.append("".join(current))
                    current = []
                found.append(char)
            else:
                current.append(char)
        if current:
            found.append("".join(current))
    return found


class WordPiece:
    """Text to the model's token ids: ``[CLS] pieces... [SEP]``, at most ``max_tokens`` in all."""

    def __init__(self, vocab: dict[str, int], max_tokens: int = 128) -> None:
        self.vocab = vocab
        self.max_tokens = max_tokens
        self.cls, self.sep, self.pad, self.unk = (vocab[t] for t in (CLS, SEP, PAD, UNK))
        self._cache: dict[str, list[int]] = {}

    @classmethod
    def from_file(cls, path: Path, max_tokens: int = 128) -> WordPiece:
        lines = path.read_text(encoding="utf-8").splitlines()
        return cls({token: index for index, token in enumerate(lines)}, max_tokens)

    def pieces(self, word: str) -> list[int]:
        """Greedy longest match, left to right; a word that cannot be cut wholly is one ``[UNK]``."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        if len(word) > MAX_CHARS_PER_WORD:
            return [self.unk]
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                ids = [self.unk]
                break
            ids.append(found)
            start = end
        if len(self._cache) < 50_000:
            self._cache[word] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        budget = self.max_tokens - 2
        for word in basic_words(text):
            ids.extend(self.pieces(word))
            if len(ids) >= budget:
                break
        return [self.cls, *ids[:budget], self.sep]
