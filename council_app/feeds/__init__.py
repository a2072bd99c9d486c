"""Atom feeds for following the council: published minutes, and any search."""
