"""Mail that goes out, received by a real SMTP server on loopback (aiosmtpd):
a test message, follow-up reminders that arrive once and well-formed from the
company's address, and a server that refuses or drops the connection mid-send,
which leads to a retry, not a loss or a duplicate."""
import datetime, email, email.policy, socket, time, zoneinfo
import pytest, requests
from aiosmtpd.controller import Controller
from test_export import signed_in
from test_import import csrf


class Sink:
    """Keeps what it accepts; the first attempt of a subject containing a word in
    `refuse` gets 451, in `drop` sees the connection closed before any answer."""
    def __init__(self):
        self.accepted, self.attempts, self.refuse, self.drop = [], {}, set(), set()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message["Subject"])
        first = subject not in self.attempts
        self.attempts[subject] = self.attempts.get(subject, 0) + 1
        if first and any(word in subject for word in self.refuse):
            return "451 4.3.0 Try again later"
        if first and any(word in subject for word in self.drop):
            server.transport.close()
            return "421 4.4.2 Gone"
        self.accepted.append((envelope.mail_from, envelope.rcpt_tos, message))
        return "250 2.0.0 OK"

    def with_subject(self, subject):
        return [m for m in self.accepted if str(m[2]["Subject"]) == subject]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


@pytest.fixture(scope="module")
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield sink
    controller.stop()


def test_reminders_arrive_once_from_the_company_account_despite_refusals(server, smtp):
    sink, port = smtp, smtp.port
    session = signed_in(server)
    token = csrf(session, server)
    saved = session.post(server.url + "/admin/mail", data={
        "_csrf": token, "host": "127.0.0.1", "port": str(port), "security": "none",
        "fromName": "Cobranzas Peña", "fromAddress": "avisos@demo.example"})
    assert saved.status_code == 200 and "127.0.0.1" in saved.text, saved.text[:500]

    test = session.post(server.url + "/admin/mail/test", data={"_csrf": token})
    assert test.status_code == 200 and server.admin_email in test.text
    # The demo's own follow-ups may have reminders due by now (every third is reminded an
    # hour ahead), and they go out as soon as there is an account: look at the test's mail only.
    [(sender, recipients, message)] = sink.with_subject("Prueba de correo de Cartera")
    assert sender == "avisos@demo.example" and recipients == [server.admin_email]
    assert message["From"].addresses[0].display_name == "Cobranzas Peña"

    # Two follow-ups due in half an hour, reminded an hour before: both reminders are due now.
    sink.refuse.add("Ñandú")
    sink.drop.add("depósito")
    due = datetime.datetime.now(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")) + datetime.timedelta(minutes=30)
    for title in ["Llamar a Ñandú por la cotización", "Visitar el depósito central"]:
        made = session.post(server.url + "/clients/1/follow-ups", data={
            "_csrf": token, "title": title, "dueDate": due.strftime("%Y-%m-%d"), "dueTime": due.strftime("%H:%M"),
            "responsibleId": "1", "colour": "blue", "remindMinutesBefore": "60", "description": "Con la lista de precios nueva"})
        assert made.status_code == 200, made.text[:300]
    subjects = ["Recordatorio: Llamar a Ñandú por la cotización", "Recordatorio: Visitar el depósito central"]
    # The first attempts fail (refused, dropped); the retry comes a minute later.
    assert wait_for(lambda: all(sink.with_subject(s) for s in subjects), 150), (sink.attempts, len(sink.accepted))
    time.sleep(4)
    for subject in subjects:
        [(sender, recipients, message)] = sink.with_subject(subject)   # exactly once
        assert sink.attempts[subject] == 2
        assert sender == "avisos@demo.example" and recipients == [server.admin_email]
        assert message["Message-ID"] and message["Date"] and message.get_content_type() == "multipart/alternative"
        text = message.get_body(preferencelist=("plain",)).get_content()
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Con la lista de precios nueva" in text and "/follow-ups/" in text and "<a href=" in html
    outbox = session.get(server.url + "/admin/mail?status=sent").text
    assert all(s in outbox for s in subjects)


def test_receivable_notice_goes_once_from_the_collectors_own_account(server, smtp, admin_token):
    made = server.cli("user", "create", "--email", "cobranza@e2e.test", "--name", "Cobranza E2E", "--role", "collector",
                      "--password-stdin", stdin="clave-cobranza-123\n")
    assert made.returncode == 0, made.stderr
    collector = requests.Session()
    page = collector.get(server.url + "/login").text
    token = page.split('name="_csrf" value="')[1].split('"')[0]
    collector.post(server.url + "/login", data={"_csrf": token, "email": "cobranza@e2e.test", "password": "clave-cobranza-123"})
    token = csrf(collector, server)
    saved = collector.post(server.url + "/account/mail", data={
        "_csrf": token, "host": "127.0.0.1", "port": str(smtp.port), "security": "none", "fromName": "Cobranza E2E",
        "fromAddress": "cobranza@e2e.example"})
    assert saved.status_code == 200 and "cobranza@e2e.example" in saved.text

    api, admin = server.url + "/api/v1", {"Authorization": f"Bearer {admin_token}"}
    own = requests.post(api + "/tokens", json={"email": "cobranza@e2e.test", "password": "clave-cobranza-123"}).json()["token"]
    collector_id = requests.get(api + "/me", headers={"Authorization": f"Bearer {own}"}).json()["id"]
    client = requests.post(api + "/clients", headers=admin, json={
        "legalName": "Ferretería Cobranza SA", "emails": ["pagos@ferreteria.example"], "collectorId": collector_id})
    assert client.status_code == 201, client.text
    client_id = client.json()["id"]
    today = datetime.datetime.now(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")).date()
    due = today + datetime.timedelta(days=3)
    invoice = requests.post(api + "/receivables", headers=admin, json={
        "clientId": client_id, "number": "A-E2E-1", "issueDate": today.isoformat(), "dueDate": due.isoformat(), "amountMinor": 250000})
    assert invoice.status_code == 201, invoice.text
    reminder = next(c for c in requests.get(api + "/notice-concepts", headers=admin).json()["items"] if c["kind"] == "before_due")
    settings = requests.put(f"{api}/clients/{client_id}/notice-settings", headers={**admin, "If-Match": '"0"'}, json={
        "active": True, "subject": "Factura {factura} vence el {vencimiento}", "contactIds": [], "reminderConceptId": reminder["id"],
        "afterDueEnabled": False, "afterDueConceptId": None, "reminderBody": "Estimado {cliente}: el saldo es {saldo}.",
        "afterDueBody": "", "consolidated": False})
    assert settings.status_code == 200, settings.text

    subject = f"Factura A-E2E-1 vence el {due.strftime('%d/%m/%Y')}"
    assert wait_for(lambda: smtp.with_subject(subject), 150), smtp.attempts
    time.sleep(3)
    [(sender, recipients, message)] = smtp.with_subject(subject)
    assert sender == "cobranza@e2e.example" and recipients == ["pagos@ferreteria.example"]
    assert message["From"].addresses[0].display_name == "Cobranza E2E"
    assert "Estimado Ferretería Cobranza SA: el saldo es 2.500,00" in message.get_body(preferencelist=("plain",)).get_content()
