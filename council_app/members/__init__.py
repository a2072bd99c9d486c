"""Pages and reads about each council member: seats, speeches, bills, attendance."""
