"""The council's structure: terms, bodies, members and memberships."""
