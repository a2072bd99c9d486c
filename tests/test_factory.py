"""The application factory and its configuration layers."""

from council_app import create_app


def test_testing_config_applies(app):
    assert app.testing
    assert app.config["COUNCIL_NAME"] == "서울특별시 금천구의회"


def test_layers_defaults_instance_env_test(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'COUNCIL_NAME = "인스턴스 의회"\nMAX_CONTENT_LENGTH = 1234\nPROXY_FIX_HOPS = 0\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("COUNCIL_MAX_CONTENT_LENGTH", "999")
    monkeypatch.setenv("COUNCIL_DATABASE_URL", "sqlite:///" + str(tmp_path / "env.db"))
    app = create_app({"COUNCIL_NAME": "테스트 의회"})
    assert app.instance_path == str(tmp_path)
    assert app.config["MAX_CONTENT_LENGTH"] == 999  # environment beats instance/config.py
    assert app.config["COUNCIL_NAME"] == "테스트 의회"  # test config beats everything
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COUNCIL_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/council.sqlite3"


def test_postgres_urls_use_psycopg3(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_secret_key_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("COUNCIL_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_rules_profile_defaults_are_geumcheon_and_overridable(app):
    from council_app.council.models import Council

    council = Council(name="어느 의회", rules={"extraordinary_session_days_max": 10})
    profile = council.rules_profile({"annual_session_days_max": 100})
    assert profile.extraordinary_session_days_max == 10
    assert profile.annual_session_days_max == 100
    assert profile.regular_session_days_max_per_year == 55
    assert profile.minutes_deadline_days == {"plenary": 2, "committee": 5}


def test_cookies_are_secure_behind_https(tmp_path, monkeypatch):
    monkeypatch.setenv("COUNCIL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"PREFERRED_URL_SCHEME": "https"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
