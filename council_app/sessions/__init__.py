"""Sessions (회기) and the annual plan; ``rules.py`` holds the ordinance's checks."""
