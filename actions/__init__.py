"""Rasa custom actions. Thin: each reads the tracker, calls plain functions in `bot`, and dispatches."""
