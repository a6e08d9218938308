"""Page images and broken files the tests make themselves, so OCR and scan tests run without ../shared."""

from __future__ import annotations

import random
import struct
import textwrap
import zlib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

TELEGRAM = (
    "During a conversation with the Ambassador last evening Stalin volunteered the information that Soviet "
    "intelligence reports indicate that the Japanese may be preparing to withdraw from their outer line of "
    "defense running through Indonesia. He said that they are now reported to be building a new inner "
    "defense line and to be evacuating plants and machinery to Japan and Manchuria."
)
SECOND_PAGE = (
    "The Ambassador inquired where the new line would run. Stalin replied that he was not sure of the "
    "details, but that he believed it would run roughly through Shanghai, the Shantung peninsula, Manchuria "
    "and around the Japanese islands."
)


def render_page(text: str, dpi: int = 200, ink: int = 20, paper: int = 250, angle: float = 0.0,
                noise: float = 0.0, width_in: float = 7.5, seed: int = 1) -> Image.Image:
    """Typewritten-looking text on a page: 12 pt monospace at the given resolution."""
    font = ImageFont.truetype(FONT, round(12 / 72 * dpi))
    lines = textwrap.wrap(text, 60)
    line_height = round(font.size * 1.5)
    margin = round(0.5 * dpi)
    image = Image.new("L", (round(width_in * dpi), 2 * margin + line_height * len(lines)), paper)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_height), line, fill=ink, font=font)
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        for _ in range(int(noise * image.width * image.height)):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            pixels[x, y] = rng.choice((ink, paper))
    return image


def save_page(path: Path, text: str, dpi: int = 200, stated_dpi: int | None = None, **kwargs) -> Path:
    """Save a rendered page, stating `stated_dpi` in the file (default: the true one; 0: none)."""
    image = render_page(text, dpi=dpi, **kwargs)
    stated = dpi if stated_dpi is None else stated_dpi
    image.save(path, **({"dpi": (stated, stated)} if stated else {}))
    return path


def truncated_png(path: Path, text: str = TELEGRAM) -> Path:
    save_page(path, text)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bomb_png(path: Path, side: int = 60_000) -> Path:
    """A small, valid PNG declaring side x side pixels: a decompression bomb if anyone decoded it."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit grayscale
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()  # a few rows only
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))
    return path


def text_pdf(path: Path, text: str, image: Image.Image | None = None) -> Path:
    """A one-page PDF with a real text layer (Helvetica), over an optional page image."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    if image is not None:
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, format="PDF", resolution=200)
        pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
        page = pdf.pages[0]
    else:
        pdf.add_blank_page(page_size=(612, 792))
        page = pdf.pages[0]
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    resources = page.obj.get("/Resources") or pikepdf.Dictionary()
    fonts = resources.get("/Font") or pikepdf.Dictionary()
    fonts["/FRR"] = font
    resources["/Font"] = fonts
    page.obj["/Resources"] = resources
    lines = textwrap.wrap(text, 80)
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    # Render mode 3 (invisible) when over an image, as OCR'd PDFs do; visible otherwise.
    mode = 3 if image is not None else 0
    top = float(page.mediabox[3]) - 20
    body = f"BT /FRR 8 Tf {mode} Tr 10 TL 20 {top:.0f} Td " + " ".join(f"({line}) Tj T*" for line in escaped) + " ET"
    page.contents_add(pdf.make_stream(body.encode("latin-1")), prepend=False)
    pdf.save(path)
    return path


def encrypted_pdf(path: Path, text: str = TELEGRAM) -> Path:
    import pikepdf

    plain = text_pdf(path.with_suffix(".plain.pdf"), text)
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(owner="archivist", user="secret", R=6))
    plain.unlink()
    return path


def multipage_tiff(path: Path, texts: list[str], dpi: int = 200) -> Path:
    frames = [render_page(t, dpi=dpi) for t in texts]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(dpi, dpi), compression="tiff_lzw")
    return path


def typed_page(text: str, dpi: int = 200, angle: float = 0.6, seed: int = 7) -> Image.Image:
    """A letter-size, typewritten-looking page: 12 pt monospace, slightly turned, on greyish speckled paper."""
    from PIL import ImageFilter

    font = ImageFont.truetype(FONT, round(12 / 72 * dpi))
    width, height = round(8.5 * dpi), round(11 * dpi)
    page = Image.new("L", (width, height), 236)
    draw = ImageDraw.Draw(page)
    y = dpi
    for paragraph in text.split("\n"):
        for line in textwrap.wrap(paragraph, 64) or [""]:
            draw.text((dpi, y), line, fill=45, font=font)
            y += round(font.size * 1.6)
        y += round(font.size * 0.8)
    page = page.filter(ImageFilter.GaussianBlur(0.6)).rotate(angle, resample=Image.Resampling.BICUBIC,
                                                             fillcolor=236)
    rng = random.Random(seed)
    pixels = page.load()
    for _ in range(width * height // 400):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = rng.choice((90, 200))
    return page


def photograph(path: Path, size: tuple[int, int] = (1600, 1200), dpi: int | None = 300, seed: int = 5) -> Path:
    """A photograph-like page: smooth light and shade with film grain and a few dark shapes, no letters."""
    rng = random.Random(seed)
    light = Image.linear_gradient("L").resize(size).point(lambda v: 60 + int(v * 0.7))
    grain = Image.effect_noise(size, 40).point(lambda v: v - 128)
    picture = ImageChops.add(light, grain.convert("L"), scale=1.0, offset=-40)
    draw = ImageDraw.Draw(picture)
    for _ in range(6):  # hills, trees, a figure: blurred dark shapes
        x, y = rng.randrange(size[0] - 300), rng.randrange(size[1] // 3, size[1] - 200)
        draw.ellipse([x, y, x + rng.randrange(120, 300), y + rng.randrange(80, 200)], fill=rng.randrange(10, 60))
    picture = picture.filter(ImageFilter.GaussianBlur(2))
    picture.save(path, **({"dpi": (dpi, dpi)} if dpi else {}))
    return path
