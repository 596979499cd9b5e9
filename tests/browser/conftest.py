"""Real-browser fixtures: a filled archive, the real server, and Debian's headless Chromium.

The archive holds the seeds, the test notices and two hostile notices whose organisation,
problem title and measures carry HTML/JS payloads. The server is started exactly as a user
starts it (``python -m web``) on a free loopback port. Chromium comes from Debian
(``.ci/browser-deps``); if it cannot start, every test fails: a skipped browser suite would
hide a broken page.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"laptop": LAPTOP, "phone": PHONE}
SERVER_WAIT_S = 60.0

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '"><img src=x onerror="window.__xss=1">'
# The parser drops spaces from organisation names and takes a signature line of at most 40
# characters, so the second hostile organisation carries a variant that stays a live
# <img onerror> (an empty src fails to load) without any space.
XSS_IMG_NOSPACE = '"><img/src/onerror="window.__xss=1">'
XSS_ORG_SCRIPT = f"淮北市档案{XSS_SCRIPT}中心"
XSS_ORG_IMG = f"馆{XSS_IMG_NOSPACE}社"
# Words that occur only in the hostile notices, to find them through the search API.
XSS_WORDS = {"script": "档案数字化", "img": "文物数字化"}

# Page-level horizontal overflow; offenders are elements whose right edge passes the layout
# viewport without an ancestor that scrolls or clips them.
OVERFLOW_JS = """() => {
  const de = document.documentElement;
  const vw = de.clientWidth;
  const offenders = [];
  if (de.scrollWidth > vw + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      let p = el.parentElement, contained = false;
      while (p && p !== document.body) {
        if (getComputedStyle(p).overflowX !== 'visible') { contained = true; break; }
        p = p.parentElement;
      }
      if (contained) continue;
      const id = el.tagName.toLowerCase()
        + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim()
            .split(/\\s+/).join('.') : '');
      offenders.push(`${id} right=${Math.round(r.right)}`);
      if (offenders.length >= 10) break;
    }
  }
  return {scrollWidth: de.scrollWidth, clientWidth: vw, innerWidth: window.innerWidth,
          offenders};
}"""

# Visible text whose effective font size is below a minimum. SVG text is scaled by its
# viewBox, so its size is the computed font-size times the screen transform's scale.
SMALL_TEXT_JS = """(minimum) => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.data.trim() || !el.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGGraphicsElement && el.getScreenCTM()) {
      const m = el.getScreenCTM();
      size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (size < minimum) {
      out.push(`${size.toFixed(1)}px ${el.tagName.toLowerCase()}: ${n.data.trim().slice(0, 20)}`);
    }
  }
  return out;
}"""

# Marks up to 8 elements with Chinese text of their own, spread over the page, for CDP.
PROBE_JS = """([selector, pattern]) => {
  const root = document.querySelector(selector) || document.body;
  const re = new RegExp(pattern, 'u');
  for (const e of document.querySelectorAll('[data-glyph-probe]')) {
    e.removeAttribute('data-glyph-probe');
  }
  const found = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && re.test(n.data) && !found.includes(el) && el.getClientRects().length) found.push(el);
  }
  const step = Math.max(1, Math.floor(found.length / 8));
  const picked = found.filter((_, i) => i % step === 0).slice(0, 8);
  picked.forEach((el, i) => el.setAttribute('data-glyph-probe', String(i)));
  return picked.length;
}"""

CJK_PATTERN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"

# Tofu detection. document.fonts.check() is useless here: it answers true for any font that
# needs no download, even one that does not exist. Instead every distinct CJK character of the
# element is drawn on a canvas in the element's own font-family and compared, pixel for
# pixel, with characters that no installed font has (an unassigned code point, Tangut): when
# no font covers a character, Chromium draws the primary font's .notdef box for it, so a
# character whose bitmap equals that box (or that leaves no ink at all) is tofu.
TOFU_JS = """([selector, pattern]) => {
  const root = document.querySelector(selector) || document.body;
  const text = root.innerText || '';
  const chars = [...new Set(text.match(new RegExp(pattern, 'gu')) || [])];
  const family = getComputedStyle(root).fontFamily;
  const c = document.createElement('canvas');
  c.width = 48; c.height = 48;
  const g = c.getContext('2d', {willReadFrequently: true});
  g.font = `32px ${family}`;
  g.textBaseline = 'top';
  const draw = (ch) => {
    g.clearRect(0, 0, 48, 48);
    g.fillText(ch, 4, 4);
    const d = g.getImageData(0, 0, 48, 48).data;
    let bits = '', ink = 0;
    for (let i = 3; i < d.length; i += 4) {
      const on = d[i] > 127;
      bits += on ? '1' : '0';
      if (on) ink++;
    }
    return {bits, ink};
  };
  const refs = ['\\u0378', '\\u{17000}', '\\u{17001}'].map(draw);
  const tofu = chars.filter((ch) => {
    const r = draw(ch);
    return r.ink === 0 || refs.some((x) => x.ink > 0 && x.bits === r.bits);
  });
  return {family, checked: chars.length, tofu: tofu.slice(0, 40), refInk: refs.map((r) => r.ink)};
}"""


def _xss_notice(organisation: str, word: str, tail: str) -> str:
    """A rectification notice in the layout of seeds/000_*.txt, hostile text in three places."""
    return (
        f"根据市委统一部署,2022年3月1日至4月15日,市委第三巡察组对市{word}中心开展了巡察。"
        f"5月10日,市委巡察组向市{word}中心反馈了巡察意见。按照党务公开原则和巡察工作有关要求,"
        "现将巡察整改情况予以公布。\n"
        "一、巡察整改工作开展情况\n"
        "(一)迅速行动,加强领导。及时成立巡察整改工作领导小组,迅速传达巡察反馈意见,"
        "明确专人负责落实日常整改工作。\n"
        "二、巡察反馈问题整改情况\n"
        "(一)落实全面从严治党主体责任不到位方面\n"
        "1.执行财经纪律不规范\n"
        f"(1)针对{word}外包{XSS_SCRIPT}{XSS_IMG}监管不严问题。"
        f"一是修订《{word}外包管理办法》{XSS_SCRIPT}{XSS_IMG},明确外包服务验收标准。"
        "二是建立外包人员保密审查台账,逐人签订保密承诺书。\n"
        "(2)针对公务接待不规范问题。一是严格落实公务接待前置审批,"
        f"杜绝无接待公函接待{tail}。二是建立公务接待台账,按月公开接待费用。\n"
        "三、下一步工作打算\n"
        "中心将在巩固巡察整改阶段性成果的基础上,持续抓好后续整改,建立健全长效机制。\n"
        "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话:0561—3000000。\n"
        f"{organisation}\n"
        "2022年7月20日\n"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """The running app: where it listens and where its input files came from."""

    base_url: str
    data_dir: Path
    sources: dict[str, Path]  # source file name -> original file, for the download check

    def url(self, path: str, **params: str) -> str:
        query = urllib.parse.urlencode(params)
        return f"{self.base_url}{path}" + (f"?{query}" if query else "")

    def api(self, path: str, **params: str) -> dict[str, Any]:
        """GET a JSON twin, e.g. ``api("/api/search", q="公务接待")``."""
        with urllib.request.urlopen(self.url(path, **params), timeout=30) as resp:
            return json.loads(resp.read().decode("utf-8"))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Ingest the corpus with the real CLI, then run ``python -m web`` until the session ends."""
    root = tmp_path_factory.mktemp("browser")
    data = root / "data"
    hostile = root / "hostile"
    hostile.mkdir()
    (hostile / "xss_script_org.txt").write_text(
        _xss_notice(XSS_ORG_SCRIPT, XSS_WORDS["script"], "事项"), encoding="utf-8"
    )
    (hostile / "xss_img_org.txt").write_text(
        _xss_notice(XSS_ORG_IMG, XSS_WORDS["img"], "行为"), encoding="utf-8"
    )
    inputs = [REPO / "seeds", REPO / "tests" / "data" / "notices", hostile]
    sources = {p.name: p for d in inputs for p in sorted(d.glob("*.txt"))}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ingest = subprocess.run(
        [sys.executable, "-m", "archive", "ingest", "--data", str(data), *map(str, inputs)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ingest.returncode != 0:
        pytest.fail(
            f"archive ingest failed ({ingest.returncode}):\n{ingest.stdout}\n{ingest.stderr}",
            pytrace=False,
        )

    port = _free_port()
    log_path = root / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--host", "127.0.0.1", "--port", str(port)]
        + ["--data", str(data)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, log_path)
        yield Server(base_url=base, data_dir=data, sources=sources)
    finally:
        _stop(proc)
        log.close()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll ``/`` until it answers 200; fail with the server's output otherwise."""
    deadline = time.monotonic() + SERVER_WAIT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"the web server exited with {proc.returncode} before answering:\n"
                + log_path.read_text(encoding="utf-8", errors="replace"),
                pytrace=False,
            )
        try:
            with urllib.request.urlopen(base + "/", timeout=10) as resp:
                if resp.status == 200:
                    return
                last = f"HTTP {resp.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.3)
    _stop(proc)
    pytest.fail(
        f"the web server did not answer 200 on / within {SERVER_WAIT_S:.0f}s ({last}):\n"
        + log_path.read_text(encoding="utf-8", errors="replace"),
        pytrace=False,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; a failure to start is a test failure, never a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash .ci/browser-deps` as root "
            "(installs Debian's chromium and fonts-noto-cjk)",
            pytrace=False,
        )
    try:
        b = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, timeout=60_000
        )
    except Exception as exc:  # any launch error must surface as a failure, never a skip
        pytest.fail(f"Chromium ({CHROMIUM}) could not start: {exc}", pytrace=False)
    try:
        yield b
    finally:
        b.close()


@dataclass
class Watch:
    """A page plus, in arrival order, every problem it reported.

    Problems: console errors, uncaught page errors, failed requests and requests that would
    leave the loopback server.
    """

    page: Page
    base_url: str
    events: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    reported: int = 0  # events already judged by assert_clean
    headers: dict[str, str] = field(default_factory=dict)  # of the last document opened

    def attach(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.events.append(f"pageerror: {exc}"))
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", self._on_failed)
        self.page.on("response", self._on_response)

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            self.events.append(f"console.error: {msg.text} @ {loc.get('url', '')}")

    def _on_request(self, req: Request) -> None:
        self.requests.append(req.url)
        parts = urllib.parse.urlsplit(req.url)
        if parts.scheme not in ("data", "blob", "about") and parts.hostname != "127.0.0.1":
            self.events.append(f"off-machine request: {req.url}")

    def _on_failed(self, req: Request) -> None:
        # ERR_ABORTED is the browser cancelling a request: a download navigation, or a
        # sub-resource (the favicon) still loading when the test moves to the next page.
        # A resource the app fails to serve arrives as a response and is caught below.
        if req.failure == "net::ERR_ABORTED":
            return
        self.events.append(f"request failed: {req.url} ({req.failure})")

    def _on_response(self, resp: Response) -> None:
        if resp.status >= 400 and not resp.request.is_navigation_request():
            self.events.append(f"sub-resource {resp.status}: {resp.url}")

    def assert_clean(self, allow: Callable[[str], bool] | None = None) -> None:
        """Fail on any problem reported since the last call that ``allow`` does not accept."""
        new = self.events[self.reported :]
        self.reported = len(self.events)
        found = [e for e in new if not (allow and allow(e))]
        assert not found, "the page reported problems:\n" + "\n".join(found)

    def overflow(self) -> dict[str, Any]:
        """Horizontal overflow of the page itself, and the elements that stick out of it.

        Overflow inside an element that clips or scrolls (``overflow-x`` not ``visible``) is
        that element's business and not counted: it does not widen the page.
        """
        return self.page.evaluate(OVERFLOW_JS)

    def glyphs(self, selector: str = "body", pattern: str = CJK_PATTERN) -> dict[str, Any]:
        """Which characters of ``selector`` (those matching ``pattern``) render as tofu, and
        which platform fonts drew the element's text (as Chromium's layout reports them)."""
        result = self.page.evaluate(TOFU_JS, [selector, pattern])
        # The fonts Chromium's layout used for the text of a few elements under ``selector``
        # that hold Chinese text of their own (CDP reports fonts per text-bearing node).
        probes = self.page.evaluate(PROBE_JS, [selector, pattern])
        cdp = self.page.context.new_cdp_session(self.page)
        fonts: set[str] = set()
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            for i in range(probes):
                node = cdp.send(
                    "DOM.querySelector", {"nodeId": root, "selector": f"[data-glyph-probe='{i}']"}
                )
                used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
                fonts |= {f["familyName"] for f in used["fonts"] if f["glyphCount"] > 0}
        finally:
            cdp.detach()
        result["fonts"] = sorted(fonts)
        return result

    def small_text(self, minimum: float) -> list[str]:
        """Visible text drawn smaller than ``minimum`` CSS px (SVG text counts its scaling)."""
        return self.page.evaluate(SMALL_TEXT_JS, minimum)

    def goto(self, path: str) -> int:
        """Open a path of the app and return the HTTP status of the document."""
        resp = self.page.goto(self.base_url + path, wait_until="load")
        assert resp is not None, f"no response for {path}"
        self.headers = resp.all_headers()
        return resp.status

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_page(browser: Browser, server: Server) -> Iterator[Callable[..., Watch]]:
    """Factory: ``open_page("laptop"|"phone")`` gives a watched page in a fresh context.

    Problems that a test did not check itself fail the test at teardown.
    """
    contexts = []
    watches: list[Watch] = []

    def make(viewport: str = "laptop") -> Watch:
        phone = viewport == "phone"
        ctx = browser.new_context(
            viewport=VIEWPORTS[viewport],
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=1,
            locale="zh-CN",
            accept_downloads=True,
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        w = Watch(page=ctx.new_page(), base_url=server.base_url)
        w.attach()
        watches.append(w)
        return w

    yield make
    late = [e for w in watches for e in w.events[w.reported :]]
    for ctx in contexts:
        ctx.close()
    if late:
        pytest.fail("the page reported problems:\n" + "\n".join(late), pytrace=False)


@pytest.fixture
def page(open_page: Callable[..., Watch]) -> Watch:
    """A watched laptop-sized page (1366x900)."""
    return open_page("laptop")


@dataclass
class Ids:
    """Ids found through the JSON API, so no test hard-codes one."""

    problem: str  # a 公务接待 problem with at least two similar problems
    similar: list[str]
    notice: str
    notices: list[str]  # two different notices for the compare matrix
    xss_notices: dict[str, str]  # "script"/"img" -> notice id
    xss_problems: dict[str, str]  # "script"/"img" -> id of the hostile problem


@pytest.fixture(scope="session")
def ids(server: Server) -> Ids:
    hits = server.api("/api/search", q="公务接待")["hits"]
    assert hits, "/api/search?q=公务接待 found nothing"
    problem, similar = "", []
    for hit in hits:
        sim = server.api(f"/api/problems/{hit['id']}")["similar"]
        if len(sim) >= 2:
            problem, similar = hit["id"], [s["id"] for s in sim[:2]]
            break
    assert problem, "no 公务接待 problem has two similar problems"
    notices = list(dict.fromkeys(h["notice_id"] for h in hits))
    assert len(notices) >= 2, "公务接待 occurs in fewer than two notices"
    xss_notices, xss_problems = {}, {}
    for key, word in XSS_WORDS.items():
        found = server.api("/api/search", q=word)["hits"]
        assert found, f"the hostile notice ({word}) was not found by the search API"
        xss_notices[key] = found[0]["notice_id"]
        xss_problems[key] = next(h["id"] for h in found if "外包" in h["title"])
    return Ids(
        problem=problem,
        similar=similar,
        notice=hits[0]["notice_id"],
        notices=notices[:2],
        xss_notices=xss_notices,
        xss_problems=xss_problems,
    )


@dataclass(frozen=True)
class Payloads:
    """The hostile strings planted in the archive, for the XSS tests."""

    script: str = XSS_SCRIPT
    img: str = XSS_IMG
    img_nospace: str = XSS_IMG_NOSPACE
    org_script: str = XSS_ORG_SCRIPT
    org_img: str = XSS_ORG_IMG
    words: tuple[tuple[str, str], ...] = tuple(XSS_WORDS.items())


@pytest.fixture(scope="session")
def payloads() -> Payloads:
    return Payloads()
