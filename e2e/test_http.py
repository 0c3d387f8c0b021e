"""The server over plain HTTP: operations endpoints, CSRF, the API contract and the access scope."""
import requests


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_operations_endpoints(server):
    assert requests.get(server.url + "/healthz").text == "ok"
    assert requests.get(server.url + "/readyz").status_code == 200
    requests.get(server.url + "/login")
    metrics = requests.get(server.url + "/metrics").text
    assert "http_requests_total" in metrics or "hb_requests" in metrics
    assert "openapi: 3.1.0" in requests.get(server.url + "/api/v1/openapi.yaml").text
    assert "text/css" in requests.get(server.url + "/static/app.css").headers["content-type"]


def test_forms_need_the_csrf_token(server):
    session = requests.Session()
    session.get(server.url + "/login")
    answer = session.post(server.url + "/login", data={"email": server.admin_email, "password": server.admin_password},
                          allow_redirects=False)
    assert answer.status_code == 403


def test_api_create_patch_and_errors(server, admin_token):
    api = server.url + "/api/v1"
    created = requests.post(api + "/clients", headers=auth(admin_token),
                            json={"legalName": "Ñandú Logística SRL", "emails": ["ventas@nandu.example"]})
    assert created.status_code == 201, created.text
    client = created.json()
    assert created.headers["ETag"] == '"1"'
    url = f"{api}/clients/{client['id']}"
    assert requests.patch(url, headers=auth(admin_token), json={"tradeName": "Ñandú"}).status_code == 428
    stale = requests.patch(url, headers={**auth(admin_token), "If-Match": '"7"'}, json={"tradeName": "Ñandú"})
    assert stale.status_code == 412 and stale.headers["content-type"].startswith("application/problem+json")
    bad = requests.patch(url, headers={**auth(admin_token), "If-Match": '"1"', "Accept-Language": "en"},
                         json={"emails": ["nope"], "latitude": 100, "longitude": 0})
    assert bad.status_code == 422
    problem = bad.json()
    assert {f["name"] for f in problem["invalidFields"]} == {"emails", "latitude"}
    assert problem["detail"] == "Some fields are invalid."
    ok = requests.patch(url, headers={**auth(admin_token), "If-Match": '"1"'}, json={"tradeName": "Ñandú", "emails": None})
    assert ok.status_code == 200, ok.text
    assert ok.json()["emails"] == [] and ok.json()["tradeName"] == "Ñandú" and ok.headers["ETag"] == '"2"'
    found = requests.get(api + "/clients", params={"q": "nandu"}, headers=auth(admin_token)).json()["items"]
    assert [c["legalName"] for c in found] == ["Ñandú Logística SRL"]
    assert requests.get(api + "/clients/abc", headers=auth(admin_token)).status_code == 404
    assert requests.get(api + "/clients").status_code == 401


def test_cursor_pagination_walks_every_client_once(server, admin_token):
    seen, cursor = [], None
    while True:
        params = {"limit": 97, "archived": "all"} | ({"cursor": cursor} if cursor else {})
        page = requests.get(server.url + "/api/v1/clients", params=params, headers=auth(admin_token)).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and len(seen) >= 300


def test_a_grouped_user_sees_only_their_portfolio(server, admin_token):
    api = server.url + "/api/v1"
    groups = requests.get(api + "/client-groups", headers=auth(admin_token)).json()["items"]
    north = next(g for g in groups if g["name"] == "Zona Norte")
    made = server.cli("user", "create", "--email", "norte@e2e.test", "--name", "Vendedora Norte", "--role", "agent",
                      "--group", "Zona Norte", "--password-stdin", stdin="clave-segura-123\n")
    assert made.returncode == 0, made.stderr
    token = requests.post(api + "/tokens", json={"email": "norte@e2e.test", "password": "clave-segura-123"}).json()["token"]
    me = requests.get(api + "/me", headers=auth(token)).json()
    assert me["roles"] == ["agent"] and me["accessLevel"] == 4
    mine = requests.get(api + "/clients", params={"limit": 200}, headers=auth(token)).json()["items"]
    assert mine and all(c["clientGroupId"] == north["id"] for c in mine)
    everyone = requests.get(api + "/clients", params={"limit": 200}, headers=auth(admin_token)).json()["items"]
    other = next(c for c in everyone if c["clientGroupId"] != north["id"])
    assert requests.get(f"{api}/clients/{other['id']}", headers=auth(token)).status_code == 404
    assert requests.get(f"{api}/clients/{other['id']}/contacts", headers=auth(token)).status_code == 404
    searched = requests.get(api + "/clients", params={"q": other["legalName"]}, headers=auth(token)).json()["items"]
    assert other["id"] not in [c["id"] for c in searched]


def test_a_retried_create_makes_one_client(server, admin_token):
    headers = {**auth(admin_token), "Idempotency-Key": "quoter-7781"}
    body = {"legalName": "Cotizador Web SAC", "phones": ["+51 987 654 321"]}
    first = requests.post(server.url + "/api/v1/clients", headers=headers, json=body)
    again = requests.post(server.url + "/api/v1/clients", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    reused = requests.post(server.url + "/api/v1/clients", headers=headers, json={"legalName": "Otra cosa"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_the_language_switch_changes_the_pages(server):
    session = requests.Session()
    page = session.get(server.url + "/login").text
    token = page.split('name="_csrf" value="')[1].split('"')[0]
    session.post(server.url + "/login", data={"_csrf": token, "email": server.admin_email, "password": server.admin_password})
    clients = session.get(server.url + "/clients").text
    csrf = clients.split('name="_csrf" value="')[1].split('"')[0]
    session.post(server.url + "/account/language", data={"_csrf": csrf, "language": "en", "back": "/clients"})
    assert "New client" in session.get(server.url + "/clients").text
    session.post(server.url + "/account/language", data={"_csrf": csrf, "language": "es", "back": "/clients"})
    assert "Nuevo cliente" in session.get(server.url + "/clients").text
