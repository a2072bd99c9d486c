"""Forms of the stenographers' pages (each carries a CSRF token through Flask-WTF)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional


class UploadForm(FlaskForm):
    """Upload a minutes file or paste its text: the first version or a correction."""

    file = FileField("회의록 파일")
    text = TextAreaField("또는 본문 붙여 넣기", validators=[Optional()])
    note = StringField("메모", validators=[Optional(), Length(max=500)])
    #: The kept file whose text could not be read, when the text is pasted for it.
    source_file = HiddenField()
    submit = SubmitField("올리기")


class PublishForm(FlaskForm):
    """Publish the provisional minutes; a reason is needed after the due date."""

    reason = TextAreaField("지연 사유", validators=[Optional(), Length(max=500)])
    submit = SubmitField("임시회의록 공개")


class FinalizeForm(FlaskForm):
    """Make the minutes final."""

    submit = SubmitField("확정")


class WithdrawForm(FlaskForm):
    """Withdraw published minutes (administrators only)."""

    reason = TextAreaField("철회 사유", validators=[Length(max=500)])
    submit = SubmitField("철회")
