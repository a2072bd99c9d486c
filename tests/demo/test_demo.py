"""The demo loader: the council's real structure, sample people, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from council_app.auth.models import User
from council_app.council.models import Body, BodyKind, Council, Member, Membership, Term
from council_app.extensions import db
from council_app.models import AuditEvent

COUNTED = (Council, Term, Body, Member, Membership, User, AuditEvent)


def _counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED}


def test_demo_load_builds_geumcheon(runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "secretariat / demo-secretariat-2023" in result.output
    council = db.session.scalar(select(Council))
    assert council.name == "서울특별시 금천구의회"
    assert [t.label for t in council.terms] == ["제8대", "제9대", "제10대"]
    kinds = [b.kind for b in council.bodies]
    assert kinds.count(BodyKind.PLENARY) == 1
    assert kinds.count(BodyKind.STANDING) == 3 and kinds.count(BodyKind.SPECIAL) == 3
    assert {b.slug for b in council.bodies} >= {"plenary", "admin-finance", "budget"}
    members = db.session.scalars(select(Member)).all()
    assert len(members) == 10 and all("가상" in m.name for m in members)
    assert {u.role.value for u in db.session.scalars(select(User))} == {
        "admin",
        "secretariat",
        "stenographer",
    }


def test_demo_load_twice_changes_nothing(demo, runner):
    # The template is what a first `demo load` leaves; the second load must change nothing.
    first = _counts()
    second_run = runner.invoke(args=["demo", "load"])
    assert second_run.exit_code == 0
    assert "변경 없음" in second_run.output
    assert _counts() == first


def test_demo_logins_work(client, demo):
    response = client.post(
        "/login", data={"username": "secretariat", "password": "demo-secretariat-2023"}
    )
    assert response.status_code == 302
