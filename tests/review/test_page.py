"""The review page in a real headless Chromium (Debian's chromium + chromium-driver, installed
here when missing): a coder accepts, renames, merges, splits, moves a unit, reloads; the server
is killed mid-session and restarted without loss; two coders' differences are shown.

The browser is ``tests/browser.py``'s."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
WAIT = 60


@pytest.fixture
def run(sample_run, tmp_path):
    """A fresh copy of the sample run for each test; the embedding cache is shared."""
    shutil.copytree(sample_run, tmp_path / "run")
    return tmp_path / "run"


class Server:
    """``mazmun review RUN --port N`` (0: any free port) in a child process; ``url`` is the
    address it printed."""

    def __init__(self, run: Path, port: int = 0) -> None:
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "review", str(run), "--port", str(port)], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.proc.stderr.read()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=WAIT)


@pytest.fixture
def serve():
    servers: list[Server] = []

    def start(run: Path, port: int = 0) -> Server:
        servers.append(Server(run, port))
        return servers[-1]

    yield start
    for server in servers:
        if server.proc.poll() is None:
            server.kill()


class Page:
    """The review page as a coder uses it."""

    def __init__(self, driver, url: str) -> None:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.wait = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))
        self.open(url)

    def open(self, url: str) -> None:
        self.driver.get(url)

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as ec

        return self.wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, css)))

    def all(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def until(self, check, what: str):
        return self.wait.until(lambda _: check(), message=what)

    def sign_in(self, name: str) -> None:
        box = self.find("#coder")
        box.clear()
        box.send_keys(name)
        self.find("#coder-set").click()
        self.until(lambda: self.all("[data-code]"), "the codes are listed")

    def code(self, code_id: str) -> None:
        self.find(f'[data-code="{code_id}"]').click()
        self.until(lambda: self.all(f'[data-code-title="{code_id}"]'), f"{code_id} is shown")

    def title(self) -> str:
        return self.find("h2").text

    def codes(self) -> list[str]:
        return [e.get_attribute("data-code") for e in self.all("[data-code]")]

    def saved(self, log: Path, n: int) -> list[dict]:
        """Wait until the log holds ``n`` whole decisions, and return them."""
        def count():
            return log.is_file() and log.read_text(encoding="utf-8").count("\n") >= n
        self.until(count, f"{n} decisions are saved")
        text = log.read_text(encoding="utf-8")
        return [json.loads(line) for line in text[:text.rindex("\n")].splitlines()]

    def fill(self, css: str, text: str) -> None:
        """Type ``text`` into the field, again from the start if the page redrew it meanwhile."""
        def typed(_driver) -> bool:
            box = self.find(css)
            box.clear()
            box.send_keys(text)
            return True

        self.wait.until(typed)


def _codes_by_size(run: Path) -> list[dict]:
    book = json.loads((run / "codebook.json").read_text(encoding="utf-8"))
    return sorted(book["codes"], key=lambda c: -c["size"])


def test_accept_rename_merge_split_move_then_reload(browser, run, serve):
    from selenium.webdriver.support.ui import Select

    server = serve(run)
    page, log = Page(browser, server.url), run / "decisions.jsonl"
    page.sign_in("Sara")
    big, second, third = (c["code_id"] for c in _codes_by_size(run)[:3])
    page.code(big)
    page.find("#accept").click()
    page.until(lambda: page.find("#status").text == "accepted", "the code shows as accepted")
    page.fill("#rename-label", "شب‌های بی‌خوابی")
    page.find("#rename").click()
    page.until(lambda: "شب‌های بی‌خوابی" in page.title(), "the new name is shown")
    page.code(second)
    Select(page.find("#merge-with")).select_by_value(third)
    page.find("#merge").click()
    page.until(lambda: third not in page.codes(), f"{third} is merged away")
    page.code(big)
    page.find("#split").click()
    page.until(lambda: {f"{big}.1", f"{big}.2"} <= set(page.codes()), f"{big} is split in two")
    page.code(second)
    unit = page.all("li.unit")[0].get_attribute("data-unit")
    Select(page.all("li.unit select.move-target")[0]).select_by_value(f"{big}.1")
    page.all("li.unit button.move-unit")[0].click()
    page.until(lambda: unit not in [e.get_attribute("data-unit") for e in page.all("li.unit")],
               "the unit leaves the code")
    decisions = page.saved(log, 5)
    assert [d["action"] for d in decisions] == ["accept", "rename", "merge", "split", "move_unit"]
    assert {d["coder"] for d in decisions} == {"Sara"} and all(d["at"] and d["id"] for d in decisions)

    page.open(server.url)  # a reload: the name is remembered, the state comes from the log
    page.until(lambda: page.all("[data-code]"), "the codes are listed after reload")
    assert third not in page.codes() and {f"{big}.1", f"{big}.2"} <= set(page.codes())
    page.code(f"{big}.1")
    assert unit in [e.get_attribute("data-unit") for e in page.all("li.unit")]
    page.find("#show-unassigned").click()
    page.until(lambda: "Unassigned units" in page.title(), "the unassigned units are shown")


def test_killing_the_server_mid_session_loses_nothing(browser, run, serve):
    server = serve(run)
    page, log = Page(browser, server.url), run / "decisions.jsonl"
    page.sign_in("Reza")
    code = _codes_by_size(run)[-1]["code_id"]
    page.code(code)
    page.find("#accept").click()
    page.fill("#definition", "Include: guilt about respite. Exclude: guilt about money.")
    page.find("#define").click()
    page.saved(log, 2)
    server.kill()
    with log.open("ab") as handle:  # as if killed halfway through writing a third line
        handle.write(b'{"id": "x", "coder": "Reza", "action": "acc')

    restarted = serve(run, int(server.url.rstrip("/").rsplit(":", 1)[1]))  # same address
    assert restarted.url == server.url
    page.open(restarted.url)
    page.until(lambda: page.all("[data-code]"), "the codes are listed after the restart")
    page.code(code)
    assert page.find("#status").text == "accepted"
    assert page.find("#definition").get_attribute("value").startswith("Include: guilt about respite")
    page.fill("#rename-label", "Guilt")
    page.find("#rename").click()
    decisions = page.saved(log, 3)
    assert [d["action"] for d in decisions] == ["accept", "define", "rename"]


def test_two_coders_see_where_they_differ(browser, run, serve):
    server = serve(run)
    page = Page(browser, server.url)
    code = _codes_by_size(run)[0]["code_id"]
    for coder, button in (("Sara", "#accept"), ("Reza", "#reject")):
        page.sign_in(coder)
        page.code(code)
        if button == "#reject":
            browser.execute_script("window.confirm = () => true;")
        page.find(button).click()
        page.saved(run / "decisions.jsonl", 1 if coder == "Sara" else 2)
    page.find("#show-diff").click()
    page.until(lambda: page.all("#agreement"), "the comparison is shown")
    assert "Sara" in page.find("#other-coder").text
    table = page.find("#diff").text
    assert f"{code}" in table and "accepted" in table and "absent" in table
    agreement = page.find("#agreement").text
    assert "Units coded alike" in agreement and "100.0%" not in agreement


def test_a_coder_answers_suggestions_one_by_one_then_in_bulk(browser, assisted_run, serve, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(assisted_run[0], run)
    server = serve(run)
    page, log = Page(browser, server.url), run / "decisions.jsonl"
    page.sign_in("Sara")
    page.find("#show-suggestions").click()
    page.until(lambda: page.all("li.suggestion"), "the suggestions are listed")
    browser.save_screenshot(str(tmp_path / "suggestions.png"))
    waiting = [li.get_attribute("data-unit") for li in page.all("li.suggestion")]
    assert len(waiting) >= 3 and "Review next" in page.title()
    with open(run / "segments.csv", encoding="utf-8", newline="") as handle:
        rows = {r["segment_id"]: r for r in csv.DictReader(handle)}
    for unit in waiting:  # the part of the unit suggested is marked, when it is not all of it
        r, shown = rows[unit], page.all(f'li[data-unit="{unit}"] mark.suggested-part')
        start, end = int(r["suggested_start"]) - int(r["start"]), int(r["suggested_end"]) - int(r["start"])
        whole = (start, end) == (0, len(r["text"]))
        assert [m.text for m in shown] == ([] if whole else [r["text"][start:end].strip()])
    alternatives = page.all("li.suggestion .alternative bdi")
    assert alternatives  # the code next closest, chosen already in "Code as"
    for bdi in alternatives:
        item = bdi.find_element("xpath", "ancestor::li[1]")
        chosen = item.find_element("css selector", ".move-target").get_attribute("value")
        assert bdi.text.split()[0] == chosen
    page.find(f'li[data-unit="{waiting[0]}"] .accept-suggestion').click()
    first = page.saved(log, 1)[0]
    assert (first["action"], first["unit"]) == ("move_unit", waiting[0]) and first["code"].startswith("H")
    page.until(lambda: not page.all(f'li[data-unit="{waiting[0]}"]'), "an answered suggestion leaves")
    page.find(f'li[data-unit="{waiting[1]}"] .reject-suggestion').click()
    assert page.saved(log, 2)[1]["code"] == ""
    page.fill("#min-confidence", "0")
    browser.execute_script("window.confirm = () => true;")
    page.find("#accept-above").click()
    decisions = page.saved(log, len(waiting))
    page.until(lambda: not page.all("li.suggestion"), "every suggestion is answered")
    assert [d["unit"] for d in decisions[2:]] == waiting[2:]  # in queue order: least confident first
    assert page.find("#suggestion-count").text == "(0)"
