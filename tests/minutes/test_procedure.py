"""Procedural turns (the chair's formulas, time marks, roll calls) are labelled at parse time."""

import datetime
import importlib.util

import pytest
from sqlalchemy import select, update

from council_app.extensions import db
from council_app.minutes import versions
from council_app.minutes.models import Utterance, UtteranceKind
from council_app.minutes.procedure import is_procedural
from council_app.minutes.versions import UploadMinutes
from tests.corpus import REPO_ROOT


@pytest.mark.parametrize(
    ("speaker", "text"),
    [
        # Real turns of the corpus's 청주시의회 and National Assembly minutes.
        (
            "의장 김병국",
            "의석을 정돈해 주시기 바랍니다. 성원이 되었으므로 제72회 청주시의회(임시회) "
            "제1차 본회의 속개를 선포합니다.",
        ),
        (
            "위원장 변은영",
            "본부장님 수고하셨습니다. 다음은 상정된 안건에 대하여 전문위원님 "
            "나오셔서 검토보고 해주시기 바랍니다.",
        ),
        (
            "부의장 이석현",
            "의사일정 제51항 가맹사업거래의 공정화에 관한 법률 일부개정법률안(대안), "
            "이상 5건을 일괄하여 상정합니다.\n정무위원회의 박병석 의원 나오셔서 5건에 대하여 "
            "제안설명과 심사보고해 주시기 바랍니다.",
        ),
        ("위원장직무대리 박봉규", "의석을 정돈하여 주시기 바랍니다."),
        ("출석 위원(3인)", "김가상 이가상 박가상"),
        ("이가상 의원", "(10시31분 회의중지)"),
    ],
)
def test_the_chairs_formulas_roll_calls_and_time_marks_are_procedural(speaker, text):
    assert is_procedural(speaker, None, text)


@pytest.mark.parametrize(
    ("speaker", "text"),
    [
        ("유광욱 의원", "의사일정 제1항에 대해 말씀드리겠습니다. 예산이 부족합니다."),
        # A chair asking questions of their own speaks.
        (
            "위원장 홍성각",
            "더 질의하실 위원님 안 계시면 제가 아까 말씀드린 것을 이어서 말씀드리겠습니다. "
            "지금 상수도사업본부에서 한 조례의 부칙을 한번 보십시오. 시행일이 맞는지 "
            "다시 확인해 주시고, 요금 인상분이 시민에게 어떻게 돌아가는지도 설명해 주세요.",
        ),
        # A committee's chair reporting to the plenary does not preside over it.
        ("보건복지위원장대리 김정록", "보건복지위원회에서 의결한 법률안을 보고드리겠습니다."),
    ],
)
def test_discussion_is_speech(speaker, text):
    assert not is_procedural(speaker, None, text)


MINUTES = """제300회 서울특별시 금천구의회(임시회)
행정재경위원회회의록
(10시00분 개의)
○위원장 김가상\u2003성원이 되었으므로 제300회 행정재경위원회를 개의하겠습니다.
1. 2024년도 예산안
○위원장 김가상\u2003의사일정 제1항 2024년도 예산안을 상정합니다.
○이가상 위원\u2003독산로 보행환경 개선 예산을 늘려 주십시오.
○위원장 김가상\u2003산회를 선포합니다.
(11시00분 산회)
○출석 위원(2인)
김가상  이가상
"""


def _kinds(minutes):
    turns = db.session.scalars(
        select(Utterance).where(Utterance.version_id == minutes.latest_version.id)
    )
    return [(t.speaker, t.kind) for t in turns]


def test_an_upload_labels_each_turn(make_meeting):
    minutes = versions.upload(
        make_meeting(datetime.date(2023, 1, 3), "admin-finance"), UploadMinutes(text=MINUTES)
    ).minutes
    db.session.commit()
    assert _kinds(minutes) == [
        ("위원장 김가상", UtteranceKind.PROCEDURAL),
        ("위원장 김가상", UtteranceKind.PROCEDURAL),
        ("이가상 위원", UtteranceKind.SPEECH),
        ("위원장 김가상", UtteranceKind.PROCEDURAL),
    ]


def test_reread_labels_stored_minutes(make_meeting, runner):
    minutes = versions.upload(
        make_meeting(datetime.date(2023, 1, 3), "admin-finance"), UploadMinutes(text=MINUTES)
    ).minutes
    # As minutes stored before the labels existed: every turn a speech.
    db.session.execute(update(Utterance).values(kind=UtteranceKind.SPEECH))
    db.session.commit()
    result = runner.invoke(args=["minutes", "reread"])
    assert result.exit_code == 0, result.output
    assert "발언 3건" in result.output
    db.session.expire_all()
    assert [kind for _, kind in _kinds(minutes)].count(UtteranceKind.PROCEDURAL) == 3
    again = runner.invoke(args=["minutes", "reread"])
    assert "발언 0건" in again.output


def test_the_migration_labels_turns_stored_before_it(make_meeting):
    minutes = versions.upload(
        make_meeting(datetime.date(2023, 1, 3), "admin-finance"), UploadMinutes(text=MINUTES)
    ).minutes
    db.session.execute(update(Utterance).values(kind=UtteranceKind.SPEECH))
    db.session.commit()
    path = REPO_ROOT / "migrations" / "versions" / "0013_ranking.py"
    spec = importlib.util.spec_from_file_location("migration_0013_ranking", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.engine.begin() as connection:
        migration.label_existing_turns(connection)
    db.session.expire_all()
    assert [kind for _, kind in _kinds(minutes)].count(UtteranceKind.PROCEDURAL) == 3
