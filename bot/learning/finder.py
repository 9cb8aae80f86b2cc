"""Find the lesson a patient asks for, from the NLU's `topic` entity and the whole message.

Three outcomes, each with a kind answer: one module (start it), several that fit (ask which, with buttons),
or none (say so plainly, list what we can teach, offer a person, and tell the educators).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.content.models import Library, Module
from bot.text import coverage, words

MAX_CHOICES = 4


@dataclass(frozen=True)
class Found:
    modules: tuple[Module, ...] = ()
    asked_for: str = ""  # what the patient named, for the unmet-request log
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def single(self) -> Module | None:
        return self.modules[0] if len(self.modules) == 1 else None


def _names(module: Module) -> list[list[str]]:
    names = [module.title, module.id.replace("-", " "), *module.aliases]
    return [w for w in (words(name) for name in names) if w]


def _score(module: Module, query: list[str]) -> tuple[float, int]:
    """Best share of any one name found in the query; ties go to the longer (more specific) name."""
    best = (0.0, 0)
    for name in _names(module):
        share = coverage(name, query)
        best = max(best, (share, len(name) if share == 1.0 else 0))
    return best


def rank(library: Library, text: str) -> list[tuple[Module, float, int]]:
    query = words(text)
    if not query:
        return []
    scored = [(module, *_score(module, query)) for module in library.modules.values()]
    return sorted((s for s in scored if s[1] >= 0.5), key=lambda s: (-s[1], -s[2], s[0].title))


def find_module(library: Library, text: str, topic: str | None = None, module_id: str | None = None) -> Found:
    """Which module(s) fit. The entity is tried first; the whole message is the fallback."""
    if module_id and module_id in library.modules:
        return Found((library.modules[module_id],), module_id)
    for query in [q for q in (topic, text) if q]:
        ranked = rank(library, query)
        if not ranked:
            continue
        scores = {m.id: score for m, score, _ in ranked}
        top_score, top_length = ranked[0][1], ranked[0][2]
        best = [m for m, score, length in ranked if score == top_score and length == top_length]
        if top_score == 1.0 and len(best) == 1:
            return Found((best[0],), query, scores)
        if top_score < 1.0 and len(ranked) == 1:
            if not _names_it(ranked[0][0], query, _shared_words(library)):
                continue  # "signs of a hypo" half-matches "stroke signs" on "signs" alone: not a request for it
            return Found((ranked[0][0],), query, scores)
        return Found(tuple(m for m, _s, _l in ranked[:MAX_CHOICES]), query, scores)
    return Found((), (topic or _asked_for(text)), {})


def _shared_words(library: Library) -> set[str]:
    """Words in the names of more than one module ("signs", "heart", "blood"): alone, they name none."""
    seen: dict[str, int] = {}
    for module in library.modules.values():
        for word in {w for name in _names(module) for w in name}:
            seen[word] = seen.get(word, 0) + 1
    return {word for word, count in seen.items() if count > 1}


def _names_it(module: Module, query: str, shared: set[str]) -> bool:
    """Whether the words ``query`` shares with one of the module's names include one only it uses."""
    asked = words(query)
    return any(coverage([word], asked) == 1.0 and word not in shared for name in _names(module) for word in name)


def _asked_for(text: str) -> str:
    """The words that name a subject; empty for a general "I want to learn something"."""
    return " ".join(words(text))
