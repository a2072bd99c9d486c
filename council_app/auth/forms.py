"""Login and token forms (each carries a CSRF token through Flask-WTF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Staff login."""

    username = StringField(
        _l("아이디"), validators=[DataRequired(_l("아이디를 입력해 주세요.")), Length(max=80)]
    )
    password = PasswordField(
        _l("비밀번호"), validators=[DataRequired(_l("비밀번호를 입력해 주세요.")), Length(max=200)]
    )
    submit = SubmitField(_l("로그인"))


class TokenForm(FlaskForm):
    """Issue a personal API token."""

    name = StringField(
        _l("토큰 이름"), validators=[DataRequired(_l("토큰 이름을 입력해 주세요.")), Length(max=60)]
    )
    submit = SubmitField(_l("새 토큰 발급"))
