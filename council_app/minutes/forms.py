"""Forms of the stenographers' pages (each carries a CSRF token through Flask-WTF).

Labels come from the commands; lengths and every other rule are the services' (one place).
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.commands import labels
from .publication import PublishMinutes, WithdrawMinutes
from .versions import UploadMinutes

_UPLOAD = labels(UploadMinutes)
_PUBLISH = labels(PublishMinutes)


class UploadForm(FlaskForm):
    """Upload a minutes file or paste its text: the first version or a correction."""

    file = FileField("회의록 파일")
    text = TextAreaField("또는 " + _UPLOAD["text"])
    note = StringField(_UPLOAD["note"])
    #: The kept file whose text could not be read, when the text is pasted for it.
    source_file = HiddenField()
    submit = SubmitField("올리기")


class PublishForm(FlaskForm):
    """Publish the draft after seeing its preview: accept each warning, then confirm."""

    reason = TextAreaField(_PUBLISH["reason"])
    #: The codes of the guard findings the stenographer accepts (choices set per draft).
    confirm = SelectMultipleField(
        _PUBLISH["confirm"],
        choices=[],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    agree = BooleanField(
        "미리 보기를 확인했으며, 이 판을 공개합니다.",
        validators=[DataRequired("공개하려면 확인란에 표시해 주세요.")],
    )
    submit = SubmitField("공개")


class FinalizeForm(FlaskForm):
    """Make the minutes final, once the stenographer confirms; no correction follows."""

    agree = BooleanField(
        "확정하면 더 고칠 수 없음을 확인합니다.",
        validators=[DataRequired("확정하려면 확인란에 표시해 주세요.")],
    )
    submit = SubmitField("확정")


class RestoreForm(FlaskForm):
    """Make an earlier version the new draft."""

    submit = SubmitField("이 판을 새 초안으로")


class WithdrawForm(FlaskForm):
    """Withdraw published minutes (administrators only)."""

    reason = TextAreaField(labels(WithdrawMinutes)["reason"])
    submit = SubmitField("철회")


class VideoOffsetsForm(FlaskForm):
    """Import where each turn starts in the meeting's video: a CSV of order,offset lines."""

    file = FileField("영상 시각 CSV 파일")
    submit = SubmitField("영상 시각 올리기")
