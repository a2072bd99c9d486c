"""The front page, the staff dashboard and the health check."""
