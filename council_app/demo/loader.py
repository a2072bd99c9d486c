"""Build the demo council from the facts file; every step looks before it adds."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

from sqlalchemy import select

from ..auth import services as auth_services
from ..auth.models import User
from ..council.models import (
    Body,
    BodyKind,
    Council,
    Member,
    Membership,
    MembershipRole,
    Term,
)
from ..extensions import db
from . import minutes_example

#: Demo logins, printed by ``demo load``; never use them outside a demo.
DEMO_USERS = (
    ("admin", "demo-admin-2023", "admin"),
    ("secretariat", "demo-secretariat-2023", "secretariat"),
    ("stenographer", "demo-steno-2023", "stenographer"),
)
DISPLAY_NAMES = {
    "admin": "관리자(예시)",
    "secretariat": "의사팀(예시)",
    "stenographer": "속기사(예시)",
}

#: URL names of Geumcheon's bodies, by their Korean names.
BODY_SLUGS = {
    "본회의": "plenary",
    "의회운영위원회": "steering",
    "행정재경위원회": "admin-finance",
    "복지건설위원회": "welfare-construction",
    "예산결산특별위원회": "budget",
    "윤리특별위원회": "ethics",
    "행정사무감사특별위원회": "audit",
}

#: Ten councillors with names that are plainly samples (가상 = "imaginary").
SAMPLE_MEMBERS = (
    "김가상",
    "이가상",
    "박가상",
    "최가상",
    "정가상",
    "강가상",
    "조가상",
    "윤가상",
    "장가상",
    "임가상",
)


@dataclass
class Report:
    """What the loader added, line by line."""

    lines: list[str] = field(default_factory=list)

    def add(self, what: str, count: int) -> None:
        self.lines.append(f"{what}: {count}건 추가" if count else f"{what}: 변경 없음")


def facts() -> dict:
    """Return the council's facts shipped with the package."""
    text = resources.files(__package__).joinpath("data/geumcheon_sessions.json").read_text("utf-8")
    return json.loads(text)


def load_all() -> Report:
    """Load every part of the demo that exists so far."""
    report = Report()
    data = facts()
    council = load_council(data, report)
    load_users(report)
    db.session.flush()
    load_minutes(council, report)
    report.lines.insert(0, f"{council.name} 예시 자료")
    return report


def load_council(data: dict, report: Report) -> Council:
    """Add the council, its term, bodies, sample members and memberships."""
    info = data["council"]
    council = db.session.scalar(select(Council).where(Council.name == info["name"]))
    added = 0
    if council is None:
        council = Council(
            name=info["name"], name_en=info["name_en"], timezone=info["timezone"], rules={}
        )
        db.session.add(council)
        added += 1
    term_info = info["term"]
    term = db.session.scalar(
        select(Term).where(Term.council == council, Term.number == term_info["number"])
    )
    if term is None:
        term = Term(
            council=council,
            number=term_info["number"],
            start=date.fromisoformat(term_info["start"]),
            end=date.fromisoformat(term_info["end"]),
        )
        db.session.add(term)
        added += 1
    report.add("의회·대수", added)

    added = 0
    for entry in info["bodies"]:
        slug = BODY_SLUGS[entry["name"]]
        if db.session.scalar(select(Body).where(Body.council == council, Body.slug == slug)):
            continue
        db.session.add(
            Body(
                council=council,
                kind=BodyKind(entry["kind"]),
                name=entry["name"],
                short_name=entry.get("short"),
                slug=slug,
                active_from=term.start,
            )
        )
        added += 1
    report.add("본회의·위원회", added)
    db.session.flush()
    load_members(council, term, report)
    return council


def load_members(council: Council, term: Term, report: Report) -> None:
    """Add the ten sample members and seat them in the plenary and a standing committee."""
    bodies = {b.slug: b for b in council.bodies}
    standing = ["steering", "admin-finance", "welfare-construction"]
    added = 0
    for index, name in enumerate(SAMPLE_MEMBERS):
        if db.session.scalar(select(Member).where(Member.council == council, Member.name == name)):
            continue
        member = Member(council_id=council.id, name=name)
        db.session.add(member)
        plenary_role = (
            MembershipRole.CHAIR
            if index == 0
            else (MembershipRole.VICE_CHAIR if index == 1 else MembershipRole.MEMBER)
        )
        db.session.add(
            Membership(member=member, body=bodies["plenary"], role=plenary_role, start=term.start)
        )
        committee = bodies[standing[index % 3]]
        role = MembershipRole.CHAIR if index in (2, 3, 4) else MembershipRole.MEMBER
        db.session.add(Membership(member=member, body=committee, role=role, start=term.start))
        added += 1
    report.add("의원(예시)", added)


def load_users(report: Report) -> None:
    """Add one demo account per role."""
    added = 0
    for username, password, role in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        auth_services.create_user(username, password, role, DISPLAY_NAMES[role])
        added += 1
    report.add("예시 계정", added)


def load_minutes(council: Council, report: Report) -> None:
    """Add example minutes (예시) to the latest past meetings: on time, late, one still due."""
    report.add("회의록(예시)", minutes_example.load(council))
