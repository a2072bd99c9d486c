"""Split the text of Korean council minutes into a header and an ordered list of blocks.

Minutes mark each speaker turn with a circle (○ U+25CB in local councils, ◯ U+25EF in the
National Assembly, sometimes 〇 U+3007) followed by the speaker's label, a wide space and
the speech. Between turns come agenda headings (`1. …`, `가. …`, `o …`), time marks
(`(10시10분 개의)`) and stage directions (`(의사봉 3타)`); after the closing time mark
(`산회`) come attendance lists that reuse the circle without being speech.

Parsing is lossless: every line of `normalise(text)` belongs to exactly one block, in
order, so `reconstruct(parse_minutes(text)) == normalise(text)`. Closed passages (비공개) are
found here too, from the same marks.

The module passes 400 lines because the patterns above are shared by the body, the header
and the closed-passage rules; split, each part would import the others' patterns.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace

MARKERS = "○◯〇"

# A speaker label: one to three words separated by single ASCII spaces, optionally ending
# in a short note such as `(의석에서)`.
_LABEL = r"(?P<label>[^\s()]+(?: [^\s()]+){0,2}(?:\([^()]{1,20}\))?)"
# Speaker line: marker, label, then two or more spaces or one non-ASCII space (EM SPACE,
# IDEOGRAPHIC SPACE, NBSP …), then the speech. Label words are separated by single ASCII
# spaces only, so the wide space always ends the label.
_SPEAKER_LINE = re.compile(
    r"(?P<marker>[○◯〇])" + _LABEL + r"(?:[^\S\n]{2,}|[^\S\n]*[^\S \t\n][^\S\n]*)(?P<speech>\S.*)"
)
# A marker line holding only a label, with the speech on the following lines.
_LABEL_ONLY_LINE = re.compile(r"(?P<marker>[○◯〇])" + _LABEL)
# A label's trailing note, dropped when splitting it into title and name.
_LABEL_NOTE = re.compile(r"\([^()]*\)$")
# Labels that name a person: a title ending like an office (의장, 장관, 위원, 국무총리 …)
# and a two-to-four-syllable name, or a name and 위원/의원. Attendance-list headings such
# as `○출석 공무원` or `◯의안 제출` do not fit either shape.
_PERSON_LABEL = re.compile(
    r"\S*(?:장|관|위원|의원|총리|대리) [가-힣]{2,4}|[가-힣]{2,4} (?:위원|의원|위원장|의장)"
)
# Words that stand for the title when written after the name (`홍길동 위원`, `河泰慶 議員`).
_TRAILING_TITLES = {"위원", "의원", "위원장", "의장", "議員", "委員", "委員長"}

# Time marks: `(10시10분 개의)`, `(14시30분)`, `(12시 정회)`, with any words after the time.
_TIME_MARK = re.compile(
    r"\s*[(（]\s*(?P<hour>\d{1,2})\s*시\s*(?:(?P<minute>\d{1,2})\s*분)?\s*(?P<mark>[^()（）]*?)"
    r"\s*[)）]"
)
# A whole line in parentheses is a stage direction: `(의사봉 3타)`, `(「예」하는 의원 있음)`.
_STAGE_DIRECTION = re.compile(r"\s*[(（].*[)）]")
# Agenda headings start at the left margin: `1. 조례안`, `가. 기획행정실 소관`, `o 5분자유발언`.
# Speech continuation lines are indented or start with a word, so they do not match.
_AGENDA_HEADING = re.compile(r"(?:\d{1,3}\.|[가-하]\.|o )\s*\S")
# Page furniture that interrupts a turn without ending it: hwp5txt's `<표>`/`<그림>`
# placeholders and PDF running heads such as `제299회－…제4차(2011년4월28일)  1`.
_PAGE_FURNITURE = re.compile(r"<(?:표|그림)>|제\d+회[－-].*\(\d{4}년\s*\d+월\s*\d+일\)\s*\d*")

# Header fields, searched in the lines before the first turn or time mark.
_SESSION = re.compile(r"제\s*(?P<number>\d+)\s*회\s*(?P<council>[^\s(（]*(?:국회|의회))?")
_SESSION_KIND = re.compile(r"정례회|임시회")
# The sitting number: `제 8 호` on council covers, `제1차` elsewhere, but not the `제2차` of
# `(2023년도제2차정례회)`, which numbers the session within the year.
_SITTING_ISSUE = re.compile(r"제\s*(?P<number>\d+)\s*호")
_SITTING_ROUND = re.compile(r"제\s*(?P<number>\d+)\s*차(?!\s*(?:정례회|임시회))")
_DATE = re.compile(r"(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일")
# The scheduled time after the date: `10시00분`, `오후 2시`.
_CLOCK = re.compile(
    r"(?P<half>오전|오후)?\s*(?P<hour>\d{1,2})\s*시\s*(?:(?P<minute>\d{1,2})\s*분)?"
)
_PLACE = re.compile(r"(?:장\s*소|場\s*所)\s*[:：]?\s*(?P<place>\S.*)")
# The title line names the body before 회의록, often with the council name in front and
# the issue number after (`보건복지위원회회의록 제 1 호`); spaces are removed first.
_BODY_TITLE = re.compile(r"(?P<body>[^(（]+?)회의록")


@dataclass
class MinutesHeader:
    """What the cover lines say about the meeting; None where the text does not say."""

    session_number: int | None = None
    council: str | None = None
    session_kind: str | None = None
    body_name: str | None = None
    sitting: int | None = None
    date: datetime.date | None = None
    start_time: str | None = None
    place: str | None = None


@dataclass
class Utterance:
    """One speaker turn, or its resumption after a stage direction (`continued`)."""

    order: int
    speaker: str
    title: str | None
    name: str | None
    text: str
    agenda_heading: str | None
    member: str | None
    continued: bool = False
    raw: str = field(default="", repr=False)


@dataclass
class Block:
    """A non-speech part: header, agenda_heading, stage_direction, time_mark, closing_list
    or other. Time marks carry `time` (HH:MM) and `mark` (개의, 정회, 속개, 산회 …)."""

    kind: str
    text: str
    mark: str | None = None
    time: str | None = None
    raw: str = field(default="", repr=False)


@dataclass
class ParsedMinutes:
    """The header and the blocks of one set of minutes, in reading order."""

    header: MinutesHeader
    blocks: list[Utterance | Block]

    @property
    def utterances(self) -> list[Utterance]:
        """Return the speech blocks, continued parts included."""
        return [block for block in self.blocks if isinstance(block, Utterance)]


def normalise(text: str) -> str:
    """Return text in the form the parser keeps losslessly.

    NFC composition (Hangul typed on macOS arrives decomposed); every line boundary that
    str.splitlines knows (CRLF, CR, form feed between PDF pages, U+2028 …) becomes LF;
    trailing whitespace of each line is dropped; runs of blank lines become one blank
    line; leading and trailing blank lines are dropped, and there is no final newline.
    """
    lines = [line.rstrip() for line in unicodedata.normalize("NFC", text).splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def reconstruct(parsed: ParsedMinutes) -> str:
    """Return the normalised text the blocks were parsed from."""
    return "\n".join(block.raw for block in parsed.blocks)


#: What the public text shows in place of a closed passage.
CLOSED_NOTICE = "(이 부분은 비공개 회의로 공개하지 않습니다)"


def closed_flags(blocks: list[Utterance | Block]) -> list[bool]:
    """Tell for each block whether it lies in a closed passage (비공개 회의).

    Minutes mark one in parentheses, ``(비공개회의 시작)`` … ``(공개회의로 전환)``; the
    closing time mark (``산회``) ends one too. The mark that opens a passage lies in it.
    """
    flags, closed = [], False
    for block in blocks:
        change = _closed_change(block) if isinstance(block, Block) else None
        closed = closed if change is None else change
        flags.append(closed)
    return flags


def public_text(blocks: list[Utterance | Block], closed: list[bool]) -> str:
    """Return the text citizens may read: each closed passage replaced by CLOSED_NOTICE."""
    lines = []
    for block, hidden, before in zip(blocks, closed, [False, *closed], strict=False):
        if hidden and not before:
            lines.append(CLOSED_NOTICE)
        if not hidden:
            lines.append(block.raw)
    return "\n".join(lines)


def _closed_change(block: Block) -> bool | None:
    """Tell whether a mark opens (True) or ends (False) a closed passage, or neither (None)."""
    if block.kind not in ("stage_direction", "time_mark"):
        return None
    words = block.text.replace(" ", "")
    if "비공개" in words and not any(end in words for end in ("해제", "종료", "끝")):
        return True
    if "공개" in words or (block.kind == "time_mark" and block.mark and "산회" in block.mark):
        return False
    return None


def parse_minutes(text: str, roster: list[str] | None = None) -> ParsedMinutes:
    """Parse minutes text; `roster` names are matched to speakers as `member`."""
    lines = normalise(text).split("\n")
    body_start = _first_body_line(lines)
    blocks: list[Utterance | Block] = []
    if body_start:
        blocks.append(Block(kind="header", text=_join_text(lines[:body_start])))
        blocks[-1].raw = "\n".join(lines[:body_start])
    blocks.extend(_BodyParser(roster or []).parse(lines[body_start:]))
    header = _parse_header(lines[:body_start], blocks)
    return ParsedMinutes(header=header, blocks=blocks)


def _first_body_line(lines: list[str]) -> int:
    """Return the index of the first speaker line or time mark (the end of the cover)."""
    for index, line in enumerate(lines):
        if _SPEAKER_LINE.fullmatch(line) or _TIME_MARK.fullmatch(line):
            return index
    return 0


class _BodyParser:
    """Walk the body lines once, growing the current block or starting a new one."""

    def __init__(self, roster: list[str]):
        self.roster = roster
        self.blocks: list[Utterance | Block] = []
        self.lines: list[str] = []  # raw lines of the block being built
        self.turn: Utterance | None = None  # the turn that plain lines continue
        self.turns = 0
        self.agenda: str | None = None
        self.closing = False  # past the 산회 time mark: circles now head attendance lists
        self.known_speakers: set[str] = set()

    def parse(self, lines: list[str]) -> list[Utterance | Block]:
        """Return the blocks of the body lines, in order."""
        for index, line in enumerate(lines):
            self.feed(line, lines[index + 1] if index + 1 < len(lines) else "")
        self.flush()
        return self.blocks

    def feed(self, line: str, next_line: str) -> None:
        """Classify one line and attach it to the current or a new block."""
        if not line:
            self.lines.append(line)
        elif match := _SPEAKER_LINE.fullmatch(line):
            self.start_turn(match["marker"], match["label"], match["speech"], line)
        elif line[0] in MARKERS:
            self.marker_line(line, next_line)
        elif match := _TIME_MARK.fullmatch(line):
            self.time_mark(match, line)
        elif _STAGE_DIRECTION.fullmatch(line):
            self.start_block(Block(kind="stage_direction", text=line.strip()), line)
        elif _PAGE_FURNITURE.fullmatch(line.strip()):
            self.start_block(Block(kind="other", text=line.strip()), line)
        elif _AGENDA_HEADING.match(line) and not self.closing:
            self.turn = None
            self.agenda = line.strip()
            self.start_block(Block(kind="agenda_heading", text=self.agenda), line)
        else:
            self.plain_line(line)

    def marker_line(self, line: str, next_line: str) -> None:
        """Handle a marker line without inline speech: a label-only turn or a list heading."""
        match = _LABEL_ONLY_LINE.fullmatch(line)
        if match and self.is_label_only_turn(match["label"], next_line):
            self.start_turn(match["marker"], match["label"], "", line)
            return
        if self.closing:
            self.turn = None
            self.start_block(Block(kind="closing_list", text=line[1:].strip()), line)
        else:
            # Before the close, such lines are editorial notes (`○ … 건은 끝에 실음`)
            # that the chair's speech continues after.
            self.start_block(Block(kind="other", text=line[1:].strip()), line)

    def is_label_only_turn(self, label: str, next_line: str) -> bool:
        """Tell whether a bare label introduces speech on the following lines."""
        if self.closing or not next_line or next_line[0] in MARKERS:
            return False
        return label in self.known_speakers or bool(_PERSON_LABEL.fullmatch(label))

    def start_turn(self, marker: str, label: str, speech: str, line: str) -> None:
        """Begin a new speaker turn."""
        self.known_speakers.add(label)
        self.turns += 1
        title, name = _split_label(label)
        self.turn = Utterance(
            order=self.turns,
            speaker=label,
            title=title,
            name=name,
            text=speech,
            agenda_heading=self.agenda,
            member=_match_member(label, name, self.roster),
        )
        self.start_block(self.turn, line)

    def time_mark(self, match: re.Match, line: str) -> None:
        """Record a time mark; it ends the current turn, and 산회 starts the closing lists."""
        self.turn = None
        mark = match["mark"] or None
        clock = f"{int(match['hour']):02d}:{int(match['minute'] or 0):02d}"
        self.start_block(Block(kind="time_mark", text=line.strip(), mark=mark, time=clock), line)
        if mark and "산회" in mark:
            self.closing = True

    def plain_line(self, line: str) -> None:
        """Add a plain line to the current turn or list, resuming a turn if interrupted."""
        current = self.blocks[-1] if self.blocks else None
        if self.turn is not None and current is not self.turn:
            # Speech goes on after a stage direction or page break inside the turn.
            self.turn = replace(self.turn, text="", continued=True)
            self.start_block(self.turn, line)
        elif self.turn is None and not (
            isinstance(current, Block) and current.kind in ("closing_list", "other")
        ):
            self.start_block(Block(kind="other", text=""), line)
        else:
            self.lines.append(line)
        block = self.blocks[-1]
        block.text = "\n".join(filter(None, [block.text, line.strip()]))

    def start_block(self, block: Utterance | Block, line: str) -> None:
        """Close the block being built and open `block` with its first raw line."""
        self.flush()
        self.blocks.append(block)
        self.lines = [line]

    def flush(self) -> None:
        """Store the raw lines gathered so far on the block they belong to."""
        if not self.lines:
            return
        if not self.blocks:
            # Only an empty document has lines before any block: its single blank line.
            self.blocks.append(Block(kind="other", text=""))
        self.blocks[-1].raw = "\n".join(self.lines)
        self.lines = []


def _split_label(label: str) -> tuple[str | None, str | None]:
    """Split `의장 김병국` or `김병국 위원` into (title, name); one word is a bare title."""
    words = _LABEL_NOTE.sub("", label).split(" ")
    if len(words) == 1:
        return words[0], None
    if words[-1] in _TRAILING_TITLES:
        return words[-1], " ".join(words[:-1])
    return " ".join(words[:-1]), words[-1]


def _match_member(label: str, name: str | None, roster: list[str]) -> str | None:
    """Return the roster name this speaker is, looking inside labels that lost spaces."""
    if name in roster:
        return name
    compact = label.replace(" ", "")
    found = [member for member in roster if member and member in compact]
    return max(found, key=len) if found else None


def _join_text(lines: list[str]) -> str:
    """Join the non-blank lines, stripped, with newlines."""
    return "\n".join(line.strip() for line in lines if line.strip())


def _parse_header(cover: list[str], blocks: list[Utterance | Block]) -> MinutesHeader:
    """Read the header fields from the cover lines and the opening time mark."""
    text = "\n".join(cover)
    header = MinutesHeader()
    if match := _SESSION.search(text):
        header.session_number = int(match["number"])
        header.council = match["council"] or None
    if match := _SESSION_KIND.search(text):
        header.session_kind = match[0]
    header.body_name = _body_name(cover, header.council)
    if match := _SITTING_ISSUE.search(text) or _SITTING_ROUND.search(text):
        header.sitting = int(match["number"])
    if match := _DATE.search(text):
        header.date = _date(match)
        header.start_time = _clock(text[match.end() :].split("\n", 1)[0])
    opening = next(
        (b for b in blocks if isinstance(b, Block) and b.kind == "time_mark" and b.mark == "개의"),
        None,
    )
    if opening is not None:
        header.start_time = opening.time
    if match := _PLACE.search(text):
        header.place = match["place"].strip()
    return header


def _body_name(cover: list[str], council: str | None) -> str | None:
    """Return the meeting body from the `…회의록` title line, without the council name."""
    for line in cover:
        if match := _BODY_TITLE.match(re.sub(r"\s+", "", line)):
            body = match["body"].removeprefix(council or "")
            return body or None
    return None


def _date(match: re.Match) -> datetime.date | None:
    """Return the matched date, or None when it is not a real calendar day."""
    try:
        return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None


def _clock(text: str) -> str | None:
    """Return HH:MM for `10시00분` or `오후 2시` at the start of text, else None."""
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour = int(match["hour"])
    if match["half"] == "오후" and hour < 12:
        hour += 12
    return f"{hour:02d}:{int(match['minute'] or 0):02d}"
