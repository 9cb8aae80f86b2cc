"""Learning in conversation: finding a lesson, reading it in chat-sized parts, teach-back, and the glossary.

Plain functions over the content library and the database; the Rasa actions only read the tracker, call
these, and send what they return.
"""
