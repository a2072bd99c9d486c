"""Text no request may carry: the NUL character, which PostgreSQL cannot store in text.

No field of this system needs one, and one that reached a query (a search, a filter, a
login name) failed deep inside the database. So every request is checked once, before
anything reads it: its address (path parts and query string), its form fields and the
names of its files. JSON bodies are checked where they are read (``json_input``).
"""

from __future__ import annotations

from flask import request

from .errors import CouncilError

NUL = "\x00"
MESSAGE = "NUL 문자(\\0)는 쓸 수 없습니다. 지우고 다시 보내 주세요."


def refuse_nul() -> None:
    """Refuse a request whose address, form or file names hold a NUL character (400)."""
    fields: list[tuple[object, object]] = list((request.view_args or {}).items())
    fields += request.args.items(multi=True)
    if request.method != "GET":
        fields += request.form.items(multi=True)
        fields += [(name, file.filename) for name, file in request.files.items(multi=True)]
    for name, value in fields:
        # A hand-made multipart part may come without a name (None) or a file name.
        name = name if isinstance(name, str) else ""
        if NUL in name or (isinstance(value, str) and NUL in value):
            raise CouncilError(MESSAGE, field=name.replace(NUL, ""))
