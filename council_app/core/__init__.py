"""Cross-cutting pieces: errors, time in KST, the audit log."""
