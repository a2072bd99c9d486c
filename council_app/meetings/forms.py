"""Forms for meetings; the services check every rule, these only carry input."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .models import MeetingStatus


class MeetingForm(FlaskForm):
    """Schedule or change a meeting (회의)."""

    body = SelectField("회의체")
    date = StringField("날짜", render_kw={"type": "date"})
    start = StringField("시작 시각", render_kw={"type": "time"})
    end = StringField("끝나는 시각", render_kw={"type": "time"})
    place = StringField("장소")
    public = BooleanField("공개 회의", default=True)
    video_url = StringField("영상 주소", render_kw={"type": "url"})
    sign_language_video_url = StringField("수어 영상 주소(본회의)", render_kw={"type": "url"})
    note = TextAreaField("비고", render_kw={"rows": 2})
    reason = StringField("변경 사유(확정된 회의를 바꿀 때)")
    submit = SubmitField("저장")


class MeetingStatusForm(FlaskForm):
    """Mark a meeting held, postponed, cancelled or scheduled again."""

    status = SelectField("상태", choices=[SelectChoice(s.value, s.label) for s in MeetingStatus])
    reason = StringField("사유(선택)")
    submit = SubmitField("상태 변경")
