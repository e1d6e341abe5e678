"""Opening what a report points at: images with the system viewer, web links in the browser.

An image path is resolved relative to the report's file (inside a zip export: relative to the member,
extracted to a temporary folder outside the report folder). Only image files are handed to the
system opener (`xdg-open`/`open`), so a report cannot make it run a program (`x.desktop`, `x.sh`).
Nothing is ever written into a report folder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote

from ..model.report import Report
from .mdlines import _IMAGE_EXT, safe_url

_TEMP: str | None = None  # one temporary folder per run for images taken out of zip archives


def launch(path: str) -> bool:
    """Hand a local file to the system's opener, detached; False when there is none."""
    if sys.platform == "darwin":
        cmd = ["open", path]
    elif os.name == "nt":  # pragma: no cover
        os.startfile(path)  # type: ignore[attr-defined]
        return True
    else:
        opener = shutil.which("xdg-open")
        if opener is None:
            return False
        cmd = [opener, path]
    subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    return True


def image_file(report: Report, src: str) -> tuple[str | None, str]:
    """(a local file to open, or None; what happened, for the status line) for an image `src` of a report.

    A web image gives (None, its URL) when the URL is safe to open in a browser."""
    src = src.strip()
    if src.lower().startswith(("http://", "https://")):
        url = safe_url(src)
        return (None, url) if url else (None, "")
    target = unquote(src.split("#", 1)[0].split("?", 1)[0])
    if target.lower().startswith("file://"):
        target = target[7:]
    if not _IMAGE_EXT.search(target):
        return None, f"not an image file: {target}"
    source = report.source
    if source.member:
        inner = posixpath.normpath(posixpath.join(posixpath.dirname(source.member.replace("\\", "/")), target))
        try:
            with zipfile.ZipFile(source.path) as zf:
                names = {n.replace("\\", "/"): n for n in zf.namelist()}
                name = names.get(inner) or names.get(unquote(inner))
                if name is None:
                    return None, f"{target} is not in {Path(source.path).name}"
                data = zf.read(name)
        except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
            return None, f"cannot read {target} from {Path(source.path).name}: {exc}"
        global _TEMP
        if _TEMP is None or not os.path.isdir(_TEMP):
            _TEMP = tempfile.mkdtemp(prefix="reports-tui-images-")
        out = Path(_TEMP) / posixpath.basename(inner)
        out.write_bytes(data)
        return str(out), str(out)
    base = Path(source.path).parent
    path = Path(target) if os.path.isabs(target) else base / target
    if not path.is_file():
        return None, f"image not found: {path}"
    return str(path), str(path)
