"""A word diff of two texts, for comparing versions of minutes: pure, no database."""

from __future__ import annotations

import difflib
import re

_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")

#: One line of a word diff: (kind, text) pieces, kind being equal, insert or delete.
DiffLine = list[tuple[str, str]]


def word_diff(old: str, new: str, context: int = 1) -> list[DiffLine | None]:
    """Return the changed lines of ``new`` against ``old``, changes marked word by word.

    Lines are matched first, and only the lines that differ are compared word by word, so
    a one-word correction marks one word, and thousands of lines stay quick. ``context``
    unchanged lines are kept around each change; None stands for the lines left out.
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[tuple[bool, DiffLine]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend((False, [("equal", line)]) for line in new_lines[j1:j2])
            continue
        before = _TOKEN.findall("\n".join(old_lines[i1:i2]))
        after = _TOKEN.findall("\n".join(new_lines[j1:j2]))
        pieces: list[tuple[str, str]] = []
        words = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for op, a1, a2, b1, b2 in words.get_opcodes():
            if op in ("delete", "replace"):
                pieces.extend(("delete", t) for t in before[a1:a2])
            if op in ("insert", "replace"):
                pieces.extend(("insert", t) for t in after[b1:b2])
            if op == "equal":
                pieces.extend(("equal", t) for t in after[b1:b2])
        lines.extend((True, line) for line in _split_lines(pieces))
    keep = {
        k
        for i, (changed, _) in enumerate(lines)
        if changed
        for k in range(i - context, i + context + 1)
    }
    shown: list[DiffLine | None] = []
    for i, (_, line) in enumerate(lines):
        if i in keep:
            shown.append(line)
        elif shown and shown[-1] is not None:
            shown.append(None)
    return shown


def _split_lines(pieces: list[tuple[str, str]]) -> list[DiffLine]:
    """Cut a stream of diff pieces into lines at newlines, joining runs of one kind."""
    lines: list[DiffLine] = [[]]
    for kind, word in pieces:
        if word == "\n":
            lines.append([])
            continue
        line = lines[-1]
        if line and line[-1][0] == kind:
            line[-1] = (kind, line[-1][1] + word)
        else:
            line.append((kind, word))
    return [line for line in lines if line]
