"""Small, valid content files for tests, and a way to break one field at a time."""

from __future__ import annotations

from pathlib import Path

GOOD_MODULE = """---
# Based on: MedlinePlus
id: {id}
title: Sore throat
aliases:
  - throat pain
audience: Adults with a sore throat
review_date: 2030-01-01
sources:
  - MedlinePlus (U.S. National Library of Medicine)
summary: >-
  A sore throat hurts when you swallow. Most get better in a week. Rest and drink water.
key_points:
  - Most sore throats get better on their own.
  - Warm drinks can help you feel better.
  - Call your clinic if it lasts more than a week.
teach_back:
  - question: What can help a sore throat feel better?
    choices:
      - Warm drinks
      - Shouting
    answer: Warm drinks
    explain: >-
      Warm drinks can soothe your throat. Rest helps too.
  - question: When should you call your clinic?
    choices:
      - If it lasts more than a week
      - Never
    answer: If it lasts more than a week
    explain: >-
      A sore throat that lasts a long time needs a check. Your care team can help.
---

## What is a sore throat?
A sore throat hurts when you swallow. Your throat may feel dry or scratchy. A cold often causes it.

## What you can do
Rest as much as you can. Drink warm drinks and water. Suck on ice chips if they help.

## When to call
Call your clinic if your sore throat lasts more than a week. Call if you have a high fever too.

## Questions to ask
Ask your nurse what you can do at home. Ask when you should come back.
"""

GOOD_GLOSSARY = """sources: [MedlinePlus]
review_date: 2030-01-01
terms:
  - term: fever
    definition: When your body is hotter than normal. It often means your body is fighting a germ.
    aliases: [high temperature, fevers]
"""

GOOD_CLINIC = """name: Test Clinic
phone: "+1 555 0100"
timezone: America/New_York
opening_hours:
  monday: "08:00-18:00"
  tuesday: "08:00-18:00"
  saturday: "09:00-12:00"
emergency_number: "911"
crisis_line: "988"
languages: [English]
allowed_origins: ["https://www.test-clinic.example"]
messages:
  emergency: Call {emergency_number} now. Do not wait.
  crisis: You are not alone. Call or text {crisis_line} now.
  out_of_hours: We are closed now. Our hours are {opening_hours}.
  contact: Call {clinic_phone} when we are open.
"""


def write_library(
    root: Path, modules: dict[str, str] | None = None, glossary: str = GOOD_GLOSSARY, clinic: str = GOOD_CLINIC
) -> Path:
    """A content folder with one good module (unless ``modules`` says otherwise), a glossary and a clinic."""
    content = root / "content"
    (content / "modules").mkdir(parents=True, exist_ok=True)
    (content / "checklists").mkdir(exist_ok=True)
    (content / "prompts").mkdir(exist_ok=True)
    for module_id, text in (modules if modules is not None else {"sore-throat": good_module("sore-throat")}).items():
        (content / "modules" / f"{module_id}.md").write_text(text, encoding="utf-8")
    (content / "glossary.yml").write_text(glossary, encoding="utf-8")
    (content / "clinic.yml").write_text(clinic, encoding="utf-8")
    return content


def good_module(module_id: str = "sore-throat") -> str:
    return GOOD_MODULE.replace("{id}", module_id)
