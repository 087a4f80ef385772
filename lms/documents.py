"""Official documents as PDF: HTML laid out after Nghị định 30/2020/NĐ-CP, rendered by WeasyPrint with the
fonts of PyPI packages embedded (Noto Serif for the text, Be Vietnam Pro for small print), so Vietnamese
renders the same whatever fonts the machine has. Certificates and coverage reports are both made here."""

import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

import fontpkg_be_vietnam_pro
import fontpkg_noto_serif
from django.conf import settings


@cache
def font_configuration():
    """One WeasyPrint font configuration for the process: loading fonts is the slow part of a render."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# Noto Serif comes as a variable font; WeasyPrint would cut a static instance out of it in every render
# (hundreds of milliseconds), so the instances are made once and kept beside the system's temporary files.
SERIF_INSTANCES = {
    ("normal", 400): "NotoSerif[wdth,wght].ttf",
    ("normal", 700): "NotoSerif[wdth,wght].ttf",
    ("italic", 400): "NotoSerif-Italic[wdth,wght].ttf",
}


@cache
def serif_files():
    """The static Noto Serif instances, by (style, weight), made on first use."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    folder = Path(tempfile.gettempdir()) / f"lms-fonts-noto-serif-{metadata.version('fontpkg-noto-serif')}"
    folder.mkdir(exist_ok=True)
    files = {}
    for (style, weight), source in SERIF_INSTANCES.items():
        path = folder / f"NotoSerif-{style}-{weight}.ttf"
        if not path.exists():
            static = instancer.instantiateVariableFont(
                TTFont(fontpkg_noto_serif.ROOT / "files" / source), {"wght": weight, "wdth": 100}
            )
            partial = path.with_suffix(".part")
            static.save(partial)
            partial.replace(path)  # whole or not at all, should two processes make it at once
        files[style, weight] = path
    return files


def font_face():
    """The ``@font-face`` rules of the families “Document Serif” and “Document Sans”, for a document's CSS."""
    sans = fontpkg_be_vietnam_pro.ROOT / "files"
    faces = [("Document Serif", style, weight, path) for (style, weight), path in serif_files().items()] + [
        ("Document Sans", "normal", 400, sans / "BeVietnamPro-Regular.ttf"),
        ("Document Sans", "normal", 700, sans / "BeVietnamPro-Bold.ttf"),
    ]
    return "\n".join(
        f"@font-face {{ font-family: '{family}'; font-style: {style}; font-weight: {weight}; "
        f"src: url('{path.as_uri()}'); }}"
        for family, style, weight, path in faces
    )


def date_line(place, day):
    """“Thái Nguyên, ngày 05 tháng 03 năm 2026”: day and month below 10 with a leading 0."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def pdf_from_html(html):
    """The PDF of ``html``, its relative links read from the project's folder."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=font_configuration())
