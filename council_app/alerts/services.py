"""Mail alerts: ask (a signed link by mail), confirm, unsubscribe, and the daily digest.

Double opt-in without storing anything first: the confirmation link carries the address and
the search, signed with the site's secret and dated; only its click creates a row. Every
mail carries the row's own unsubscribe link, which deletes it.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from ..core.errors import RuleViolation
from ..core.time import as_kst, format_date, now
from ..core.urls import external_url
from ..council.models import Body, Member
from ..council.services import current_council
from ..extensions import db
from ..minutes import mail, queries
from ..minutes.models import MinutesVersion, Utterance
from ..search import services as search_services
from .models import AlertSubscription

#: The search arguments an alert keeps: words and the filters that name who or where.
CRITERIA_KEYS = ("q", "body", "member", "speaker")
#: Turns listed in one mail; the rest are a link to the search away.
MAX_TURNS_PER_MAIL = 20
#: Matching turns looked at in one minutes (the search's largest page).
MAX_TURNS_PER_MINUTES = 100
#: Newly published minutes looked at per run for each alert (a backlog waits for the next).
MAX_MINUTES_PER_RUN = 50
MAX_EMAIL_CHARS = 254
# One @, no spaces or controls, a dot in the domain: enough to catch typing slips; the
# confirmation mail proves the rest.
# No list separators or brackets either: the address goes into a To header on its own.
_EMAIL = re.compile(r"[^@\s,;<>()\[\]\"]{1,64}@[^@\s,;<>()\[\]\".]+(?:\.[^@\s,;<>()\[\]\".]+)+")
_SALT = "alert-confirm"


class InvalidLink(RuleViolation):
    """A confirmation link that was altered, cut short or has expired."""


class IndexNotReady(RuntimeError):
    """The search index could not answer in full: the alert waits for the next run."""


@dataclass(frozen=True)
class AlertRequest:
    """What a visitor asked for, checked: the address and the search's arguments."""

    email: str
    criteria: dict

    @property
    def search(self) -> search_services.SearchRequest:
        """Return the search the alert runs."""
        return search_services.read_request(self.criteria)


def read_alert(email: str, args: Mapping[str, str]) -> AlertRequest:
    """Check an address and search arguments; raise RuleViolation naming each bad one."""
    errors: list[tuple[str, str]] = []
    email = (email or "").strip()
    if not email:
        errors.append(("email", "메일 주소를 입력해 주세요."))
    elif len(email) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(email):
        errors.append(("email", "메일 주소를 name@example.com처럼 입력해 주세요."))
    # Words one line apart are words apart: a criterion ends up in a mail's subject line.
    criteria = {key: " ".join(str(args[key]).split()) for key in CRITERIA_KEYS if args.get(key)}
    try:
        search = search_services.read_request(criteria)
        if search.is_blank:
            errors.append(("q", "검색어, 위원회, 의원 가운데 하나 이상을 정해 주세요."))
        elif search.filters.member_id is not None and not db.session.get(
            Member, search.filters.member_id
        ):
            errors.append(("member", "그런 의원이 없습니다. 목록에서 골라 주세요."))
    except RuleViolation as error:
        errors.extend(error.errors)
    if errors:
        raise RuleViolation(errors)
    local, _, domain = email.rpartition("@")
    return AlertRequest(f"{local}@{domain.lower()}", _canonical(criteria))


def _canonical(criteria: dict) -> dict:
    """Return the criteria as the search reads them back, so equal alerts compare equal."""
    args = search_services.read_request(criteria).as_args()
    return {key: str(args[key]) for key in CRITERIA_KEYS if key in args}


def describe(criteria: Mapping[str, str]) -> str:
    """Say in Korean what an alert follows, e.g. ``‘주차’ · 행정재경위원회``."""
    parts = []
    if criteria.get("q"):
        parts.append(f"‘{criteria['q']}’")
    if criteria.get("body"):
        name = db.session.scalar(select(Body.name).where(Body.slug == criteria["body"]))
        parts.append(name or criteria["body"])
    if criteria.get("member"):
        name = db.session.scalar(select(Member.name).where(Member.id == int(criteria["member"])))
        parts.append(f"{name} 의원" if name else f"{criteria['member']}번 의원")
    if criteria.get("speaker"):
        parts.append(f"발언자 {criteria['speaker']}")
    return " · ".join(parts)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def confirmation_token(alert: AlertRequest) -> str:
    """Return the signed, dated token of a confirmation link: the request itself, nothing stored."""
    return _serializer().dumps({"e": alert.email, "c": alert.criteria, "t": int(now().timestamp())})


def read_confirmation(token: str) -> AlertRequest:
    """Return the request a confirmation token carries; InvalidLink if altered or expired."""
    try:
        data = _serializer().loads(token[:2000])
        issued = datetime.fromtimestamp(int(data["t"]), tz=now().tzinfo)
        alert = AlertRequest(str(data["e"]), dict(data["c"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidLink(
            "확인 링크가 올바르지 않습니다. 메일의 링크를 끝까지 복사했는지 확인해 주세요.",
            "token",
        ) from None
    hours = current_app.config["ALERT_CONFIRM_HOURS"]
    if now() - issued > timedelta(hours=hours):
        raise InvalidLink(
            f"확인 링크의 유효 시간({hours}시간)이 지났습니다. 알림을 다시 신청해 주세요.", "token"
        )
    return alert


def send_confirmation(alert: AlertRequest) -> None:
    """Mail the confirmation link to the address asked for; RuleViolation if it cannot go."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise RuleViolation("메일 알림을 보낼 수 없습니다(메일 서버가 설정되지 않음).", "email")
    council = current_council()
    link = external_url("alerts.confirm", t=confirmation_token(alert))
    hours = config["ALERT_CONFIRM_HOURS"]
    body = (
        f"{council.name} 회의록 알림 신청을 받았습니다.\n\n"
        f"알림 조건: {describe(alert.criteria)}\n\n"
        f"아래 링크를 누르면 알림이 시작됩니다({hours}시간 안에 눌러 주세요).\n{link}\n\n"
        "신청하지 않으셨다면 이 메일을 지우시면 됩니다. 링크를 누르지 않으면 주소는 "
        "저장되지 않습니다.\n"
    )
    try:
        mail.send(config, [alert.email], f"[{council.name}] 회의록 알림 신청 확인", body)
    except mail.MailError:
        raise RuleViolation(
            "확인 메일을 보내지 못했습니다. 잠시 뒤에 다시 시도해 주세요.", "email"
        ) from None


def confirm(alert: AlertRequest) -> AlertSubscription:
    """Start the alert a confirmed link asks for; the same alert twice is kept once."""
    held = db.session.scalars(
        select(AlertSubscription).where(AlertSubscription.email == alert.email)
    ).all()
    for subscription in held:
        if subscription.criteria == alert.criteria:
            return subscription
    if len(held) >= current_app.config["ALERT_MAX_PER_ADDRESS"]:
        raise RuleViolation(
            f"한 주소로는 알림을 {len(held)}개까지 받을 수 있습니다. "
            "받고 있는 알림 메일의 해지 링크로 하나를 줄여 주세요.",
            "email",
        )
    moment = now()
    subscription = AlertSubscription(
        email=alert.email,
        criteria=alert.criteria,
        token=secrets.token_urlsafe(32),
        confirmed_at=moment,
        checked_until=moment,
    )
    db.session.add(subscription)
    db.session.flush()
    return subscription


def by_token(token: str) -> AlertSubscription | None:
    """Return the alert an unsubscribe link names, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(AlertSubscription).where(AlertSubscription.token == token))


def unsubscribe(subscription: AlertSubscription) -> None:
    """Delete an alert, and with it the address it held."""
    db.session.delete(subscription)
    db.session.flush()


@dataclass(frozen=True)
class NewTurn:
    """A matching turn of newly published minutes, as a mail lists it."""

    meeting: str
    day: str
    speaker: str
    snippet: str
    link: str


@dataclass(frozen=True)
class Publication:
    """A public version published in the window an alert looks at, as plain values."""

    version_id: int
    minutes_id: int
    number: int
    meeting: str
    day: str


class RunCache:
    """What one run of ``alerts send`` looked up, kept for the alerts that ask again.

    Many alerts follow the same words and share their cursor: one search per (alert's
    search, minutes) and one look-up of the window's publications serve them all.
    """

    def __init__(self):
        self.publications: dict[tuple[datetime, datetime], list[Publication]] = {}
        self.hits: dict[tuple[str, int], list] = {}
        self.earlier: dict[tuple[int, datetime], set[tuple[str, str]]] = {}
        self.texts: dict[int, dict[int, str]] = {}


def new_turns(
    subscription: AlertSubscription, until: datetime, cache: RunCache | None = None
) -> tuple[list[NewTurn], int]:
    """Return the turns matching an alert published after its cursor up to ``until``.

    A correction counts only turns its previous public version did not have word for word,
    so a subscriber hears of what is new, not of the same speech again. Also return how
    many matched in all (the mail lists at most :data:`MAX_TURNS_PER_MAIL`).
    """
    cache = cache or RunCache()
    after = subscription.checked_until
    window = (after, until)
    if window not in cache.publications:
        cache.publications[window] = _published_between(after, until)
    try:
        search = replace(
            search_services.read_request(subscription.criteria),
            sort="date",
            page=1,
            per_page=MAX_TURNS_PER_MINUTES,
        )
    except RuleViolation:
        return [], 0  # what it followed is gone (a committee dissolved): nothing can match
    key = json.dumps(subscription.criteria, sort_keys=True)
    turns: list[NewTurn] = []
    total = 0
    for publication in cache.publications[window]:
        if (key, publication.minutes_id) not in cache.hits:
            result = search_services.search(search.filtered(minutes_id=publication.minutes_id))
            if result.rebuilding or result.partial:
                raise IndexNotReady(publication.minutes_id)
            cache.hits[key, publication.minutes_id] = result.hits
        hits = [
            h for h in cache.hits[key, publication.minutes_id] if h.version == publication.number
        ]
        if not hits:
            continue
        before = _earlier_public_turns(publication, after, cache)
        texts = _texts(publication.version_id, cache) if before else {}
        for hit in sorted(hits, key=lambda h: h.order):
            if before and (hit.speaker, texts.get(hit.order)) in before:
                continue
            total += 1
            if len(turns) < MAX_TURNS_PER_MAIL:
                turns.append(
                    NewTurn(
                        meeting=publication.meeting,
                        day=publication.day,
                        speaker=hit.speaker,
                        snippet=_plain(hit.snippet),
                        link=external_url(
                            "minutes.show", minutes_id=publication.minutes_id, _anchor=hit.anchor
                        ),
                    )
                )
    return turns, total


def _plain(snippet: str) -> str:
    """Return a snippet's text for a plain-text mail: the search's <mark> tags left out."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", snippet)).split())


def _published_between(after: datetime, until: datetime) -> list[Publication]:
    """Return the public versions citizens read now that were published in (after, until]."""
    newest = (
        select(func.max(MinutesVersion.id))
        .where(MinutesVersion.published_at.is_not(None), MinutesVersion.published_at <= until)
        .group_by(MinutesVersion.minutes_id)
    )
    versions = db.session.scalars(
        queries.public_publications()
        .where(MinutesVersion.id.in_(newest), MinutesVersion.published_at > after)
        .order_by(MinutesVersion.published_at, MinutesVersion.id)
        .limit(MAX_MINUTES_PER_RUN)
    )
    return [
        Publication(
            version_id=v.id,
            minutes_id=v.minutes_id,
            number=v.number,
            meeting=v.minutes.meeting.name,
            day=format_date(v.minutes.meeting.date),
        )
        for v in versions
    ]


def _texts(version_id: int, cache: RunCache) -> dict[int, str]:
    """Return the public turns' texts of a version by order."""
    if version_id not in cache.texts:
        rows = db.session.execute(
            select(Utterance.order, Utterance.text).where(
                Utterance.version_id == version_id, Utterance.closed.is_(False)
            )
        )
        cache.texts[version_id] = dict(rows.all())
    return cache.texts[version_id]


def _earlier_public_turns(
    publication: Publication, seen_until: datetime, cache: RunCache
) -> set[tuple[str, str]]:
    """Return the (speaker, text) of the public version the subscriber could already know."""
    key = (publication.version_id, seen_until)
    if key in cache.earlier:
        return cache.earlier[key]
    earlier = db.session.scalar(
        select(MinutesVersion.id)
        .where(
            MinutesVersion.minutes_id == publication.minutes_id,
            MinutesVersion.number < publication.number,
            MinutesVersion.published_at.is_not(None),
            MinutesVersion.published_at <= seen_until,
        )
        .order_by(MinutesVersion.number.desc())
        .limit(1)
    )
    found: set[tuple[str, str]] = set()
    if earlier is not None:
        rows = db.session.execute(
            select(Utterance.speaker, Utterance.text).where(
                Utterance.version_id == earlier, Utterance.closed.is_(False)
            )
        )
        found = {(speaker, text) for speaker, text in rows}
    cache.earlier[key] = found
    return found


def sent_today(subscription: AlertSubscription, moment: datetime) -> bool:
    """Tell whether the alert already had its mail on ``moment``'s day (KST)."""
    last = subscription.last_sent_at
    return last is not None and as_kst(last).date() == as_kst(moment).date()


def digest_mail(subscription: AlertSubscription, turns: list[NewTurn], total: int):
    """Return the subject, body and headers of an alert's mail."""
    council = current_council()
    label = describe(subscription.criteria)
    unsubscribe_url = external_url("alerts.unsubscribe", token=subscription.token)
    lines = [f"알림 조건({label})에 맞는 발언이 새로 공개된 회의록에 있습니다.", ""]
    meeting = None
    for turn in turns:
        if turn.meeting != meeting:
            meeting = turn.meeting
            lines += ["", f"■ {turn.meeting} ({turn.day})"]
        lines += [f"- {turn.speaker}: {turn.snippet}", f"  {turn.link}"]
    if total > len(turns):
        search = external_url("search.index", **{**subscription.criteria, "sort": "date"})
        lines += ["", f"이 밖에 {total - len(turns)}건이 더 있습니다: {search}"]
    lines += [
        "",
        "--",
        f"이 메일은 {council.name} 회의록 알림을 신청하고 확인하신 주소로 보냈습니다.",
        f"알림 그만 받기: {unsubscribe_url}",
    ]
    subject = f"[{council.name}] 회의록 알림: {label} 새 발언 {total}건"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return subject, "\n".join(lines) + "\n", headers


@dataclass
class SendReport:
    """What one run of ``alerts send`` did."""

    sent: int = 0
    waiting: int = 0
    failed: int = 0


def send_one(
    subscription: AlertSubscription,
    moment: datetime,
    report: SendReport,
    cache: RunCache | None = None,
) -> None:
    """Mail one alert its new turns, if any and if it had none today; move its cursor.

    The cursor stays put when the mail waits for tomorrow or could not be sent, so the
    turns go out in a later mail.
    """
    if sent_today(subscription, moment):
        report.waiting += 1
        return
    try:
        turns, total = new_turns(subscription, moment, cache)
    except IndexNotReady:
        report.failed += 1
        return
    if turns:
        subject, body, headers = digest_mail(subscription, turns, total)
        try:
            mail.send(current_app.config, [subscription.email], subject, body, headers)
        except mail.MailError:
            report.failed += 1
            return
        subscription.last_sent_at = moment
        report.sent += 1
    subscription.checked_until = moment


def subscription_ids() -> list[int]:
    """Return every alert's id, in order."""
    return list(db.session.scalars(select(AlertSubscription.id).order_by(AlertSubscription.id)))
