"""Notices (告知): each decision is put in a notice for its petitioner and delivered once.

Against the whole system, the stub SMS gateway and a real SMTP server (aiosmtpd), both started
by the session's fixture (tests/support/system.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shared.vocabulary import Role
from tests.e2e.test_petitioner_follow import follow
from tests.support.petitions import PUJIANG_VILLAGE, a_petition
from tests.support.polling import eventually
from tests.support.system import System

pytestmark = pytest.mark.e2e


def stub(system: System, what: str) -> dict[str, Any]:
    assert system.stubs is not None
    return httpx.get(f"{system.stubs.url}/{what}", timeout=5).json()  # type: ignore[no-any-return]


def sms_to(system: System, phone: str) -> list[dict[str, Any]]:
    return [m for m in stub(system, "sms")["messages"] if m["to"] == phone]


def mail_to(system: System, address: str) -> list[dict[str, Any]]:
    return [m for m in stub(system, "mail")["messages"] if address in m["to"]]


def petitioner_notices(system: System, client: httpx.Client, case: dict[str, Any]) -> list[dict[str, Any]]:
    url = f"{system.url('intake')}/v1/petitions/{case['tracking_code']}/notices"
    response = client.get(url, params={"access_code": case["access_code"]})
    assert response.status_code == 200, response.text
    return response.json()["notices"]  # type: ignore[no-any-return]


def notices_until(
    system: System, client: httpx.Client, case: dict[str, Any], until: Any, what: str
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = eventually(
        lambda: petitioner_notices(system, client, case), until, timeout=60, what=what
    )
    return found


def submitted(client: httpx.Client, system: System, **petitioner: Any) -> dict[str, Any]:
    body = a_petition()
    body["petitioner"] = {**body["petitioner"], **petitioner}
    response = client.post(f"{system.url('intake')}/v1/petitions", json=body)
    assert response.status_code == 201, response.text
    return {**response.json(), "phone": body["petitioner"]["phone"]}


def village(system: System) -> dict[str, str]:
    return system.auth(Role.OFFICIAL, PUJIANG_VILLAGE, "official-li")


def test_acceptance_extension_and_reply_are_told_by_sms_once_each(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
        assert client.post(f"{routing}/accept", headers=village(system)).status_code == 200
        extended = client.post(
            f"{routing}/extend", json={"days": 10, "reason": "需要现场勘查"}, headers=village(system)
        )
        assert extended.status_code == 200, extended.text
        # An extension is told once the level above approved it (ExtensionGranted), not when it is asked for.
        if "ExtensionRequested" in [e["type"] for e in extended.json()["events"]]:
            township = system.auth(Role.OFFICIAL, PUJIANG_VILLAGE[:9] + "000", "official-zhou")
            decision = f"{routing}/extension-requests/extension-1/decision"
            approved = client.post(decision, json={"approve": True, "reason": "同意"}, headers=township)
            assert approved.status_code == 200, approved.text
        reply = {"reply": "墙体将于本月底前拆除。"}
        assert client.post(f"{routing}/resolve", json=reply, headers=village(system)).status_code == 200
        notices = notices_until(
            system,
            client,
            case,
            lambda ns: len(ns) == 3 and all(n["state"] == "delivered" for n in ns),
            "three notices delivered",
        )
    assert [n["kind"] for n in notices] == ["accepted", "extended", "replied"]
    assert {n["channel"] for n in notices} == {"sms"}
    assert case["tracking_code"] in notices[0]["text"]
    assert "受理" in notices[0]["text"]
    assert "延长10日" in notices[1]["text"]
    assert "需要现场勘查" in notices[1]["text"]
    assert "墙体将于本月底前拆除。" in notices[2]["text"]
    sent = eventually(lambda: sms_to(system, case["phone"]), lambda m: len(m) == 3, what="three SMS at the gateway")
    assert sorted(m["key"] for m in sent) == sorted(n["notice_id"] for n in notices)
    # Nobody's personal data in what was sent: not even the petitioner's own name.
    assert all("王芳" not in m["text"] for m in sent)


def test_not_accepted_with_the_competent_body_goes_by_email_when_chosen(system: System) -> None:
    address = "wang.fang@example.cn"
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system, email=address, notify_by="email")
        follow(system, client, case, lambda v: v["status"] == "assigned")
        routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
        refusal = {"reason": "属于诉讼事项", "redirect_to": "浦江县人民法院"}
        assert client.post(f"{routing}/reject", json=refusal, headers=village(system)).status_code == 200
        notices = notices_until(
            system, client, case, lambda ns: [n["state"] for n in ns] == ["delivered"], "the refusal e-mailed"
        )
    assert notices[0]["kind"] == "not_accepted"
    assert notices[0]["channel"] == "email"
    assert "属于诉讼事项" in notices[0]["text"]
    assert "浦江县人民法院" in notices[0]["text"]
    mail = eventually(lambda: mail_to(system, address), lambda m: len(m) == 1, what="one e-mail")
    assert mail[0]["message_id"] == f"<notice-{notices[0]['notice_id']}@pujiang.example>"
    assert "不予受理" in mail[0]["subject"]
    assert "浦江县人民法院" in mail[0]["text"]


def test_an_anonymous_petitioner_without_a_chosen_channel_gets_no_delivery_and_it_is_recorded(
    system: System,
) -> None:
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system, anonymous=True)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
        assert client.post(f"{routing}/accept", headers=village(system)).status_code == 200
        notices = notices_until(system, client, case, lambda ns: len(ns) == 1, "the acceptance notice")
        officials = client.get(f"{system.url('intake')}/v1/cases/{case['case_id']}/notices", headers=village(system))
    assert notices[0]["channel"] == "none"
    assert notices[0]["state"] == "undeliverable"
    assert officials.status_code == 200
    assert officials.json()["notices"][0]["state"] == "undeliverable"
    assert sms_to(system, case["phone"]) == []


def test_failed_deliveries_are_retried_with_backoff_and_failures_are_shown_to_officials(system: System) -> None:
    assert system.stubs is not None
    with httpx.Client(timeout=10) as client:
        case = submitted(client, system)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        # The gateway refuses the next two sends: the third attempt delivers.
        client.post(f"{system.stubs.url}/admin/fail", json={"sms": 2})
        routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
        assert client.post(f"{routing}/accept", headers=village(system)).status_code == 200
        notices = notices_until(
            system, client, case, lambda ns: ns and ns[0]["state"] == "delivered", "delivered after retries"
        )
        officials = client.get(f"{system.url('intake')}/v1/cases/{case['case_id']}/notices", headers=village(system))
    assert officials.json()["notices"][0]["attempts"] == 3
    assert len(sms_to(system, case["phone"])) == 1
    assert notices[0]["notice_id"]


def test_letters_wait_for_printing_and_printing_is_their_delivery(system: System) -> None:
    with httpx.Client(timeout=10) as client:
        body = a_petition(channel="letter")
        body["petitioner"] = {**body["petitioner"], "address": "浦江县浦阳街道和平路1号"}
        case = client.post(f"{system.url('intake')}/v1/petitions", json=body).json()
        follow(system, client, case, lambda v: v["status"] == "assigned")
        routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
        assert client.post(f"{routing}/accept", headers=village(system)).status_code == 200
        notices = notices_until(system, client, case, lambda ns: len(ns) == 1, "the acceptance letter")
        assert notices[0]["channel"] == "letter"
        assert notices[0]["state"] == "awaiting_print"
        intake = system.url("intake")
        waiting = client.get(f"{intake}/v1/notices", params={"state": "awaiting_print"}, headers=village(system))
        assert notices[0]["notice_id"] in [n["notice_id"] for n in waiting.json()["notices"]]
        page = client.get(f"{intake}/v1/notices/{notices[0]['notice_id']}/letter", headers=village(system))
        assert page.status_code == 200
        assert "浦江县浦阳街道和平路1号" in page.text
        assert "受理" in page.text
        elsewhere = system.auth(Role.OFFICIAL, "330782000000", "official-yiwu")
        assert (
            client.post(f"{intake}/v1/notices/{notices[0]['notice_id']}/printed", headers=elsewhere).status_code == 403
        )
        printed = client.post(f"{intake}/v1/notices/{notices[0]['notice_id']}/printed", headers=village(system))
        assert printed.status_code == 201, printed.text
        assert printed.json()["state"] == "delivered"
        again = client.post(f"{intake}/v1/notices/{notices[0]['notice_id']}/printed", headers=village(system))
        assert again.status_code == 409
        assert petitioner_notices(system, client, case)[0]["state"] == "delivered"


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_crash_between_delivery_and_its_record_sends_no_second_message(system: System, channel: str) -> None:
    """The channel took the notice, intake is SIGKILLed before recording it; after the restart the
    claim expires, the notice goes again under the same key, and it is still one message."""
    assert system.stubs is not None
    address = f"crash-{channel}@example.cn"
    with httpx.Client(timeout=10) as client:
        extra = {"email": address, "notify_by": "email"} if channel == "email" else {}
        case = submitted(client, system, **extra)
        follow(system, client, case, lambda v: v["status"] == "assigned")
        hold = "smtp" if channel == "email" else "sms"
        client.post(f"{system.stubs.url}/admin/hold", json={hold: 60})
        try:
            routing = f"{system.url('routing')}/v1/cases/{case['case_id']}"
            assert client.post(f"{routing}/accept", headers=village(system)).status_code == 200

            def received() -> list[dict[str, Any]]:
                return mail_to(system, address) if channel == "email" else sms_to(system, case["phone"])

            eventually(received, lambda m: len(m) == 1, timeout=60, what="the channel took the notice")
            assert petitioner_notices(system, client, case)[0]["state"] == "pending"  # not recorded yet
            system.services["intake"].kill()  # between the channel's answer and intake's record
        finally:
            client.post(f"{system.stubs.url}/admin/hold", json={hold: 0})
        system.services["intake"].start()
        system.services["intake"].wait_ready()
        notices = notices_until(
            system, client, case, lambda ns: ns and ns[0]["state"] == "delivered", "delivered after the restart"
        )
        officials = client.get(f"{system.url('intake')}/v1/cases/{case['case_id']}/notices", headers=village(system))
    messages = received()
    assert len(messages) == 1, "a second message reached the petitioner"
    # It was handed over again after the crash (at least once) and taken as the same message (never twice).
    assert messages[0]["requests" if channel == "sms" else "transactions"] == 2
    first = officials.json()["notices"][0]
    assert first["attempts"] == 2
    assert first["last_error"] is None
    assert len(notices) == 1
