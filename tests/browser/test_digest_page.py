"""`reports-tui digest --format html` in a real browser (Debian's headless Chromium, driven by
Playwright): every name shows, the heat-map and the KPI sparklines are drawn, nothing is requested
outside the file, a script in a report stays text, and dark browsers get a dark page. Skipped, with the
reason, when there is no Chromium (`make test` installs Debian's `chromium` package)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from serveutil import CHROMIUM
from testpaths import DATA

if not CHROMIUM.exists():
    pytest.skip(f"no browser: {CHROMIUM} is missing (Debian's `chromium` package, which `make test` installs "
                f"when it can; REPORTS_TUI_CHROMIUM names another Chromium)",
                allow_module_level=True)

from playwright import sync_api  # noqa: E402,F401  (the [test] extra installs it: missing is an error, not a skip)

TEAM = DATA / "team" / "monday"
PEOPLE = ["张三", "李四", "王五", "赵六"]


def write_digest(tmp_path, *paths, name: str = "digest.html") -> str:
    """Write a digest as a user does (`reports-tui digest --format html --output FILE`): its file URL."""
    out = tmp_path / name
    subprocess.run([sys.executable, "-m", "tui", "digest", "--format", "html", "--no-cache", "--output", str(out),
                    *map(str, paths)], check=True, timeout=120, capture_output=True)
    return out.as_uri()


def open_page(browser, url: str, scheme: str = "light"):
    """A page on the file in a fresh context, with every request it made and every error it logged."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page, requests, errors


def test_the_digest_page_shows_everyone_and_its_charts(browser, tmp_path):
    url = write_digest(tmp_path, TEAM)
    context, page, requests, errors = open_page(browser, url)
    try:
        assert page.title() == "Team week 2024-W23"
        roster = page.locator("#roster li").all_inner_texts()
        assert roster == ["张三 · filed", "李四 · filed", "王五 · missing", "赵六 · late"]
        body = page.inner_text("body")
        assert all(name in body for name in PEOPLE)
        # The heat-map: a row per person, 8 weeks, W23 missing for 王五 and late for 赵六.
        heat = page.locator(".heat tbody tr")
        assert heat.count() == 4
        assert page.locator(".heat thead th").all_inner_texts()[1:] == [f"W{n}" for n in range(16, 24)]
        row = {r.locator("th").inner_text(): r.locator("td").evaluate_all("tds => tds.map(t => t.className)")
               for r in heat.all()}
        assert row["王五"][-3:] == ["missing", "filed", "missing now"]
        assert row["赵六"][-1] == "late now"
        # A sparkline per person and KPI, drawn with a visible size; the bad moves first.
        kpi_rows = page.locator(".kpis tbody tr")
        assert kpi_rows.count() == 8
        assert page.locator(".kpis svg.spark polyline").count() == 8
        box = page.locator(".kpis svg.spark").first.bounding_box()
        assert box["width"] >= 100 and box["height"] >= 20
        assert kpi_rows.first.get_attribute("class") == "bad"
        assert "入金有效成功率" in kpi_rows.first.inner_text()
        # Each project's entries carry their change, and link to their report.
        badges = page.locator("#projects .badge").all_inner_texts()
        assert badges == ["done", "same", "done", "same", "stalled", "progress", "new"]
        assert page.locator("#dropped").inner_text().count("风控规则") == 1
        links = page.locator("#reports a").evaluate_all("as => as.map(a => a.href)")
        assert links == [(TEAM / f"{who}-2024-06-03.md").resolve().as_uri() for who in ("zhangsan", "lisi", "zhaoliu")]
        assert requests == [url] and errors == []  # nothing fetched but the file itself
    finally:
        context.close()


def test_dark_browsers_get_a_dark_page(browser, tmp_path):
    url = write_digest(tmp_path, TEAM)
    colours = {}
    for scheme in ("light", "dark"):
        context, page, _, _ = open_page(browser, url, scheme)
        try:
            colours[scheme] = page.evaluate("() => { const s = getComputedStyle(document.body);"
                                            " return [s.backgroundColor, s.color]; }")
        finally:
            context.close()

    def brightness(css: str) -> float:
        r, g, b = (float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])
        return (r + g + b) / 3

    (light_bg, light_fg), (dark_bg, dark_fg) = colours["light"], colours["dark"]
    assert brightness(light_bg) > 200 and brightness(light_fg) < 80
    assert brightness(dark_bg) < 50 and brightness(dark_fg) > 180


def test_a_script_in_a_report_stays_text(browser, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "a.md").write_text(
        "# Weekly 2024.06.03-2024.06.09\n\nAuthor: Mallory<script>window.pwned=1</script>\n\n## Work\n\n"
        "- 【<img src=x onerror=\"window.pwned=2\">】进度10%\n- <b>bold?</b> [link](javascript:alert(1))\n",
        encoding="utf-8")
    url = write_digest(tmp_path, reports)
    context, page, requests, errors = open_page(browser, url)
    try:
        assert page.evaluate("() => window.pwned") is None
        assert page.locator("img").count() == 0 and page.locator("script").count() == 0
        assert "Mallory<script>window.pwned=1" in page.inner_text("#roster")  # shown as written
        assert requests == [url]
    finally:
        context.close()
