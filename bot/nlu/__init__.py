"""Custom Rasa NLU components (imported by Rasa from config.yml by their dotted path)."""
