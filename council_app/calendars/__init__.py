"""Calendars: the iCal feeds citizens subscribe to and the month page."""
