"""Field service as people do it: the admin schedules "every two weeks on Friday
at 11:00" for a client and a one-off order for today; the technician, on a
phone-sized screen, opens "my orders today", fills the service report with parts at
the retail price list and finishes the order; the admin
verifies it with the customer's rating and sees it in the client's history."""
import datetime, zoneinfo
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser import browser, login  # noqa: F401  (the fixture and the admin's login)

ZONE = zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")


def sign_in(driver, server, email, password):
    driver.get(server.url + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "header.top")))


def flash(driver, text):
    try:
        WebDriverWait(driver, 10).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), text))
    except Exception:
        raise AssertionError(f"no flash «{text}» on {driver.current_url}:\n" + driver.find_element(By.TAG_NAME, "main").text[:1500])


def test_schedule_finish_on_a_phone_and_verify(browser, server):
    made = server.cli("user", "create", "--email", "tecnica@e2e.test", "--name", "Técnica E2E", "--role", "technician",
                      "--time-zone", "America/Argentina/Buenos_Aires", "--password-stdin", stdin="clave-tecnica-123\n")
    assert made.returncode == 0, made.stderr
    login(browser, server)
    browser.get(server.url + "/clients/7")
    browser.find_element(By.LINK_TEXT, "Nueva orden recurrente").click()
    Select(browser.find_element(By.ID, "r-freq")).select_by_value("WEEKLY")
    interval = browser.find_element(By.ID, "r-interval")
    interval.clear()
    interval.send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "input[name=byday][value=FR]").click()
    browser.execute_script("document.getElementById('r-time').value = '11:00';")
    Select(browser.find_element(By.ID, "o-assignee")).select_by_visible_text("Técnica E2E")
    browser.find_element(By.ID, "o-description").send_keys("Mantenimiento quincenal del equipo de frío")
    browser.find_element(By.CSS_SELECTOR, "form.form button.primary").click()
    flash(browser, "Orden recurrente guardada")
    assert "cada 2 semanas, los viernes a las 11:00" in browser.find_element(By.CSS_SELECTOR, "main").text
    assert "Mantenimiento quincenal del equipo de frío" in browser.find_element(By.ID, "rule-orders").find_element(By.XPATH, "..").text

    browser.get(server.url + "/clients/7")
    browser.find_element(By.LINK_TEXT, "Nueva orden").click()
    Select(browser.find_element(By.ID, "o-priority")).select_by_value("urgent")
    Select(browser.find_element(By.ID, "o-assignee")).select_by_visible_text("Técnica E2E")
    browser.find_element(By.ID, "o-description").send_keys("La cámara de frío no enfría")
    today = datetime.datetime.now(ZONE).date().isoformat()
    browser.execute_script("document.getElementById('o-date').value = arguments[0];"
                           "document.getElementById('o-time').value = '23:59';", today)
    browser.find_element(By.CSS_SELECTOR, "form.form button.primary").click()
    flash(browser, "creada")
    order_url = browser.current_url

    # The technician on a phone.
    browser.delete_all_cookies()
    browser.set_window_size(360, 800)
    sign_in(browser, server, "tecnica@e2e.test", "clave-tecnica-123")
    browser.get(server.url + "/work-orders?view=today")
    item = WebDriverWait(browser, 10).until(EC.presence_of_element_located(
        (By.XPATH, "//li[contains(@class,'followup')][.//p[contains(., 'La cámara de frío no enfría')]]")))
    item.find_element(By.CSS_SELECTOR, "a").click()
    assert browser.current_url == order_url
    # The service report, with parts at the retail list's current price.
    Select(browser.find_element(By.ID, "order-form-template")).select_by_visible_text("Informe de servicio técnico")
    browser.find_element(By.CSS_SELECTOR, "#forms form button").click()
    Select(WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "priceListId")))).select_by_visible_text("Minorista")
    Select(browser.find_element(By.ID, "f_tipo_de_trabajo")).select_by_value("Correctivo")
    browser.find_element(By.ID, "f_repuestos_e_insumos_code_0").send_keys("GAS-R410")
    browser.find_element(By.ID, "f_repuestos_e_insumos_qty_0").send_keys("2")
    browser.find_element(By.ID, "f_firma_del_cliente").send_keys("Rosa Pérez")
    browser.find_element(By.CSS_SELECTOR, "form.form button.primary").click()
    flash(browser, "Formulario guardado")
    report = browser.find_element(By.TAG_NAME, "main").text
    assert "Gas refrigerante R410A" in report and "18.500,00" in report and "37.000,00 ARS" in report
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    browser.get(order_url)
    browser.find_element(By.ID, "s-detail").send_keys("Cambié el termostato y cargué gas.")
    browser.find_element(By.CSS_SELECTOR, "input[name=finishes]").click()
    browser.find_element(By.CSS_SELECTOR, "#services button.primary").click()
    flash(browser, "la orden quedó terminada")
    assert "Terminada" in browser.find_element(By.CSS_SELECTOR, "h1").text
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 360

    # The admin verifies with the customer.
    browser.delete_all_cookies()
    browser.set_window_size(1280, 900)
    login(browser, server)
    browser.get(order_url)
    browser.find_element(By.ID, "v-comments").send_keys("Conforme, enfría bien")
    Select(browser.find_element(By.ID, "v-rating")).select_by_value("5")
    browser.find_element(By.CSS_SELECTOR, "#verify button.primary").click()
    flash(browser, "verificada y cerrada")
    assert "Verificada (cerrada)" in browser.find_element(By.CSS_SELECTOR, "h1").text
    browser.get(server.url + "/clients/7/history")
    history = browser.find_element(By.CSS_SELECTOR, "main").text
    assert "Orden verificada" in history and "Orden terminada" in history and "Orden recurrente creada" in history
    assert "Formulario guardado" in history
