"""The mail alert request form (carries a CSRF token through Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import Length

from .services import MAX_EMAIL_CHARS


class AlertForm(FlaskForm):
    """An address and what to follow: words, a committee, a member (choices set by the view)."""

    email = StringField(
        _l("메일 주소"), validators=[Length(max=MAX_EMAIL_CHARS)], render_kw={"type": "email"}
    )
    q = StringField(_l("검색어"), validators=[Length(max=200)])
    body = SelectField(_l("위원회"), choices=[], validate_choice=False)
    member = SelectField(_l("의원"), choices=[], validate_choice=False)
    speaker = HiddenField(validators=[Length(max=50)])
    submit = SubmitField(_l("확인 메일 받기"))


class UnsubscribeForm(FlaskForm):
    """The one button that ends an alert; the link's token is the proof, not a session."""

    class Meta:
        # Mail programs post here on their own (RFC 8058 List-Unsubscribe-Post), with no
        # session; the secret token in the address stands in for the CSRF token.
        csrf = False

    submit = SubmitField(_l("알림 해지"))
