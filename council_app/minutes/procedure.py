"""Tell procedural turns (the chair's formulas, time marks, roll calls) from discussion.

Rules over a turn's label and text, pure and free of the database, run when minutes are
parsed (``versions``) and by the migration that labels turns stored before them. A turn
is procedural when:

* its label heads a list rather than naming a speaker (``출석 위원``, ``청가 의원``,
  ``찬성 의원``): roll-call lines;
* its text is nothing but time marks and stage directions (``(10시10분 개의)``);
* a presiding officer (의장, 위원장, 직무대리 …) says it and at least half of its text is
  made of the chair's formulas: opening and closing (개의, 정회, 속개, 산회), putting items
  (의사일정 제N항 … 상정합니다), votes (이의 없으므로 가결되었음을 선포합니다), giving the
  floor (나오셔서 발언해 주시기 바랍니다, 수고하셨습니다), reports tabled (회의록에 게재).

A chair who asks the district office a question of their own speaks: such sentences match
no formula, so a long turn of questions stays discussion.
"""

import re

from .models import UtteranceKind

#: Titles of whoever presides over a sitting, as labels write them (also in Hanja).
_PRESIDING = re.compile(
    r"(?:부|임시)?(?:의장|위원장|議長|委員長)(?:직무대리|대리|代理)?|직무대리|사회자?"
)
#: List headings that reuse the turn marker: attendance, votes, signatures, recorders.
_ROLL_CALL = re.compile(
    r"^(?:출석|결석|청가|불참|참석|재석|찬성|반대|기권|서명|기록|의안|배석|속기|방청)"
)
#: A time mark or a stage direction, alone on a line: `(10시10분 개의)`, `(의사봉 3타)`.
_MARK_LINE = re.compile(r"[(（][^()（）]*[)）]")
#: The sentences of a presiding officer's formulas; each pattern marks a whole sentence.
_FORMULAS = re.compile(
    "|".join(
        [
            r"선포(?:합니다|하겠습니다|하고자)",
            r"상정(?:합니다|하겠습니다|하도록)",
            r"(?:개의|속개|정회|산회|폐회|개회)(?:를|을|하겠습니다|합니다|하고자|토록|하도록)",
            r"의석을 정돈",
            r"성원이 되었",
            r"의사일정 제\s*\d+\s*항",
            r"이의(?:가)? (?:있으십니까|없으|없습니까|계십니까)",
            r"(?:가결|부결|의결|채택|원안가결|수정가결)(?:되었|하고자|하겠습니다|코자)",
            r"(?:찬성|반대)하시는",
            r"(?:수고|고생) ?(?:하셨|많으셨)",
            r"나오(?:셔서|시기 바랍니다)",
            r"(?:발언|답변|보고|설명|질의|토론)(?:해|하여|하여 주시기|해 주시기) (?:주시기 )?바랍니다",
            r"(?:질의|토론)(?:하실|할) (?:위원|의원)",
            r"(?:질의|토론|질의답변|질의 답변)(?:을|를)? (?:종결|마치)",
            r"(?:질의|토론)(?:나|하실) .{0,10}(?:계십니까|없으십니까)",
            r"(?:안 계십니까|계십니까\?)",
            r"회의록에 (?:게재|수록)",
            r"(?:배부|배포)(?:해|하여) (?:드린|드렸)",
            r"갈음(?:하|합니다|하겠습니다)",
            r"(?:보고사항|집회경위)",
            r"회의를 (?:마치|시작)",
            r"(?:잠시|다시) (?:정회|회의)",
            r"투표(?:해|를|하여|결과)|재석 \d+|표결",
            r"(?:의결|진행|심사|처리)(?:하도록|하겠습니다)",
            r"(?:선언|선포)합니다",
            r"^\s*(?:\d{1,3}|[가-하])\.\s",
        ]
    )
)
#: Where a sentence ends: after 다/까/요 and a full stop or question mark, or at a line end.
_SENTENCE_END = re.compile(r"(?<=[다까요][.?!])\s+|\n+")
#: At least this share of the text's characters sit in formula sentences.
FORMULA_SHARE = 0.5


def is_presiding(title: str | None, speaker: str) -> bool:
    """Tell whether the label is a presiding officer's (의장, 위원장, 의장 직무대리 …)."""
    words = (title or speaker or "").split()
    # Whole words only: 보건복지위원장 reporting to the plenary does not preside.
    return any(_PRESIDING.fullmatch(word) for word in words)


def turn_kind(speaker: str, title: str | None, text: str) -> UtteranceKind:
    """Return the kind of a turn: procedural or speech (see the module's rules)."""
    if is_procedural(speaker, title, text):
        return UtteranceKind.PROCEDURAL
    return UtteranceKind.SPEECH


def is_procedural(speaker: str, title: str | None, text: str) -> bool:
    """Tell whether a turn is procedure (formula, time mark, roll call) rather than discussion."""
    label = (speaker or "").strip()
    if _ROLL_CALL.match(label):
        return True
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if lines and all(_MARK_LINE.fullmatch(line) for line in lines):
        return True
    if not is_presiding(title, label):
        return False
    return formula_share(text) >= FORMULA_SHARE


def formula_share(text: str) -> float:
    """Return the share of text's characters (spaces aside) in sentences of the formulas."""
    total = formula = 0
    for sentence in _SENTENCE_END.split(text or ""):
        size = len("".join(sentence.split()))
        total += size
        if _FORMULAS.search(sentence) or _MARK_LINE.fullmatch(sentence.strip() or "x"):
            formula += size
    return formula / total if total else 1.0
