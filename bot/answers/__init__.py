"""Answers to patients' own health questions, from the content: inform, never advise."""
