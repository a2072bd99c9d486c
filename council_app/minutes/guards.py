"""Checks a version must pass, or have confirmed, before it becomes the public record.

Pure functions over plain values, so every rule is tested without a database. Each finding
has a code (what the API's ``confirm`` list names) and a Korean message naming examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

#: A speaker line, a heading, a time mark or a stage direction: never a cut line.
_STRUCTURE = re.compile(r"\s*(?:[○◯〇]|[(（]|\d{1,3}\.|[가-하]\.|o )")
_HANGUL = re.compile(r"[가-힣]")
_SENTENCE_END = re.compile(r"(?:다|요|까|죠|니다|습니까)[.?!]?$|[,，]$")
_HEADING_NUMBER = re.compile(r"^(?:\d{1,3}\.|[가-하]\.|o )\s*")
#: How many examples a message names.
EXAMPLES = 3
#: Below this many speech lines or letters, shares say nothing.
_MIN_LINES = 10
_MIN_LETTERS = 50


@dataclass(frozen=True)
class Finding:
    """One thing the stenographer must see before publishing, and accept to go on."""

    code: str
    message: str
    #: Accepting it needs a written reason (kept in the audit log).
    needs_reason: bool = False
    examples: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class MeetingFacts:
    """What the council's records say about the meeting, to hold a file's header against."""

    council: str
    session_number: int
    sitting: int
    body_name: str
    date: date


def turn_findings(turns: int, published_turns: int | None) -> list[Finding]:
    """Refuse a version with no speaker turn, or with under half the published version's."""
    if turns == 0:
        return [
            Finding(
                "no_turns",
                "발언을 하나도 찾지 못했습니다. 파일이 회의록이 맞는지, 본문이 제대로 "
                "읽혔는지 확인해 주세요.",
                needs_reason=True,
            )
        ]
    if published_turns and turns * 2 < published_turns:
        return [
            Finding(
                "fewer_turns",
                f"발언이 {turns}건으로, 공개된 판의 {published_turns}건의 절반에 못 미칩니다.",
                needs_reason=True,
            )
        ]
    return []


def _squeezed(text: str | None) -> str:
    return "".join((text or "").split())


def header_findings(header: dict, facts: MeetingFacts) -> list[Finding]:
    """Warn when the file's own header names another council, session, sitting, body or day."""
    differences = []
    council = _squeezed(header.get("council"))
    if council and council not in _squeezed(facts.council):
        differences.append(f"의회 '{header['council']}'(이 회의: {facts.council})")
    number = header.get("session_number")
    if number is not None and number != facts.session_number:
        differences.append(f"회기 제{number}회(이 회의: 제{facts.session_number}회)")
    sitting = header.get("sitting")
    if sitting is not None and sitting != facts.sitting:
        differences.append(f"차수 제{sitting}차(이 회의: 제{facts.sitting}차)")
    body = _squeezed(header.get("body_name"))
    expected_body = _squeezed(facts.body_name)
    # Only a name shaped like a body counts: the parser's guess may be a stray cover line.
    shaped = body.endswith(("본회의", "위원회"))
    if shaped and body not in expected_body and expected_body not in body:
        differences.append(f"회의체 '{header['body_name']}'(이 회의: {facts.body_name})")
    day = header.get("date")
    if day and day != facts.date.isoformat():
        found = date.fromisoformat(day)
        differences.append(
            f"날짜 {found.year}. {found.month}. {found.day}."
            f"(이 회의: {facts.date.year}. {facts.date.month}. {facts.date.day}.)"
        )
    if not differences:
        return []
    return [
        Finding(
            "header_mismatch",
            "파일 머리말이 이 회의와 다릅니다: "
            + ", ".join(differences)
            + ". 다른 회의의 파일이 아닌지 확인해 주세요.",
            examples=tuple(differences),
        )
    ]


def cut_lines(text: str) -> list[str]:
    """Return speech lines that end mid-word: Hangul runs on into the next line's Hangul."""
    lines = _speech(text)
    cut = []
    for line, after in zip(lines, lines[1:], strict=False):
        if not line or not after or _STRUCTURE.match(line) or _STRUCTURE.match(after):
            continue
        if _HANGUL.match(line[-1]) and _HANGUL.match(after[0]) and not _SENTENCE_END.search(line):
            cut.append(f"{line[-12:]} / {after[:12]}")
    return cut


def _speech(text: str) -> list[str]:
    """Return the lines from the first speaker turn on, right-stripped.

    The cover's short lines break wherever the layout wants, so only the speech counts.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    starts = (i for i, line in enumerate(lines) if line.lstrip().startswith(tuple("○◯〇")))
    first_turn = next(starts, None)
    return lines[first_turn:] if first_turn is not None else []


def speech_lines(text: str) -> int:
    """Count the lines of speech: from the first turn on, turns and headings left out."""
    return sum(1 for line in _speech(text) if line.strip() and not _STRUCTURE.match(line))


def fragment_headings(headings: list[str]) -> list[str]:
    """Return agenda headings that read as pieces of a sentence rather than a title."""
    found = []
    for heading in headings:
        title = _HEADING_NUMBER.sub("", heading.strip())
        if len(title) > 120 or _SENTENCE_END.search(title) or len(title) < 2:
            found.append(heading.strip())
    return found


def text_findings(text: str, headings: list[str]) -> list[Finding]:
    """Warn when the text looks broken: cut lines, fragment headings, U+FFFD, little Hangul."""
    findings = []
    cut = cut_lines(text)
    speech = speech_lines(text)
    if speech >= _MIN_LINES and len(cut) * 5 >= speech:
        share = round(100 * len(cut) / speech)
        findings.append(
            _with_examples("cut_lines", f"본문 줄의 {share}%가 낱말 중간에서 끊겨 있습니다.", cut)
        )
    fragments = fragment_headings(headings)
    if fragments:
        findings.append(
            _with_examples(
                "fragment_headings",
                f"안건 제목 {len(fragments)}개가 문장 조각처럼 보입니다.",
                fragments,
                shown=lambda heading: f"'{heading[:40]}'",
            )
        )
    broken = text.count("\ufffd")
    if broken:
        lines = [line.strip()[:30] for line in text.splitlines() if "\ufffd" in line]
        findings.append(
            _with_examples(
                "replacement_chars",
                f"읽지 못한 글자(�)가 {broken}개 있습니다.",
                lines,
                shown=lambda line: f"'{line}'",
            )
        )
    letters = [c for c in text if c.isalpha()]
    hangul = sum(1 for c in letters if _HANGUL.match(c))
    if len(letters) >= _MIN_LETTERS and hangul * 2 < len(letters):
        others = "".join(dict.fromkeys(c for c in letters if not _HANGUL.match(c)))[:10]
        findings.append(
            Finding(
                "non_hangul",
                f"글자의 {round(100 * hangul / len(letters))}%만 한글입니다"
                f"(다른 글자 예: {others}). 인코딩이나 파일을 확인해 주세요.",
                examples=(others,),
            )
        )
    return findings


def _with_examples(code: str, message: str, found: list[str], shown=str) -> Finding:
    """Return a warning that names its first few examples, as the stenographer reads it."""
    examples = tuple(found[:EXAMPLES])
    return Finding(code, f"{message} 예: " + "; ".join(map(shown, examples)), examples=examples)


def unaccepted(
    findings: list[Finding], confirm: list[str] | tuple[str, ...], reason: str
) -> list[tuple[str, str]]:
    """Return the errors left: findings not confirmed, or confirmed without a needed reason."""
    errors = []
    for finding in findings:
        if finding.code not in confirm:
            errors.append(("confirm", f"[{finding.code}] {finding.message}"))
        elif finding.needs_reason and not reason.strip():
            errors.append(("reason", f"[{finding.code}] 확인한 사유를 적어 주세요."))
    return errors
