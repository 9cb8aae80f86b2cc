"""Passing a patient to a person at the clinic, and back (see docs/architecture.md, "Hand-off")."""
