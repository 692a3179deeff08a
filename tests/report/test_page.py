"""report.html and report.json of the demo run (English and Farsi): the numbers agree with the
run, the page is self-contained, and in a real headless Chromium it draws the map and the matrix
with no console error and no request, and clicking a code filters."""

import csv
import json
import re
from collections import Counter
from html import unescape

import pytest


def _read(run, name):
    return (run / name).read_text(encoding="utf-8")


def _segments(run, name="segments.csv"):
    with open(run / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _data(html):
    return json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)[1])


def test_the_numbers_behind_each_picture_agree_with_the_run(sample_run):
    numbers, book, manifest = (json.loads(_read(sample_run, name))
                               for name in ("report.json", "codebook.json", "manifest.json"))
    rows = _segments(sample_run)
    sizes = {c["code_id"]: c["size"] for c in book["codes"]}
    assert {code: sum(n.values()) for code, n in numbers["matrix"].items()} == sizes
    assert {code: len(n) for code, n in numbers["matrix"].items()} == \
        {c["code_id"]: c["participants"] for c in book["codes"]}
    saturation = numbers["saturation"]
    assert [f["file"] for f in saturation["files"]] == sorted(manifest["inputs"])
    assert sum(f["new"] for f in saturation["files"]) == saturation["files"][-1]["cumulative"] == len(sizes)
    assert set(numbers["map"]) == {r["segment_id"] for r in rows}
    assert all(0.0 <= v <= 1.0 for xy in numbers["map"].values() for v in xy)
    stable = numbers["stability"]
    assert stable["runs"] == 5 and set(stable["codes"]) == set(sizes) and 0 <= stable["ari"] <= 1
    assert all(0 <= c["found"] <= 1 and 0 <= c["jaccard"] <= 1 for c in stable["codes"].values())
    view = numbers["overview"]
    assert (view["units"], view["codes"], view["participants"]) == (len(rows), len(sizes), 6)
    assert sum(view["set_aside"].values()) == len(_segments(sample_run, "dropped.csv"))


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_page_loads_nothing_and_holds_every_quote_verbatim(sample_run, lang):
    html = _read(sample_run, "report.html")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)|<link|@import|url\(""", html)
    units = _data(html)["units"]
    rows = [r for r in _segments(sample_run) if r["lang"] == lang]
    assert rows and {r["segment_id"]: r["text"] for r in rows}.items() <= {u[0]: u[4] for u in units}.items()
    quotes = [unescape(q) for q in re.findall(r'<blockquote dir="auto">(.*?)</blockquote>', html, re.S)]
    assert set(quotes) <= {r["text"] for r in _segments(sample_run)}  # verbatim: raw[start:end]
    assert set(quotes) & {r["text"] for r in rows}  # representative quotes in this language too


@pytest.mark.browser
def test_the_page_draws_map_and_matrix_offline_and_a_click_on_a_code_filters(browser, sample_run, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get((sample_run / "report.html").as_uri())
    wait = WebDriverWait(browser, 60)
    units = _segments(sample_run)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#map circle")) == len(units))
    book = json.loads(_read(sample_run, "codebook.json"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#matrix tbody tr")) == len(book["codes"])
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors

    code = max(book["codes"], key=lambda c: c["size"])
    browser.find_element(By.CSS_SELECTOR, f'#sidebar [data-code="{code["code_id"]}"]').click()
    shown = [a.get_attribute("data-code") for a in browser.find_elements(By.CSS_SELECTOR, "article.code")
             if a.is_displayed()]
    assert shown == [code["code_id"]]
    lit = Counter(c.get_attribute("data-code") for c in browser.find_elements(By.CSS_SELECTOR, "#map circle")
                  if "faded" not in (c.get_attribute("class") or ""))
    assert lit == {code["code_id"]: code["size"]}
    every = browser.find_element(By.CSS_SELECTOR, f'article[data-code="{code["code_id"]}"] details.all')
    every.find_element(By.TAG_NAME, "summary").click()
    wait.until(lambda d: len(every.find_elements(By.TAG_NAME, "blockquote")) == code["size"])
    browser.find_element(By.ID, "show-all").click()
    assert all(a.is_displayed() for a in browser.find_elements(By.CSS_SELECTOR, "article.code"))
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_a_run_without_a_map_or_stability_says_so_and_still_lists_its_codes(sample_run, lang):
    from pipeline.report.page import render

    numbers = json.loads(_read(sample_run, "report.json"))
    numbers.update(map={}, stability={"runs": 0})
    rows = [r for r in _segments(sample_run) if r["lang"] == lang]
    html = render("t", numbers, json.loads(_read(sample_run, "codebook.json")), rows)
    assert "No map in this run" in html and 'id="map"' not in html
    assert "stability not measured" in html and html.count('<article class="code"') == len(numbers["matrix"])
    assert len(_data(html)["units"]) == len(rows)
