"""Screenshots of the demo book for the README: ``python scripts/screenshots.py``.

Runs the real app on a temporary database with the demo book, opens Debian's
``/usr/bin/chromium`` through Playwright (never a downloaded browser) and writes
``docs/screenshots/*.png`` at 1280x800 in the light theme.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.web.live_server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    demo_engine,
    live_server,
    session_cookie,
)

PAGES = {"dashboard": "/books/demo", "balance-sheet": "/books/demo/reports/balance-sheet"}


def main() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = demo_engine(Path(tmp) / "folio.db")
        with live_server(engine) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 800},
                                          color_scheme="light", locale="en-US")
            context.add_cookies([session_cookie(engine, base)])
            page = context.new_page()
            for name, path in PAGES.items():
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / f"{name}.png"))
                print(f"wrote {out / f'{name}.png'}")
            browser.close()
        engine.dispose()


if __name__ == "__main__":
    main()
