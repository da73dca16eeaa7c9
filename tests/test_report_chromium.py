"""The bench HTML report renders in a real browser: headless Chromium runs its script and draws every chart."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from declutter.cli import main

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")


def render(path: Path) -> str:
    """The DOM after scripts ran, from headless Chromium with no network, GPU, sync or first-run work."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--dump-dom", path.resolve().as_uri()],
            capture_output=True, text=True, timeout=180,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_report_draws_bars_scatter_and_worst_pages(fixtures, tmp_path):
    report = tmp_path / "report.html"
    data = [str(fixtures / "bench" / "seeds"), str(fixtures / "bench" / "readability-mini.jsonl")]
    assert main(["bench", *data, "--peers", "trafilatura", "--quiet", "--html", str(report)]) == 0
    dom = render(report)
    assert re.search(r"<html[^>]* data-rendered=\"ok\"", dom) and not re.search(r"<html[^>]* data-render-error=", dom)
    charts = re.findall(r'<svg[^>]*class="chart bar-chart"[^>]*id="(bar-[^"]+)"', dom)
    assert sorted(charts) == ["bar-readability-mini-text", "bar-seeds-text"]
    assert len(re.findall(r'<rect class="bar"', dom)) == 8       # 2 datasets x (declutter, keepall, c4, trafilatura)
    scatter = dom.split('id="scatter"', 1)[1].split("</svg>", 1)[0]
    assert len(re.findall(r'<circle class="point"', scatter)) == 8
    assert len(re.findall(r'class="worst worst-page"', dom)) == 4   # the 4 pages, all among declutter's 20 worst
    assert re.search(r'<li class="(keep|drop)-(gold|boiler)">', dom)
