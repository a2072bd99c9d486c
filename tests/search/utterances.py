"""Made-up speaker turns with the shape of real minutes, for the index's compatibility tests.

They need no corpus: the same seed gives the same 400 turns on every machine, with words
common enough to span several posting blocks (의원), compounds and particles (추가경정예산을,
구청장께서), phrases (존경하는 의원), numbers that share a prefix (2023년, 20억) and rare words.
"""

from __future__ import annotations

import random

SPEAKERS = ("의장 김가상", "위원장 이가상", "박가상 의원", "최가상 위원", "구청장 정가상")
OPENINGS = (
    "존경하는 의원 여러분, {topic}에 대해 말씀드리겠습니다.",
    "의사일정 제{n}항 {topic}을 상정합니다.",
    "{topic} 관련하여 의원님들께서 질의해 주시기 바랍니다.",
    "구청장께서 {topic}에 대해 답변해 주십시오.",
    "제{n}차 회의에서 의원 발의로 {topic}을 논의하였습니다.",
)
TOPICS = (
    "2023년도 추가경정예산안",
    "2024년 예산안",
    "금천구 주차장 설치 조례",
    "어린이집 보육료 지원",
    "독산로 보행환경 개선",
    "교육 복지 문화 사업",
    "의회 운영위원회 구성",
    "회의록 공개 기한",
    "가산디지털단지 교통 대책",
    "행정사무감사 결과보고서",
)
SENTENCES = (
    "예산 {amount}억 원이 편성되어 있습니다.",
    "의원 여러분의 의견을 더 반영해 주시기 바랍니다.",
    "위원회에서 충분히 심사하였습니다.",
    "회의록을 배부하였으니 참고해 주십시오.",
    "구민의 불편이 없도록 조치하겠습니다.",
    "추가경정예산을 검토한 결과 {amount}억 원을 감액하였습니다.",
    "금천구 의회는 이 문제를 계속 살피겠습니다.",
    "의장께서 정회를 선포하였습니다.",
    "20{year}년까지 사업을 마칠 계획입니다.",
    "존경하는 의원 여러분 감사합니다.",
)


def sample_utterances(limit: int = 400, seed: int = 244) -> list[dict]:
    """Return ``limit`` turns over six minutes, with the fields the app indexes."""
    rng = random.Random(seed)
    rows = []
    per_minutes = -(-limit // 6)
    for minutes_id in range(1, 7):
        for order in range(1, per_minutes + 1):
            topic = rng.choice(TOPICS)
            parts = [rng.choice(OPENINGS).format(topic=topic, n=rng.randint(1, 9))]
            for _ in range(rng.randint(0, 6)):
                parts.append(
                    rng.choice(SENTENCES).format(
                        amount=rng.randint(1, 900), year=rng.choice(("23", "24", "25", "30"))
                    )
                )
            rows.append(utterance_row(minutes_id, order, rng.choice(SPEAKERS), " ".join(parts)))
    return rows[:limit]


def utterance_row(minutes_id: int, order: int, speaker: str, text: str) -> dict:
    """Return one turn with the fields the app indexes, filled as the tests' six minutes say."""
    return {
        "minutes_id": minutes_id,
        "meeting_id": 100 + minutes_id,
        "order": order,
        "version": 1,
        "speaker": speaker,
        "text": text,
        "body": "plenary" if minutes_id % 2 else "admin-finance",
        "session": 240 + minutes_id,
        "term": 9,
        "date": f"2023-0{minutes_id}-10",
        "minutes_status": "provisional",
        "member_id": order % 7 or None,
    }
