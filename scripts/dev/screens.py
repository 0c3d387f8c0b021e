"""Signs in and saves screenshots of pages at 1280 and 360 px, in Spanish and
English, for a person to look at. Usage:
  python scripts/dev/screens.py BASE_URL EMAIL PASSWORD OUT_DIR PATH [PATH ...]"""
import sys, pathlib
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, email, password, out, *paths = sys.argv[1:]
out = pathlib.Path(out); out.mkdir(parents=True, exist_ok=True)
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(arg)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # The sign-in answer sets the session cookie; going on before it arrives lands back on /login.
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
    for lang in ["es", "en"]:
        driver.get(base + "/account")
        select = driver.find_element(By.ID, "language")
        select.find_element(By.CSS_SELECTOR, f"option[value={lang}]").click()
        driver.find_element(By.CSS_SELECTOR, "form[action='/account'] button[type=submit]").click()
        # Wait for the saved page, or the first screenshot races the language change.
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
                                        and "/account" in d.current_url and d.execute_script("return document.readyState") == "complete")
        for path in paths:
            for width in [1280, 360]:
                driver.set_window_size(width, 900)
                driver.get(base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-").replace("&", "_") or "home"
                height = driver.execute_script("return document.body.scrollHeight")
                driver.set_window_size(width, min(max(height, 600), 2400))
                driver.save_screenshot(str(out / f"{name}.{lang}.{width}.png"))
finally:
    driver.quit()
