"""The conversation core: what to say to one patient, and what the assistant is waiting for."""
