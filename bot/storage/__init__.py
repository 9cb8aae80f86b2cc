"""The app's own data (not Rasa's tracker): SQLAlchemy models, sessions and small repository functions."""
