"""Write bench/search_topics.json: graded judgements of topic queries over the real corpus.

Run: python bench/judge_topics.py [--check N]

Every turn of the corpus holding the query word is graded from its own text, by the rule
below (never from what a search engine returned); turns without the word are grade 0.

* 0: a procedural mention or a name. The turn is a list (출석 위원 …), or every sentence
  holding the word is a presiding officer's formula (the label's title is 의장, 부의장,
  위원장 or a 대리 of them, and the sentence puts an item, opens or closes, gives the
  floor, thanks a speaker or calls a vote), or the word only occurs inside a longer name
  (예산 in 예산결산특별위원회, 감사 in 행정사무감사특별위원회), or only in an agenda
  heading line the corpus's splitter left inside the turn.
* 2: the turn discusses the topic: the word occurs at least twice outside names, in a
  turn that is not procedural in the sense above.
* 1: the turn mentions it once.

``--check N`` prints N graded turns at random with their text, to read and compare with
the grade. The rule was read against 30 of them once: agenda headings left inside turns
were then taken out; no turn was graded by hand. Grade 2 counts occurrences, so it leans
towards long turns: read the nDCG of length normalisation with that in mind.
"""

import argparse
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import load_utterances  # noqa: E402

TOPICS = [
    "예산",
    "결산",
    "기금",
    "예비비",
    "어린이집",
    "개성공단",
    "테러방지법",
    "누리과정",
    "선거구",
    "세월호",
    "위안부",
    "전통시장",
    "소상공인",
    "일자리",
    "청년",
    "노동개혁",
    "파견법",
    "북한",
    "핵실험",
    "사드",
    "수해",
    "침수",
    "하수도",
    "민간위탁",
    "휴양림",
    "급식",
    "투자유치",
    "공동주택",
    "레코파크",
    "미호강",
    "공무국외출장",
    "행정사무감사",
    "도시계획",
    "문화재",
    "복지관",
    "안전교육",
    "인사청문",
    "주차",
    "버스",
    "장애인",
    "노인",
    "출산",
    "농업",
    "관광",
    "조례",
    "교통",
    "공원",
    "학교",
]
#: Whoever presides: the whole title word, as labels write it.
PRESIDING = re.compile(r"(?:부|임시)?(?:의장|위원장)(?:직무대리|대리)?|직무대리")
#: List headings that reuse the turn marker.
LISTS = re.compile(r"^(?:출석|결석|청가|참석|찬성|반대|기록|의안|서명)")
#: What makes a chair's sentence a formula rather than something said about the topic.
FORMULA = re.compile(
    r"상정|선포|가결|부결|의결|의사일정|제\s*\d+\s*항|나오셔서|수고|개의|산회|정회|속개|"
    r"보고(?:해|하여) 주시기|제안설명|심사보고|검토보고|이의|투표|회기"
)
#: Lines that head an agenda item or note something, not speech.
HEADING = re.compile(r"^\s*(?:(?:\d{1,3}|[가-하])\.\s|○).*$", re.MULTILINE)
#: Names a word can sit inside: bodies, councils, foundations, centres.
NAME_TAIL = r"[가-힣]*(?:위원회|의회|재단|공단|센터|본부)"


def grade(word: str, turn: dict) -> int:
    """Return the grade of one turn holding the word (see the module docstring)."""
    speaker, text = turn["speaker"], turn["text"]
    if LISTS.match(speaker):
        return 0
    # Agenda headings and editorial notes the corpus's turn splitter left inside a turn
    # (`3. … 인사청문 경과보고의 건`, `○ … 끝에 실음`) are nobody's words.
    said = HEADING.sub(" ", text)
    outside = re.sub(rf"[가-힣]*{re.escape(word)}{NAME_TAIL}", " ", said)
    count = outside.count(word)
    if not count:
        return 0
    if any(PRESIDING.fullmatch(w) for w in speaker.split()):
        sentences = [s for s in re.split(r"(?<=[다까요][.?!])\s+|\n+", outside) if word in s]
        if all(FORMULA.search(s) for s in sentences):
            return 0
    return 2 if count >= 2 else 1


def judge(utterances: list[dict]) -> list[dict]:
    """Return the judged set: per topic, every turn holding the word with its grade."""
    judged = []
    for word in TOPICS:
        turns = []
        for turn in utterances:
            if word in turn["text"]:
                at = turn["text"].find(word)
                excerpt = turn["text"][max(at - 20, 0) : at + len(word) + 20].replace("\n", " ")
                turns.append({"key": turn["key"], "grade": grade(word, turn), "excerpt": excerpt})
        judged.append({"query": word, "kind": "topic", "judged": turns})
    return judged


def main():
    """Write the judged set, or print turns to check the grades by reading them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, default=0)
    args = parser.parse_args()
    utterances = load_utterances()
    judged = judge(utterances)
    if args.check:
        by_key = {u["key"]: u for u in utterances}
        rng = random.Random(21)
        pairs = [(item["query"], j) for item in judged for j in item["judged"]]
        for query, j in rng.sample(pairs, args.check):
            turn = by_key[j["key"]]
            print(f"--- {query} grade {j['grade']} {turn['speaker']}: {turn['text'][:400]}")
        return
    out = Path(__file__).with_name("search_topics.json")
    out.write_text(json.dumps(judged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for item in judged:
        grades = [j["grade"] for j in item["judged"]]
        print(f"{item['query']:8} " + " ".join(f"{g}:{grades.count(g):4}" for g in (2, 1, 0)))


if __name__ == "__main__":
    main()
