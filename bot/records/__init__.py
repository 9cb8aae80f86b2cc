"""What a clinic needs to honour patients' privacy rights over the data the assistant holds.

- `erase`: forget a patient everywhere (the app database and Rasa's conversation store), leaving no copy in
  the database files, and the queue the chat uses so Rasa can finish writing before the chat is erased.
- `export`: everything held about one patient, as one JSON-ready dict (access requests).
- `retention`: delete what is older than ``PLAINHEALTH_RETENTION_DAYS``.
- `audit`: who opened, exported or deleted a patient's data, and when (never any content).
- `consent`: which version of the privacy note a patient accepted, and when.
- `tracker`: Rasa's SQL tracker store, read and erased from outside Rasa; `identity`: every conversation id
  of a patient; `scrub`: making SQLite files forget deleted rows.

See docs/privacy.md for what this means for patients and clinics.
"""
