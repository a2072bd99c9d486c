"""The last outbox row an index applied, committed with the generation it belongs to.

Whoosh commits a generation of the index by writing its table of contents
(``_MAIN_<n>.toc``). Just before that, every commit writes ``CURSOR_<n>``: the id of the
last outbox row whose change generation n holds. A commit that dies before its table of
contents leaves a cursor file no generation refers to, which the next commit overwrites;
so whoever reads generation n's cursor reads what generation n holds, never more. Each
node's index carries its own cursor, and the outbox is never marked "done" globally.
"""

from __future__ import annotations

import contextlib
import os

PREFIX = "CURSOR_"
#: Cursor files of older generations kept for readers still on them; the rest are removed.
KEEP = 4
#: Tries of a read while writers commit new generations and remove old cursor files.
READ_ATTEMPTS = 5


def write(path: str, generation: int, cursor: int) -> None:
    """Write generation's cursor durably; to be called under the write lock, before commit."""
    target = os.path.join(path, f"{PREFIX}{generation}")
    temporary = f"{target}.tmp"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(str(cursor))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)


def read(path: str, latest_generation) -> int:
    """Return the cursor of the latest generation; 0 for an index made before cursors.

    ``latest_generation`` is called again when a writer removed the file under the read.
    """
    generation = latest_generation()
    for _ in range(READ_ATTEMPTS):
        try:
            with open(os.path.join(path, f"{PREFIX}{generation}"), encoding="ascii") as handle:
                return int(handle.read())
        except FileNotFoundError:
            newer = latest_generation()
            if newer == generation:
                return 0
            generation = newer
    raise RuntimeError(f"index at {path} changed {READ_ATTEMPTS} times while its cursor was read")


def remove_old(path: str, generation: int) -> None:
    """Remove the cursor files of generations older than the last ``KEEP``."""
    for name in os.listdir(path):
        number = name.removeprefix(PREFIX)
        if name.startswith(PREFIX) and number.isdigit() and int(number) <= generation - KEEP:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(path, name))
