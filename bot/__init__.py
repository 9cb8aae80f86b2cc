"""plainhealth: a conversational health-literacy assistant built on Rasa Open Source."""

__version__ = "0.1.0"
