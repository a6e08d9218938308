"""WCAG 2.1 A/AA checks with axe-core (vendored, test-only) on the main pages, desktop and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = ["/", "/browse/", "/browse/collections/", "/browse/dates/?year=1944", "/browse/people/",
         "/person/person-stalin-joseph/", "/collection/frus1944v04-ch1/", "/document/209771/?q=Stalin",
         "/document/frus1944v04/d1/", "/document/frus1944v04/d1/related/mentioned_in/", "/document/no-such-record/"]

pytestmark = pytest.mark.django_db(transaction=True)


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


def axe_problems(chromium, base_url: str, urls: list[str], width: int) -> dict[str, list[str]]:
    """axe's WCAG findings on each page at a viewport width; only the pages with findings are listed."""
    # axe is the test's script, added inline: the site's CSP (tested in test_content_security_policy.py)
    # would refuse it.
    context = chromium.new_context(base_url=base_url, viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    found = {}
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        problems = _violations(page)
        if problems:
            found[url] = problems
    context.close()
    return found


@pytest.mark.parametrize("width", [1366, 375])
def test_pages_pass_axe(chromium, live_server, live_archive, width):
    assert axe_problems(chromium, live_server.url, PAGES, width) == {}


def test_the_check_catches_a_real_problem(chromium):
    # Guards against a silent axe (not loaded, wrong tags): a missing alt and low contrast must be reported.
    page = chromium.new_page()
    page.set_content('<html lang="en"><body><main><img src="data:,">'
                     '<p style="color:#aaa;background:#fff">faint</p></main></body></html>')
    problems = " ".join(_violations(page))
    page.close()
    assert "image-alt" in problems and "color-contrast" in problems
