"""Mail alerts: double opt-in, the daily mail of new matching turns, one-click unsubscribe."""

import datetime
import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from council_app.alerts.models import AlertSubscription
from council_app.council.models import Member
from council_app.extensions import db
from council_app.minutes import publication, versions
from council_app.minutes.publication import PublishMinutes
from council_app.search import sync
from tests.alerts.conftest import free_port
from tests.search.conftest import BUDGET_MINUTES

PARKING = """제300회 서울특별시 금천구의회(임시회)
행정재경위원회회의록
(10시00분 개의)
○위원장 김가상\u2003안건을 상정합니다.
○이가상 위원\u2003시흥대로 주차 문제를 여쭙겠습니다.
(비공개회의 시작)
○박가상 위원\u2003비공개로 주차장 부지 매입가를 말씀드립니다.
(공개회의로 전환)
○위원장 김가상\u2003산회를 선포합니다.
(11시00분 산회)
"""


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text(message) -> str:
    return message.get_payload(decode=True).decode()


def link_in(message, path: str) -> str:
    match = re.search(rf"http://localhost(/alerts/{path}[/?]\S+)", text(message))
    assert match, text(message)
    return match[1]


def subscribe(client, mailbox, email="citizen@example.org", **criteria):
    """Ask for an alert and click the confirmation link; return the confirmed page."""
    response = client.post("/alerts/new", data={"email": email, **criteria})
    assert response.status_code == 200, response.get_data(as_text=True)
    (confirmation,) = mailbox.pop()
    assert confirmation["To"] == email
    return client.get(link_in(confirmation, "confirm"))


def send(runner):
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def stored():
    return db.session.scalar(select(func.count()).select_from(AlertSubscription))


def test_nothing_is_stored_until_the_mailed_link_is_clicked(client, mailbox, council):
    page = client.post("/alerts/new", data={"email": "Citizen@Example.ORG", "q": "주차"})
    html = page.get_data(as_text=True)
    assert "확인 메일을 보냈습니다" in html and "Citizen@" not in html
    assert stored() == 0
    (confirmation,) = mailbox.pop()
    assert "회의록 알림 신청 확인" in subject(confirmation) and "‘주차’" in text(confirmation)
    confirmed = client.get(link_in(confirmation, "confirm"))
    assert confirmed.status_code == 200 and "알림을 시작했습니다" in confirmed.get_data(
        as_text=True
    )
    assert "example" not in confirmed.get_data(as_text=True).lower()
    (subscription,) = db.session.scalars(select(AlertSubscription))
    assert subscription.email == "Citizen@example.org" and subscription.criteria == {"q": "주차"}
    # The same link twice keeps one alert.
    client.get(link_in(confirmation, "confirm"))
    assert stored() == 1


def test_an_altered_or_expired_link_is_refused(client, mailbox, council, clock):
    client.post("/alerts/new", data={"email": "a@example.org", "q": "주차"})
    link = link_in(mailbox.pop()[0], "confirm")
    altered = client.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert altered.status_code == 422 and "확인 링크가 올바르지 않습니다" in altered.get_data(
        as_text=True
    )
    clock.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=49))
    expired = client.get(link)
    assert expired.status_code == 422 and "유효 시간(48시간)이 지났습니다" in expired.get_data(
        as_text=True
    )
    assert stored() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "q": "주차"}, "메일 주소를 입력해 주세요."),
        ({"email": "not-an-address", "q": "주차"}, "name@example.com처럼"),
        ({"email": "a,b@example.org", "q": "주차"}, "name@example.com처럼"),
        ({"email": "a@example.org\r\nBcc: x@example.org", "q": "주차"}, "name@example.com처럼"),
        ({"email": "a@example.org"}, "하나 이상을 정해 주세요"),
        ({"email": "a@example.org", "body": "nowhere"}, "그런 위원회가 없습니다"),
        ({"email": "a@example.org", "member": "99999"}, "그런 의원이 없습니다"),
        ({"email": "a@example.org", "q": "주" * 300}, "200자"),
    ],
)
def test_a_bad_request_says_what_is_wrong_and_sends_nothing(
    client, mailbox, council, data, message
):
    response = client.post("/alerts/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert mailbox.pop() == []


def test_one_mail_a_day_lists_the_new_matching_turns(client, runner, mailbox, publish):
    subscribe(client, mailbox, q="주차")
    assert "0건 보냄" in send(runner) and mailbox.pop() == []
    minutes = publish(PARKING)
    send(runner)
    (alert,) = mailbox.pop()
    body = text(alert)
    assert "‘주차’ 새 발언 1건" in subject(alert)
    assert "이가상 위원: 시흥대로 주차 문제를 여쭙겠습니다." in body
    assert f"http://localhost/minutes/{minutes.id}#u-2" in body
    # What was said in a closed passage never leaves the council.
    assert "매입가" not in body
    unsubscribe_url = link_in(alert, "unsubscribe")
    assert alert["List-Unsubscribe"] == f"<http://localhost{unsubscribe_url}>"
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nothing new: no mail. New minutes the same day wait for the next day's run.
    send(runner)
    assert mailbox.pop() == []
    publish(PARKING.replace("시흥대로", "독산로"), day=datetime.date(2023, 1, 4))
    assert "내일로 미룸 1건" in send(runner) and mailbox.pop() == []


def test_the_next_day_brings_what_waited(client, runner, mailbox, publish, clock):
    subscribe(client, mailbox, q="주차")
    publish(PARKING)
    send(runner)
    assert len(mailbox.pop()) == 1
    publish(PARKING.replace("시흥대로", "독산로"), day=datetime.date(2023, 1, 4))
    send(runner)
    assert mailbox.pop() == []
    clock.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1))
    send(runner)
    (alert,) = mailbox.pop()
    assert "독산로 주차" in text(alert) and "시흥대로" not in text(alert)


def test_a_correction_mails_only_its_new_matching_turns(client, runner, mailbox, publish):
    minutes = publish(PARKING)
    subscribe(client, mailbox, q="주차")
    corrected = PARKING.replace(
        "○위원장 김가상\u2003산회를",
        "○최가상 위원\u2003주차 단속도 살펴 주십시오.\n○위원장 김가상\u2003산회를",
    )
    versions.add_version(minutes, corrected, versions.PASTED, None)
    publication.publish(minutes, PublishMinutes(reason="발언 정정"))
    db.session.commit()
    assert sync.wait_for_catch_up(30)
    send(runner)
    (alert,) = mailbox.pop()
    assert "주차 단속도" in text(alert) and "시흥대로" not in text(alert)


def test_alerts_for_a_body_or_a_member(client, runner, mailbox, publish):
    member = db.session.scalar(select(Member).where(Member.name == "이가상"))
    subscribe(client, mailbox, email="plenary@example.org", body="plenary")
    subscribe(client, mailbox, email="member@example.org", member=str(member.id))
    publish(BUDGET_MINUTES)  # a committee's minutes, where 이가상 speaks
    send(runner)
    (alert,) = mailbox.pop()
    assert alert["To"] == "member@example.org" and "이가상 의원" in subject(alert)
    assert "- 이가상 위원: 독산로 보행환경" in text(alert)


def test_one_click_unsubscribe_deletes_the_address(app, client, mailbox, council, runner, publish):
    subscribe(client, mailbox, q="주차")
    publish(PARKING)
    send(runner)
    url = link_in(mailbox.pop()[0], "unsubscribe")
    page = client.get(url)
    assert page.status_code == 200 and "알림 해지" in page.get_data(as_text=True)
    assert stored() == 1
    # A mail program posts with no session and no CSRF token (RFC 8058).
    app.config["WTF_CSRF_ENABLED"] = True
    done = app.test_client().post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "알림을 해지했습니다" in done.get_data(as_text=True)
    assert stored() == 0
    assert client.get(url).status_code == 404


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_ALERT="3 per hour")
def test_requests_are_rate_limited(client, mailbox, council):
    for n in range(3):
        assert (
            client.post("/alerts/new", data={"email": f"{n}@example.org", "q": "주차"}).status_code
            == 200
        )
    refused = client.post("/alerts/new", data={"email": "4@example.org", "q": "주차"})
    assert refused.status_code == 429
    assert len(mailbox.pop()) == 3


def test_the_search_page_offers_the_alert_and_the_form_is_prefilled(client, publish):
    publish(PARKING)
    page = client.get("/search?q=주차&body=admin-finance").get_data(as_text=True)
    link = re.search(r'href="(/alerts/new\?[^"]+)"', page)[1].replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert 'value="주차"' in form and '<option selected value="admin-finance">' in form


def test_sending_needs_a_mail_server_and_the_site_address(app, runner, council):
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 1 and "MAIL_SERVER" in result.output


def test_a_mail_that_cannot_go_is_sent_on_the_next_run(app, client, runner, mailbox, publish):
    subscribe(client, mailbox, q="주차")
    publish(PARKING)
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    result = runner.invoke(args=["alerts", "send"])
    assert result.exit_code == 1 and "보내지 못함 1건" in result.output
    app.config["MAIL_PORT"] = mailbox.port
    send(runner)
    (alert,) = mailbox.pop()
    assert "시흥대로 주차" in text(alert)


def test_words_on_two_lines_make_one_subject_line(client, runner, mailbox, publish):
    subscribe(client, mailbox, q="시흥대로\r\n주차")
    publish(PARKING)
    send(runner)
    (alert,) = mailbox.pop()
    assert "‘시흥대로 주차’ 새 발언 1건" in subject(alert)


def test_an_alert_whose_committee_is_gone_does_not_stop_the_others(
    client, runner, mailbox, publish
):
    db.session.add(
        AlertSubscription(email="old@example.org", criteria={"body": "gone"}, token="old-token")
    )
    db.session.commit()
    subscribe(client, mailbox, q="주차")
    publish(PARKING)
    assert "1건 보냄" in send(runner)
    assert [message["To"] for message in mailbox.pop()] == ["citizen@example.org"]
