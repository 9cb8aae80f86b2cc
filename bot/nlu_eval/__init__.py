"""Measure how well the assistant understands patients: a held-out test set, its typo twin, and a report.

The pure parts (reading test sets, making typos, scoring, writing reports) need no Rasa import, so they are
unit-tested quickly; only `runner` loads a model.
"""
