"""Writes Tests/CarteraCoreTests/recurrence-dateutil.json: random RFC 5545 rules
expanded by python-dateutil, the independent implementation Cartera's
Recurrence is checked against. Run again after changing the generator:
  python3 scripts/dev/recurrence_fixture.py"""
import datetime, json, pathlib, random, zoneinfo
from dateutil import rrule

ZONES = ["America/Argentina/Buenos_Aires", "America/Santiago", "America/Asuncion", "America/New_York", "Europe/Madrid",
         "America/Mexico_City", "America/Lima"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
random.seed(2026)
cases = []
for n in range(400):
    freq = random.choice(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])
    parts = [f"FREQ={freq}"]
    if random.random() < 0.6: parts.append(f"INTERVAL={random.randint(1, 4)}")
    if random.random() < 0.3: parts.append("BYMONTH=" + ",".join(map(str, sorted(random.sample(range(1, 13), random.randint(1, 4))))))
    if freq in ("MONTHLY", "YEARLY") and random.random() < 0.4:
        parts.append("BYMONTHDAY=" + ",".join(map(str, random.sample([d for d in range(-31, 32) if d], random.randint(1, 3)))))
    if random.random() < 0.6:
        chosen = random.sample(DAYS, random.randint(1, 3))
        if freq in ("MONTHLY", "YEARLY") and random.random() < 0.5:
            chosen = [f"{random.choice([1, 2, 3, 4, -1, -2])}{d}" for d in chosen[:2]]
        parts.append("BYDAY=" + ",".join(chosen))
    if freq in ("MONTHLY", "YEARLY", "WEEKLY") and random.random() < 0.2:
        parts.append("BYSETPOS=" + random.choice(["1", "-1", "2", "1,-1"]))
    zone = zoneinfo.ZoneInfo(random.choice(ZONES))
    start = datetime.datetime(random.randint(2024, 2027), random.randint(1, 12), random.randint(1, 28),
                              random.randint(8, 20), random.choice([0, 15, 30, 45]), tzinfo=zone)
    if random.random() < 0.3: parts.append(f"COUNT={random.randint(3, 25)}")
    elif random.random() < 0.3:
        until = (start + datetime.timedelta(days=random.randint(30, 900))).astimezone(datetime.timezone.utc)
        parts.append("UNTIL=" + until.strftime("%Y%m%dT%H%M%SZ"))
    text = ";".join(parts)
    rule = rrule.rrulestr(text, dtstart=start)
    horizon = start + datetime.timedelta(days=3650)
    first = rule.between(start, horizon, inc=True)[:40]
    exdates = [first[1]] if len(first) > 2 and random.random() < 0.3 else []
    expected = [d for d in first if d not in exdates]
    utc = lambda d: d.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cases.append({"rule": text, "zone": zone.key, "start": utc(start), "exdates": [utc(d) for d in exdates],
                  "horizon": utc(horizon), "expected": [utc(d) for d in expected]})
out = pathlib.Path(__file__).resolve().parents[2] / "Tests/CarteraCoreTests/recurrence-dateutil.json"
out.write_text(json.dumps(cases, indent=0))
print(f"{len(cases)} rules written to {out}")
