"""Forms for meetings: they carry input to the command, whose labels they show."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField

from ..core.commands import labels
from .services import MeetingCommand

MEETING = labels(MeetingCommand)


class MeetingForm(FlaskForm):
    """Schedule or change a meeting (회의); the view offers the bodies."""

    body = SelectField(MEETING["body"])
    date = StringField(MEETING["date"], render_kw={"type": "date"})
    start = StringField(MEETING["start"], render_kw={"type": "time"})
    end = StringField(MEETING["end"], render_kw={"type": "time"})
    place = StringField(MEETING["place"])
    # A checkbox reads as a statement, not as the field's name.
    public = BooleanField("공개 회의", default=True)
    video_url = StringField(MEETING["video_url"], render_kw={"type": "url"})
    sign_language_video_url = StringField(
        f"{MEETING['sign_language_video_url']}(본회의)", render_kw={"type": "url"}
    )
    video_start = StringField(
        f"{MEETING['video_start']}(영상 첫 장면의 시각)", render_kw={"type": "time"}
    )
    note = TextAreaField(MEETING["note"], render_kw={"rows": 2})
    reason = StringField(f"변경 {MEETING['reason']}(확정된 회의를 바꿀 때)")
    submit = SubmitField("저장")
