"""Open data for researchers: bulk downloads at ``/data/`` and ``flask data export``."""
