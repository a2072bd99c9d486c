"""Forms for sessions and holidays: they carry input to the commands, whose labels they show."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..core.commands import labels
from ..core.holidays import HolidayCommand
from .models import SessionKind
from .services import SessionCommand

DATE = {"type": "date"}
SESSION = labels(SessionCommand)
HOLIDAY = labels(HolidayCommand)


class SessionForm(FlaskForm):
    """Create or change a session (회기)."""

    number = StringField(
        SESSION["number"], render_kw={"inputmode": "numeric", "autocomplete": "off"}
    )
    # Translated when the page shows them (the labels are Korean msgids marked by N_).
    kind = SelectField(
        SESSION["kind"], choices=[SelectChoice(k.value, lazy_gettext(k.label)) for k in SessionKind]
    )
    start = StringField(f"{SESSION['start']}(집회일)", render_kw=DATE)
    end = StringField(SESSION["end"], render_kw=DATE)
    notice_date = StringField(SESSION["notice_date"], render_kw=DATE)
    # A checkbox reads as a statement, not as the field's name.
    urgent = BooleanField("긴급 집회(공고 기한 예외)")
    convening_change_resolved = BooleanField(f"{SESSION['convening_change_resolved']}함(정례회)")
    main_items = TextAreaField(f"{SESSION['main_items']} (한 줄에 하나)", render_kw={"rows": 4})
    note = TextAreaField(SESSION["note"], render_kw={"rows": 2})
    submit = SubmitField("저장")


class HolidayForm(FlaskForm):
    """Add a day off that the holiday calendar does not know (임시공휴일)."""

    day = StringField(HOLIDAY["day"], render_kw=DATE)
    name = StringField(HOLIDAY["name"], render_kw={"placeholder": "예: 임시공휴일"})
    submit = SubmitField("추가")
