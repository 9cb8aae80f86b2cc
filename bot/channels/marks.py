"""Marks an action puts on a message for the channels, defined once for both processes.

A message a person at the clinic wrote carries ``staff_name``: the widget shows it as from that person
because of the mark, never because of its words (anyone can type "Sam (clinic team): ...").
"""

STAFF_NAME_KEY = "staff_name"
# A message after which the widget forgets the chat it kept in the browser (the patient's data was deleted).
START_OVER_KEY = "start_over"
