"""Secretariat forms for items, referrals, the order of business and outcomes.

Forms only check that the input is well-formed; the rules live in ``services``.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..core.time import format_date
from ..council.models import Body, Member
from ..extensions import db
from .models import ItemKind, ProposerKind, Result
from .services import ItemFields

REQUIRED_DATE = "날짜를 골라 주세요."


def _enum_choices(enum_cls) -> list[SelectChoice]:
    return [SelectChoice(m.value, m.label) for m in enum_cls]


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


def _get(model, ident):
    return None if ident is None else db.session.get(model, ident)


class ItemForm(FlaskForm):
    """Register or correct an item."""

    bill_number = IntegerField(
        "의안번호",
        validators=[Optional(), NumberRange(min=1, message="의안번호는 1 이상이어야 합니다.")],
    )
    title = StringField(
        "안건명", validators=[DataRequired("안건명을 입력해 주세요."), Length(max=300)]
    )
    kind = SelectField("종류", choices=_enum_choices(ItemKind))
    proposer_kind = SelectField("제출자", choices=_enum_choices(ProposerKind))
    lead_member = SelectField("대표발의 의원", coerce=_id_or_none)
    co_sponsors = SelectMultipleField("공동발의 의원", coerce=int)
    proposer_body = SelectField("제안 위원회", coerce=_id_or_none)
    submitted_on = DateField("접수일", validators=[InputRequired(REQUIRED_DATE)])
    summary = TextAreaField("제안 요지", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("저장")

    def set_choices(self, members, committees) -> ItemForm:
        """Offer the council's members and committees."""
        people = [SelectChoice(m.id, m.name) for m in members]
        none = SelectChoice(None, "— 없음 —")
        self.lead_member.choices = [none, *people]
        self.co_sponsors.choices = people
        self.proposer_body.choices = [none, *(SelectChoice(b.id, b.name) for b in committees)]
        return self

    def to_fields(self) -> ItemFields:
        """Return what was typed as the services take it."""
        return ItemFields(
            title=self.title.data or "",
            kind=ItemKind(self.kind.data),
            proposer_kind=ProposerKind(self.proposer_kind.data),
            submitted_on=self.submitted_on.data,
            bill_number=self.bill_number.data,
            lead_member=_get(Member, self.lead_member.data),
            co_sponsors=[db.session.get(Member, i) for i in self.co_sponsors.data or []],
            proposer_body=_get(Body, self.proposer_body.data),
            summary=self.summary.data or "",
        )


class ReferralForm(FlaskForm):
    """Send an item to a committee."""

    committee = SelectField("회부 위원회", coerce=int)
    referred_on = DateField("회부일", validators=[InputRequired(REQUIRED_DATE)])
    submit = SubmitField("회부")

    def set_choices(self, committees) -> ReferralForm:
        """Offer the council's committees."""
        self.committee.choices = [SelectChoice(b.id, b.name) for b in committees]
        return self


class ScheduleForm(FlaskForm):
    """Put an item on a meeting's order of business."""

    meeting = SelectField("회의", coerce=int)
    reason = StringField("변경 사유", validators=[Optional(), Length(max=500)])
    submit = SubmitField("의사일정에 올리기")

    def set_choices(self, meetings) -> ScheduleForm:
        """Offer ``meetings`` grouped by session, as the secretariat plans them."""
        self.meeting.choices = [
            SelectChoice(
                m.id,
                f"{format_date(m.date)} 제{m.sitting}차 {m.body.name}",
                optgroup=m.council_session.name,
            )
            for m in meetings
        ]
        return self


class OutcomeForm(FlaskForm):
    """Record what a meeting decided about an item."""

    result = SelectField("결과", choices=_enum_choices(Result))
    votes_yes = IntegerField("찬성", validators=[Optional()])
    votes_no = IntegerField("반대", validators=[Optional()])
    votes_abstain = IntegerField("기권", validators=[Optional()])
    note = StringField("비고", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("결과 기록")


class AttachmentForm(FlaskForm):
    """Attach a file to an item."""

    file = FileField("첨부 파일", validators=[FileRequired("파일을 골라 주세요.")])
    submit = SubmitField("올리기")
