"""Forms for sessions and holidays; the services check every rule, these only carry input."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .models import SessionKind, SessionStatus

DATE = {"type": "date"}


class SessionForm(FlaskForm):
    """Create or change a session (회기)."""

    number = StringField("회기 번호", render_kw={"inputmode": "numeric", "autocomplete": "off"})
    kind = SelectField("회기 종류", choices=[SelectChoice(k.value, k.label) for k in SessionKind])
    start = StringField("시작일(집회일)", render_kw=DATE)
    end = StringField("종료일", render_kw=DATE)
    notice_date = StringField("공고일", render_kw=DATE)
    urgent = BooleanField("긴급 집회(공고 기한 예외)")
    convening_change_resolved = BooleanField("집회일 변경 의결함(정례회)")
    main_items = TextAreaField("주요 안건 (한 줄에 하나)", render_kw={"rows": 4})
    note = TextAreaField("비고", render_kw={"rows": 2})
    submit = SubmitField("저장")


class SessionStatusForm(FlaskForm):
    """Move a session to another state."""

    status = SelectField("상태", choices=[SelectChoice(s.value, s.label) for s in SessionStatus])
    reason = StringField("사유(선택)")
    submit = SubmitField("상태 변경")


class HolidayForm(FlaskForm):
    """Add a day off that the holiday calendar does not know (임시공휴일)."""

    day = StringField("날짜", render_kw=DATE)
    name = StringField("이름", render_kw={"placeholder": "예: 임시공휴일"})
    submit = SubmitField("추가")
