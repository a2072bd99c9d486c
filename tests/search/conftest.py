"""Minutes published through the services, so the index is fed the way the app feeds it."""

import datetime

import pytest

from council_app.extensions import db
from council_app.minutes import publication, versions
from council_app.minutes.publication import PublishMinutes
from council_app.minutes.versions import UploadMinutes
from council_app.search import sync
from tests.minutes.conftest import council, make_meeting  # noqa: F401  (fixtures)

# The council's layout: ○label, a wide space, the speech; a closed passage in parentheses.
BUDGET_MINUTES = """제300회 서울특별시 금천구의회(임시회)
행정재경위원회회의록
(10시00분 개의)
1. 2024년도 제1회 추가경정예산안
○위원장 김가상\u2003추가경정예산안을 상정합니다.
○이가상 위원\u2003독산로 보행환경 개선 예산을 <b>늘려</b> 주십시오.
(비공개회의 시작)
○박가상 위원\u2003비공개로 다룰 인사 문제를 말씀드립니다.
(공개회의로 전환)
○위원장 김가상\u2003산회를 선포합니다.
(11시00분 산회)
"""

PLENARY_MINUTES = """제300회 서울특별시 금천구의회(임시회)
본회의회의록
(10시00분 개의)
○의장 김가상\u2003회의록을 배부하였습니다.
○이가상 의원\u2003추가경정예산 집행 상황을 묻겠습니다.
(10시30분 산회)
"""


@pytest.fixture
def publish(make_meeting):  # noqa: F811  (the fixture imported above)
    """Upload text as a meeting's minutes and publish them, as a stenographer would.

    The index catches up in the process's thread, after the commit: this waits for it
    (unless ``wait=False``), as a citizen searching a moment later would find them.
    """

    def do(
        text=BUDGET_MINUTES,
        body="admin-finance",
        day=datetime.date(2023, 1, 3),
        public=True,
        status=None,
        wait=True,
    ):
        meeting = make_meeting(day, body, public=public, status=status)
        minutes = versions.upload(meeting, UploadMinutes(text=text)).minutes
        publication.publish(minutes, PublishMinutes(reason="시험"))
        db.session.commit()
        if wait:
            assert sync.wait_for_catch_up(30), "the search catch-up thread did not finish"
        return minutes

    return do
