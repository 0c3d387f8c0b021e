"""A user's calendar address, read by an independent iCalendar parser (the
`icalendar` package) the way a calendar app subscribes to it."""
import datetime, re
import icalendar, requests
from test_export import signed_in
from test_import import csrf


def test_feed_parses_with_follow_ups_of_the_user(server):
    session = signed_in(server)
    token = csrf(session, server)
    page = session.post(server.url + "/clients/1/follow-ups", data={
        "_csrf": token, "title": "Revisar contrato, anexo; firma", "dueDate": "2027-03-15", "dueTime": "09:30",
        "responsibleId": "1", "colour": "purple", "description": "Llamar antes\na Inés"})
    assert page.status_code == 200
    opened = session.post(server.url + "/clients/1/opportunities", data={"_csrf": token, "agentId": "1", "subject": "Renovar la flota"})
    assert opened.status_code == 200 and "Renovar la flota" in opened.text
    step = opened.url + "/step"
    assert session.post(step, data={"_csrf": token, "version": "1", "to": "waiting", "comment": "Llamar",
                                     "nextContactOn": "2027-03-16"}).status_code == 200
    account = session.post(server.url + "/account/calendar", data={"_csrf": token}).text
    address = re.search(r"(https?://[^<\s]+/calendar/cf_[^<\s]+\.ics)", account).group(1)
    feed = requests.get(address)  # no session: the address is the credential
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    event = events["Revisar contrato, anexo; firma"]
    # 09:30 in Buenos Aires (the demo admin's zone) is 12:30 UTC.
    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 15, 12, 30, tzinfo=datetime.timezone.utc)
    assert "Llamar antes\na Inés" in str(event["DESCRIPTION"])
    # An opportunity's next contact date is an all-day event.
    contact = next(e for name, e in events.items() if "Renovar la flota" in name)
    assert contact.decoded("DTSTART") == datetime.date(2027, 3, 16) and contact.decoded("DTEND") == datetime.date(2027, 3, 17)
    assert all(e.get("UID") and e.get("DTSTAMP") for e in events.values())
    assert len({str(e["UID"]) for e in events.values()}) == len(events)
    session.post(server.url + "/account/calendar/revoke", data={"_csrf": token})
    assert requests.get(address).status_code == 404
