"""Secretariat forms for items, referrals, the order of business and outcomes.

Forms only render: they offer the choices and take their labels from the commands; reading
and checking what was sent is the commands' and the services' (``save_form``/``read_command``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext
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
from wtforms.validators import Optional

from ..core.commands import labels
from ..core.time import format_date
from ..meetings.order import Scheduling
from . import rules
from .commands import ItemCommand, OutcomeCommand, ReferralCommand
from .models import ItemKind, ProposerKind, Result

ITEM = labels(ItemCommand)
REFERRAL = labels(ReferralCommand)
OUTCOME = labels(OutcomeCommand)
SCHEDULING = labels(Scheduling)
#: Browsers mark the field, though the command is what refuses it empty.
REQUIRED = {"required": True}


def _enum_choices(enum_cls) -> list[SelectChoice]:
    # Translated when the page shows them (the labels are Korean msgids marked by N_).
    return [SelectChoice(m.value, lazy_gettext(m.label)) for m in enum_cls]


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


def _text_or_none(value):
    return str(value) if value not in (None, "", "None") else None


def _slug_choices(bodies) -> list[SelectChoice]:
    return [SelectChoice(b.slug, b.name) for b in bodies]


# An empty number or date reads as None (Optional), so the command says what is missing.
class ItemForm(FlaskForm):
    """Register or correct an item."""

    bill_number = IntegerField(ITEM["bill_number"], validators=[Optional()])
    title = StringField(ITEM["title"], render_kw={"required": True, "maxlength": rules.MAX_TITLE})
    kind = SelectField(ITEM["kind"], choices=_enum_choices(ItemKind))
    proposer_kind = SelectField(ITEM["proposer_kind"], choices=_enum_choices(ProposerKind))
    lead_member = SelectField(ITEM["lead_member"], coerce=_id_or_none)
    co_sponsors = SelectMultipleField(ITEM["co_sponsors"], coerce=int)
    proposer_body = SelectField(ITEM["proposer_body"], coerce=_text_or_none)
    submitted_on = DateField(ITEM["submitted_on"], validators=[Optional()], render_kw=REQUIRED)
    summary = TextAreaField(ITEM["summary"], render_kw={"maxlength": 5000})
    submit = SubmitField("저장")

    def set_choices(self, members, committees) -> ItemForm:
        """Offer the council's members and committees."""
        people = [SelectChoice(m.id, m.name) for m in members]
        none = SelectChoice(None, "— 없음 —")
        self.lead_member.choices = [none, *people]
        self.co_sponsors.choices = people
        self.proposer_body.choices = [none, *_slug_choices(committees)]
        return self


class ReferralForm(FlaskForm):
    """Send an item to a committee."""

    committee = SelectField(REFERRAL["committee"])
    referred_on = DateField(REFERRAL["referred_on"], validators=[Optional()], render_kw=REQUIRED)
    submit = SubmitField("회부")

    def set_choices(self, committees) -> ReferralForm:
        """Offer the council's committees."""
        self.committee.choices = _slug_choices(committees)
        return self


class ScheduleForm(FlaskForm):
    """Put an item on a meeting's order of business."""

    meeting = SelectField(SCHEDULING["meeting"], coerce=int)
    reason = StringField(SCHEDULING["reason"], render_kw={"maxlength": 500})
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

    result = SelectField(OUTCOME["result"], choices=_enum_choices(Result))
    votes_yes = IntegerField(OUTCOME["votes_yes"], validators=[Optional()])
    votes_no = IntegerField(OUTCOME["votes_no"], validators=[Optional()])
    votes_abstain = IntegerField(OUTCOME["votes_abstain"], validators=[Optional()])
    note = StringField(OUTCOME["note"], render_kw={"maxlength": 1000})
    submit = SubmitField("결과 기록")


class AttachmentForm(FlaskForm):
    """Attach a file to an item."""

    file = FileField("첨부 파일", validators=[FileRequired("파일을 골라 주세요.")])
    submit = SubmitField("올리기")
