"""Drive LangChain's Agent Chat UI against a running groovegraph server in headless Chromium.

The UI is not part of this repository. Build it from its public source (see the README's
"Agent Chat UI" section), start it with ``next start``, start ``groovegraph serve`` with a
key and the UI's origin allowed, then::

    uv run python scripts/agent_chat_ui_check.py --ui http://localhost:3000 \\
        --api http://127.0.0.1:8000 --key devkey --shots /tmp/acui-shots

It sends a message and waits for the streamed answer, regenerates the answer and waits for
the branch switcher to show "2 / 2", reloads with the history panel open and looks for the
thread, and prints a JSON report (exit 1 when a step fails). Screenshots go to ``--shots``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ui", default="http://localhost:3000")
    ap.add_argument("--api", default="http://127.0.0.1:8000")
    ap.add_argument("--key", default="", help="groovegraph API key typed into the UI")
    ap.add_argument("--assistant", default="groovegraph")
    ap.add_argument("--message", default="what is the history of boom bap?")
    ap.add_argument("--expect", default="boom bap", help="text the answer must contain")
    ap.add_argument("--shots", type=Path, default=Path("agent-chat-ui-shots"))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    args.shots.mkdir(parents=True, exist_ok=True)
    query = urlencode({"apiUrl": args.api, "assistantId": args.assistant})
    report: dict[str, object] = {"ok": False}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The UI keeps the key it was given in localStorage under this name.
        page.add_init_script(f"localStorage.setItem('lg:chat:apiKey', {json.dumps(args.key)})")
        try:
            page.goto(f"{args.ui}/?{query}")
            box = page.get_by_placeholder("Type your message...")
            box.wait_for(timeout=60_000)
            box.fill(args.message)
            t0 = time.monotonic()
            box.press("Enter")
            # Only an AI message has a "Refresh" (regenerate) button.
            refresh = page.get_by_role("button", name="Refresh").last
            refresh.wait_for(state="attached", timeout=60_000)
            report["answer_shown_s"] = round(time.monotonic() - t0, 2)
            page.wait_for_timeout(2_000)  # let the stream finish
            answer = page.inner_text("main") if page.locator("main").count() else ""
            answer = answer or page.inner_text("body")
            report["answer_mentions_expected"] = answer.lower().count(args.expect.lower()) >= 2
            page.screenshot(path=str(args.shots / "1-answer.png"), full_page=True)
            refresh.click(force=True)
            page.wait_for_function(
                "() => /2\\s*\\/\\s*2/.test(document.body.innerText)", timeout=60_000
            )
            report["regenerate_made_a_branch"] = True
            page.screenshot(path=str(args.shots / "2-regenerated.png"), full_page=True)
            page.goto(f"{args.ui}/?{query}&chatHistoryOpen=true")
            page.get_by_text(args.message[:20], exact=False).first.wait_for(timeout=30_000)
            report["thread_in_history_after_reload"] = True
            page.screenshot(path=str(args.shots / "3-history.png"), full_page=True)
            report["ok"] = not errors and bool(report["answer_mentions_expected"])
        except PlaywrightError as err:
            report["failed_step"] = str(err).splitlines()[0]
            page.screenshot(path=str(args.shots / "failed.png"), full_page=True)
        report["page_errors"] = errors
        browser.close()
    print(json.dumps(report, indent=1))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
