"""Rasa input channels of our own (referenced by module path in the generated credentials.yml)."""
