"""Every piece of text a patient can read, with where it lives.

The checker grades these, and only these: if the assistant can say it, it is collected here. Each text
has a *scope*: the unit a patient reads as a whole, inside which a word explained once counts as
explained (a module file; one glossary definition; one clinic message; one domain response).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.content.models import Library
from bot.content.yaml_lines import YamlSyntaxError, load

# Kinds of text that must speak to the reader ("you"): running prose, not labels, choices or definitions.
PROSE_KINDS = frozenset({"section", "simpler", "summary", "intro", "message", "response", "explain"})


@dataclass(frozen=True)
class PatientText:
    file: str
    line: int
    field: str  # where in the file, as an educator would say it: 'section "What is asthma?"'
    kind: str
    text: str
    scope: str
    defines: str = ""  # for a glossary definition: the term it defines (counts as explained)
    items: tuple[tuple[str, int], ...] = ()  # for a list: each item and its line, to point at the right one

    def line_of(self, excerpt: str) -> int:
        """The line of the list item that holds ``excerpt`` (the list's own line if none does)."""
        for text, line in self.items:
            if excerpt and excerpt in text:
                return line
        return self.line


def _bullets(items: tuple[str, ...]) -> str:
    return "\n".join(f"- {item}" for item in items)


def _list(
    file: str, lines: Mapping[str, int], name: str, label: str, values: tuple[str, ...], scope: str
) -> PatientText:
    """A list is read item by item, so it is graded as one text of one sentence per item."""
    located = tuple((value, lines.get(f"{name}[{i}]", lines.get(name, 1))) for i, value in enumerate(values))
    return PatientText(file, lines.get(name, 1), label, "list", _bullets(values), scope, items=located)


def library_texts(library: Library) -> list[PatientText]:
    out: list[PatientText] = []
    for module in library.modules.values():
        f, lines = module.path, module.lines
        out.append(PatientText(f, lines.get("title", 1), "title", "title", module.title, f))
        for section in module.sections:
            out.append(PatientText(f, section.line, f'section heading "{section.title}"', "title", section.title, f))
            out.append(PatientText(f, section.line, f'section "{section.title}"', "section", section.text, f))
            if section.simpler:
                # "Say it simpler" shows it in the lesson, after the section, so words the module explains count
                # as explained (the module file is its scope, as for the summary and key points).
                out.append(
                    PatientText(
                        f,
                        section.simpler_line,
                        f'plainer version ("### Simpler") of section "{section.title}"',
                        "simpler",
                        section.simpler,
                        f,
                    )
                )
        out.append(PatientText(f, lines.get("summary", 1), "summary", "summary", module.summary, f))
        out.append(_list(f, lines, "key_points", "key points", module.key_points, f))
        for i, question in enumerate(module.teach_back):
            where = f"teach_back[{i}]"
            out.append(
                PatientText(
                    f,
                    lines.get(f"{where}.question", question.line),
                    f"teach-back {i + 1} question",
                    "question",
                    question.question,
                    f,
                )
            )
            out.append(_list(f, lines, f"{where}.choices", f"teach-back {i + 1} choices", question.choices, f))
            out.append(
                PatientText(
                    f,
                    lines.get(f"{where}.explain", question.line),
                    f"teach-back {i + 1} explanation",
                    "explain",
                    question.explain,
                    f,
                )
            )
    for checklist in library.checklists.values():
        f, lines = checklist.path, checklist.lines
        out.append(PatientText(f, lines.get("title", 1), "title", "title", checklist.title, f))
        if checklist.intro:
            out.append(PatientText(f, lines.get("intro", 1), "introduction", "intro", checklist.intro, f))
        for name, label in (("steps", "steps"), ("bring", "what to bring"), ("questions", "questions to ask")):
            out.append(_list(f, lines, name, label, getattr(checklist, name), f))
    for prompt_set in library.prompt_sets.values():
        f, lines = prompt_set.path, prompt_set.lines
        out.append(PatientText(f, lines.get("title", 1), "title", "title", prompt_set.title, f))
        if prompt_set.intro:
            out.append(PatientText(f, lines.get("intro", 1), "introduction", "intro", prompt_set.intro, f))
        out.append(_list(f, lines, "prompts", "prompts", prompt_set.prompts, f))
    if library.glossary is not None:
        g = library.glossary
        for term in g.terms:
            out.append(
                PatientText(
                    g.path,
                    term.line,
                    f'definition of "{term.term}"',
                    "definition",
                    term.definition,
                    f"{g.path}#{term.term}",
                    defines=term.term,
                )
            )
    if library.clinic is not None:
        c = library.clinic
        for key, message in c.messages.items():
            out.append(
                PatientText(
                    c.path, c.lines.get(f"messages.{key}", 1), f"message '{key}'", "message", message, f"{c.path}#{key}"
                )
            )
    return out


def domain_texts(domain_path: Path, label: str = "domain.yml") -> tuple[list[PatientText], str | None]:
    """Texts and button titles of every response in the Rasa domain; the second value is a read error."""
    try:
        located = load(Path(domain_path).read_text(encoding="utf-8"))
    except (OSError, YamlSyntaxError) as exc:
        return [], f"{label} cannot be read: {exc}"
    responses = (located.data or {}).get("responses") or {}
    out: list[PatientText] = []
    for name, variants in responses.items():
        for i, variant in enumerate(variants or []):
            if not isinstance(variant, dict):
                continue
            base = f"responses.{name}[{i}]"
            scope = f"{label}#{name}"
            text = variant.get("text")
            if isinstance(text, str) and text.strip():
                out.append(
                    PatientText(label, located.line(f"{base}.text"), f"response {name}", "response", text, scope)
                )
            for j, button in enumerate(variant.get("buttons") or []):
                title = button.get("title") if isinstance(button, dict) else None
                if isinstance(title, str) and title.strip():
                    out.append(
                        PatientText(
                            label,
                            located.line(f"{base}.buttons[{j}].title"),
                            f"button of {name}",
                            "title",
                            title,
                            scope,
                        )
                    )
    return out, None
