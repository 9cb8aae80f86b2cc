"""Getting ready for a visit: dates, checklists, question prompts, my questions, reminders."""
