"""OCR for PDF pages without a text layer, with Debian's `tesseract` when it is installed.

Only pages that extracted no text are sent to OCR, so text PDFs never pay for it. The page's
embedded images (a scan is one image per page) are read with pypdf/Pillow and passed to the
tesseract command line; its languages are the installed ones among English and Korean.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

WANTED_LANGS = ("eng", "kor")


@lru_cache(maxsize=1)
def tesseract_languages() -> str | None:
    """'eng+kor' (what is installed of it), or None when OCR is unavailable or switched off."""
    if os.environ.get("QA_OCR", "auto").lower() in ("0", "off", "false", "no"):
        return None
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    have = [lang for lang in WANTED_LANGS if lang in out.split()]
    return "+".join(have) or None


def _tesseract(image: Path, langs: str, timeout: int) -> str:
    res = subprocess.run(["tesseract", str(image), "stdout", "-l", langs], capture_output=True, text=True,
                         timeout=timeout)
    return res.stdout.strip() if res.returncode == 0 else ""


def ocr_page(pdf_path: Path, page_no: int, page, langs: str, timeout: int = 120) -> str:
    """Text of one page (1-based `page_no`); '' when there is nothing readable.

    With poppler's pdftoppm the whole page is rendered at 200 dpi (robust: text drawn as many
    small images, vector text); without it, the page's embedded images are read one by one."""
    with tempfile.TemporaryDirectory(prefix="qa-ocr-") as tmp:
        if shutil.which("pdftoppm"):
            out = Path(tmp) / "page"
            try:
                subprocess.run(["pdftoppm", "-f", str(page_no), "-l", str(page_no), "-r", "200", "-gray", "-png",
                                str(pdf_path), str(out)], capture_output=True, timeout=timeout, check=True)
                rendered = sorted(Path(tmp).glob("page*.png"))
                if rendered:
                    return _tesseract(rendered[0], langs, timeout)
            except (OSError, subprocess.SubprocessError):
                pass  # an encrypted or odd file: fall back to the embedded images
        texts = []
        try:
            images = list(page.images)
        except Exception:  # an image codec pypdf cannot decode (e.g. JBIG2 without jbig2dec)
            return ""
        for k, img in enumerate(images):
            try:
                pil = img.image
                if pil is None or pil.width < 200 or pil.height < 200:
                    continue  # icons and rules, not scanned text
                path = Path(tmp) / f"p{k}.png"
                pil.convert("L").save(path)
                text = _tesseract(path, langs, timeout)
                if text:
                    texts.append(text)
            except Exception:
                continue
        return "\n\n".join(texts)
