"""The dashboard's sales chart and the lead pipeline in a real browser (headless Chromium)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web import test_browser as web

pytestmark = pytest.mark.browser
demo, base_url, browser, browser_page = web.demo, web.base_url, web.browser, web.browser_page

BAR_COLOUR = """() => {
  const chart = window.Chart.getChart(document.querySelector("canvas[data-sales-chart]"));
  return chart ? chart.data.datasets[0].backgroundColor : null;
}"""


def test_the_sales_chart_is_drawn_and_follows_the_dark_theme(
        browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.goto("/books/demo")
    expect(page.get_by_role("heading", name="Sales per month")).to_be_visible()
    page.wait_for_function("() => window.Chart && window.Chart.getChart("
                           "document.querySelector('canvas[data-sales-chart]'))")
    light = page.evaluate(BAR_COLOUR)
    page.get_by_role("button", name="Light or dark theme").click()
    page.wait_for_function(f"() => ({BAR_COLOUR})() !== {light!r}")
    assert page.evaluate(BAR_COLOUR) == "#7fa3d9"  # --chart-sales in the dark theme
    assert errors == []


def test_a_lead_is_added_and_moved_on_a_phone(browser_page: tuple[Any, list[str]]) -> None:
    page, errors = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/books/demo/leads/new")
    page.get_by_label("Company or person").fill("PT Browser Prospek")
    page.get_by_label("Estimated value").fill("12.500.000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The lead is added to the pipeline.")).to_be_visible()
    page.get_by_label("Move to").select_option("qualified")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_text("The lead moved to its new stage.")).to_be_visible()
    page.goto("/books/demo/leads")
    expect(page.get_by_role("link", name="PT Browser Prospek")).to_be_visible()
    assert errors == []
