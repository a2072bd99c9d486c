"""Agenda items (안건): submission, referral to committees, order of business, outcomes."""
