"""Video at the moment: where in the meeting's video each turn starts, and a link to it.

A turn's position comes from the stenographer's import (seconds from the video's start) or,
failing that, from the time mark it follows (``(10시05분 개의)``) and the clock time the
video starts at, which the secretariat sets on the meeting.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import update

from ..core import audit
from ..core.errors import RuleViolation
from ..extensions import db
from .models import Minutes, MinutesVersion, Utterance

#: A council's longest sitting (a budget debate into the night) stays well within a day.
MAX_OFFSET_SECONDS = 24 * 3600
#: A CSV of one day's turns is a few KB; this bounds what is read.
MAX_CSV_BYTES = 256 * 1024
MAX_CSV_ROWS = 5000
#: Problems listed at once: the stenographer fixes the file and tries again.
MAX_LISTED_ERRORS = 10

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_OFFSET = re.compile(r"(?:(\d{1,2}):)?(?:(\d{1,2}):)?(\d+)")
_YOUTUBE = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}
_VIMEO = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def turn_offset(
    video_offset: int | None, clock_time: str | None, video_start: time | None
) -> int | None:
    """Return where a turn starts in the video, in seconds, or None if nothing says."""
    if video_offset is not None:
        return video_offset
    if not clock_time or video_start is None:
        return None
    match = _CLOCK.fullmatch(clock_time)
    if not match:
        return None
    seconds = int(match[1]) * 3600 + int(match[2]) * 60
    start = video_start.hour * 3600 + video_start.minute * 60 + video_start.second
    # A mark before the video began (a wrong start time) has no place in it.
    return seconds - start if seconds >= start else None


def at_second(url: str, seconds: int) -> str:
    """Return ``url`` opening at ``seconds``: the host's own parameter, else ``#t=``."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:  # a malformed host (``http://[x``): the video from its start
        return url
    if host in _YOUTUBE:
        name = "start" if parts.path.startswith("/embed/") else "t"
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("t", "start")]
        query.append((name, str(seconds)))
        return urlunsplit(parts._replace(query=urlencode(query), fragment=""))
    if host in _VIMEO:
        return urlunsplit(parts._replace(fragment=f"t={seconds}s"))
    # W3C Media Fragments: browsers start a linked video file at this second.
    return urlunsplit(parts._replace(fragment=f"t={seconds}"))


@dataclass(frozen=True)
class TurnVideo:
    """The links of one turn into the meeting's video and its sign-language video."""

    seconds: int
    video: str | None
    sign_language: str | None

    @property
    def clock(self) -> str:
        """Return the position as ``H:MM:SS``, as players show it."""
        hours, rest = divmod(self.seconds, 3600)
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def turn_videos(meeting, turns) -> dict[int, TurnVideo]:
    """Return the video links of each turn (by order) that has a position; {} without video."""
    video, sign = meeting.video_url, meeting.sign_language_video_url
    if not video and not sign:
        return {}
    found = {}
    for turn in turns:
        seconds = turn_offset(turn.video_offset, turn.clock_time, meeting.video_start)
        if seconds is not None:
            found[turn.order] = TurnVideo(
                seconds,
                at_second(video, seconds) if video else None,
                at_second(sign, seconds) if sign else None,
            )
    return found


def parse_offset(text: str) -> int:
    """Read ``754``, ``12:34`` or ``1:02:34`` as seconds; ValueError if it is none of them."""
    match = _OFFSET.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    first, second, last = match.groups()
    if first is not None and second is None:  # 12:34 → minutes and seconds
        first, second = None, first
    if (second is not None or first is not None) and int(last) >= 60:
        raise ValueError(text)
    if first is not None and int(second) >= 60:
        raise ValueError(text)
    return int(first or 0) * 3600 + int(second or 0) * 60 + int(last)


def read_offsets(data: bytes, orders: set[int]) -> dict[int, int]:
    """Read a CSV of ``order,offset`` lines (a header line may come first).

    Raise RuleViolation listing, by line, what is wrong: an order the version does not
    have, an offset that is not a time within a day, an order given twice.
    """
    if len(data) > MAX_CSV_BYTES:
        raise RuleViolation(
            f"파일이 너무 큽니다. {MAX_CSV_BYTES // 1024}KB 이하로 올려 주세요.", "file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleViolation("CSV 파일은 UTF-8로 저장해 주세요.", "file") from None
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_CSV_ROWS + 1:
        raise RuleViolation(f"줄이 너무 많습니다. {MAX_CSV_ROWS}줄 이하로 올려 주세요.", "file")
    offsets: dict[int, int] = {}
    errors: list[str] = []
    for line, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if line == 1 and not cells[0].isdigit():
            continue  # a header such as ``order,offset`` or ``순서,시각``
        problem = _row_problem(cells, orders, offsets)
        if problem:
            errors.append(f"{line}번째 줄: {problem}")
            continue
        offsets[int(cells[0])] = parse_offset(cells[1])
    if errors:
        more = len(errors) - MAX_LISTED_ERRORS
        listed = errors[:MAX_LISTED_ERRORS] + (
            [f"그 밖에 {more}줄이 더 틀렸습니다."] if more > 0 else []
        )
        raise RuleViolation([("file", message) for message in listed])
    if not offsets:
        raise RuleViolation("발언 순서와 영상 시각이 든 줄이 없습니다(예: 3,0:12:34).", "file")
    return offsets


def _row_problem(cells: list[str], orders: set[int], seen: dict[int, int]) -> str | None:
    if len(cells) != 2:
        return "‘발언 순서,영상 시각’ 두 칸이어야 합니다(예: 3,0:12:34)."
    order, offset = cells
    if not order.isdigit() or len(order) > 6:
        return f"발언 순서 ‘{order[:20]}’는 숫자여야 합니다."
    if int(order) not in orders:
        return f"{int(order)}번째 발언이 이 판에 없습니다."
    if int(order) in seen:
        return f"{int(order)}번째 발언이 두 번 나옵니다."
    try:
        seconds = parse_offset(offset[:20])
    except ValueError:
        return f"영상 시각 ‘{offset[:20]}’를 754(초), 12:34, 1:02:34처럼 적어 주세요."
    if seconds > MAX_OFFSET_SECONDS:
        return "영상 시각은 24시간을 넘을 수 없습니다."
    return None


def import_offsets(minutes: Minutes, data: bytes, actor=None) -> int:
    """Set the video positions of the shown version's turns from a CSV; return how many."""
    version: MinutesVersion | None = minutes.current_version
    if version is None:
        raise RuleViolation("본문이 없는 회의록에는 영상 시각을 넣을 수 없습니다.", "file")
    orders = set(
        db.session.scalars(db.select(Utterance.order).where(Utterance.version_id == version.id))
    )
    offsets = read_offsets(data, orders)
    for order, seconds in offsets.items():
        db.session.execute(
            update(Utterance)
            .where(Utterance.version_id == version.id, Utterance.order == order)
            .values(video_offset=seconds)
        )
    db.session.expire(version, ["utterances"])
    audit.record(
        "minutes.video_offsets",
        minutes,
        after={"version": version.number, "turns": len(offsets)},
        actor=actor,
    )
    return len(offsets)
