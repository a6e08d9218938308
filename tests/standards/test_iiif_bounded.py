"""IIIF with bounded cost: large pages through a tiled pyramid, caps on output and on concurrent renders,
400 for every malformed parameter, and day two (a re-imported page, a damaged derivative or pyramid).

Large pages are generated here: blocks of known colours, so any region can be checked by its colour.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from PIL import Image

from readingroom.catalog.models import Page
from readingroom.ingest.runner import run_import
from readingroom.standards import iiif_cache, iiif_image, iiif_pyramid
from readingroom.standards.iiif_limits import Busy, RenderSlots

BLOCK = 500
# Above iiif_pyramid.PYRAMID_PIXELS (16 MP), so it is served from a pyramid; small enough for CI.
LARGE = (5000, 4000)


def block_colour(col: int, row: int, seed: int = 0) -> tuple[int, int, int]:
    return ((col * 37 + seed * 101) % 200 + 30, (row * 53 + seed * 61) % 200 + 30, ((col + row) * 29 + seed * 17) % 200 + 30)


def blocks_png(size: tuple[int, int], seed: int = 0) -> bytes:
    image = Image.new("RGB", size)
    for col in range(size[0] // BLOCK):
        for row in range(size[1] // BLOCK):
            image.paste(block_colour(col, row, seed), (col * BLOCK, row * BLOCK, (col + 1) * BLOCK, (row + 1) * BLOCK))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _centre(response) -> tuple[int, int, int]:
    assert response.status_code == 200, response.content if hasattr(response, "content") else response
    image = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("RGB")
    return image.getpixel((image.width // 2, image.height // 2))


def _close(got: tuple[int, ...], want: tuple[int, ...], tolerance: int = 8) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(got, want, strict=True))


def _import(tmp_path: Path, png: bytes, access: str = "") -> Page:
    folder = tmp_path / "maps"
    folder.mkdir(exist_ok=True)
    (folder / "sheet.png").write_bytes(png)
    (folder / "sidecar.csv").write_text("id,title,date,languages,collection,container,access,files,transcript\n"
                                       f"map1,Map sheet,1944,English,,,{access},sheet.png,\n", encoding="utf-8")
    summary = run_import([str(folder)])
    assert not summary.problems, [str(p) for p in summary.problems]
    return Page.objects.get(content__record__public_id="map1")


def _pyramids(settings) -> list[Path]:
    return list(Path(settings.READINGROOM_IIIF_CACHE_DIR).rglob("pyramid.*.tif"))


# -- malformed parameters -------------------------------------------------------------------------

BAD = [
    "pct:inf,0,10,10/max/0/default.jpg", "pct:nan,0,10,10/max/0/default.jpg", "pct:1e999,0,10,10/max/0/default.jpg",
    "pct:-1,0,10,10/max/0/default.jpg", "-1,0,10,10/max/0/default.jpg", "0,0,-5,10/max/0/default.jpg",
    "99999999999999999999999,0,10,10/max/0/default.jpg", "0,0,99999999999999999999999,1/max/0/default.jpg",
    "0,0,²,10/max/0/default.jpg", "0,0,1_0,10/max/0/default.jpg", "pct:0,0,0,0/max/0/default.jpg",
    "full/pct:inf/0/default.jpg", "full/pct:nan/0/default.jpg", "full/pct:0/0/default.jpg",
    "full/99999999999999999999,/0/default.jpg", "full/,-1/0/default.jpg", "full/!1,/0/default.jpg",
    "full/max/45/default.jpg", "full/max/-90/default.jpg", "full/max/inf/default.jpg", "full/max/!0/default.jpg",
    "full/max/0/fancy.jpg", "full/max/0/default", "full/max/0/.jpg", "full/max/0/default.jpg.jpg",
    "full/max/0/default.%00", "full/%00/0/default.jpg", "%00/max/0/default.jpg",
    # a size beyond the output cap, even within the image
    "full/4001,/0/default.jpg", "full/3500,3500/0/default.jpg",
]


@pytest.mark.parametrize("path", BAD)
def test_malformed_parameters_are_400_with_a_message(client, archive, path):
    response = client.get(f"/iiif/image/{archive.page.pk}/{path}")
    assert response.status_code in (400, 415), (path, response.status_code)
    body = response.content.decode()
    assert body and "Traceback" not in body and len(body) < 300


def test_bitonal_is_black_and_white(client, archive):
    for fmt in ("png", "jpg"):
        response = client.get(f"/iiif/image/{archive.page.pk}/full/400,/0/bitonal.{fmt}")
        image = Image.open(io.BytesIO(b"".join(response.streaming_content))).convert("L")
        colours = {value for _count, value in image.getcolors()}
        assert colours <= set(range(0, 40)) | set(range(215, 256)) and len(colours) >= 2, (fmt, colours)


def test_info_json_advertises_the_caps(client, archive):
    data = client.get(f"/iiif/image/{archive.page.pk}/info.json").json()
    assert (data["maxWidth"], data["maxHeight"], data["maxArea"]) == (4000, 4000, 10_000_000)
    assert "bitonal" in data["extraQualities"]


# -- large pages through the pyramid ---------------------------------------------------------------

@pytest.mark.django_db
def test_large_page_regions_and_sizes_come_from_one_pyramid(client, tmp_path, settings):
    page = _import(tmp_path, blocks_png(LARGE))
    assert (page.width, page.height) == LARGE and iiif_pyramid.needed(*LARGE)
    for col, row, size in [(0, 0, "max"), (9, 7, "max"), (3, 2, "50,"), (6, 5, "pct:10"), (4, 3, ",17")]:
        region = f"{col * BLOCK + 100},{row * BLOCK + 100},300,300"
        got = _centre(client.get(f"/iiif/image/{page.pk}/{region}/{size}/0/default.png"))
        assert _close(got, block_colour(col, row)), (col, row, size, got)
    # Zoomed out: a whole-page thumbnail reads a small level; its block at (2, 1) keeps its colour.
    thumb = client.get(f"/iiif/image/{page.pk}/full/500,/0/default.jpg")
    image = Image.open(io.BytesIO(b"".join(thumb.streaming_content))).convert("RGB")
    assert image.size == (500, 400)
    assert _close(image.getpixel((2 * 50 + 25, 1 * 50 + 25)), block_colour(2, 1), tolerance=12)
    # Percent regions and 90-degree rotation against the pyramid's level coordinates.
    turned = client.get(f"/iiif/image/{page.pk}/pct:20,25,10,12.5/100,/90/default.png")
    image = Image.open(io.BytesIO(b"".join(turned.streaming_content))).convert("RGB")
    assert image.size == (100, 100) and _close(image.getpixel((50, 50)), block_colour(2, 2))
    assert len(_pyramids(settings)) == 1, "one pyramid, made once for the page"


@pytest.mark.django_db
def test_reimported_page_with_a_changed_image_serves_the_new_image(client, tmp_path, settings):
    page = _import(tmp_path, blocks_png(LARGE, seed=0))
    url = f"/iiif/image/{page.pk}/1100,600,300,300/150,/0/default.png"
    assert _close(_centre(client.get(url)), block_colour(2, 1, seed=0))
    first = _pyramids(settings)

    page = _import(tmp_path, blocks_png(LARGE, seed=1))  # a rescan: same record, same page, same URL
    got = _centre(client.get(url))
    assert _close(got, block_colour(2, 1, seed=1)) and not _close(got, block_colour(2, 1, seed=0))
    assert len(_pyramids(settings)) == 2 and set(first) < set(_pyramids(settings))


@pytest.mark.django_db
def test_truncated_pyramid_and_truncated_derivative_are_made_again(client, tmp_path, settings):
    page = _import(tmp_path, blocks_png(LARGE))
    url = f"/iiif/image/{page.pk}/2100,1600,300,300/150,/0/default.png"
    assert _close(_centre(client.get(url)), block_colour(4, 3))
    (pyramid,) = _pyramids(settings)
    with pyramid.open("r+b") as handle:
        handle.truncate(pyramid.stat().st_size // 2)
    (derivative,) = Path(settings.READINGROOM_IIIF_CACHE_DIR).rglob("*_150,150_0_default.png")
    with derivative.open("r+b") as handle:
        handle.truncate(derivative.stat().st_size - 20)

    assert _close(_centre(client.get(url)), block_colour(4, 3))  # the cut derivative is rendered again
    other = f"/iiif/image/{page.pk}/3100,2100,300,300/100,/0/default.png"
    assert _close(_centre(client.get(other)), block_colour(6, 4))  # from a pyramid made again
    (rebuilt,) = _pyramids(settings)
    assert rebuilt.stat().st_size == int(rebuilt.name.split(".")[1])


@pytest.mark.django_db
def test_damaged_pyramid_of_the_right_size_is_made_again(client, tmp_path, settings):
    page = _import(tmp_path, blocks_png(LARGE))
    assert client.get(f"/iiif/image/{page.pk}/0,0,300,300/100,/0/default.png").status_code == 200
    (pyramid,) = _pyramids(settings)
    size = pyramid.stat().st_size
    pyramid.write_bytes(b"\0" * size)  # same size, nothing readable
    got = _centre(client.get(f"/iiif/image/{page.pk}/3600,3100,300,300/100,/0/default.png"))
    assert _close(got, block_colour(7, 6))


@pytest.mark.django_db
def test_restricted_large_page_is_404_on_every_iiif_route(client, tmp_path, settings):
    page = _import(tmp_path, blocks_png(LARGE), access="staff")
    for path in ("info.json", "full/max/0/default.jpg", "0,0,500,500/100,/0/default.png", ""):
        url = f"/iiif/image/{page.pk}/{path}".rstrip("/")
        assert client.get(url).status_code == 404, url
    assert not _pyramids(settings), "nothing is rendered for a reader who may not see it"


@pytest.mark.slow
@pytest.mark.django_db
def test_a_144_megapixel_page(client, tmp_path, settings):
    pyvips = pytest.importorskip("pyvips")
    # Blocks drawn by libvips straight into a PNG, never a 430 MB picture in this process.
    xy = pyvips.Image.xyz(12000, 12000)
    col, row = (xy[0] / BLOCK).floor(), (xy[1] / BLOCK).floor()
    picture = ((col * 37) % 200 + 30).bandjoin([(row * 53) % 200 + 30, ((col + row) * 29) % 200 + 30]).cast("uchar")
    path = tmp_path / "sheet.png"
    picture.pngsave(str(path), compression=1)
    page = _import(tmp_path, path.read_bytes())
    assert (page.width, page.height) == (12000, 12000)
    for c, r, size in [(23, 23, "max"), (11, 17, "256,"), (0, 5, "pct:5")]:
        got = _centre(client.get(f"/iiif/image/{page.pk}/{c * BLOCK + 50},{r * BLOCK + 50},400,400/{size}/0/default.png"))
        assert _close(got, block_colour(c, r)), (c, r, got)
    # `max` of the whole page stops at the caps: 10 MP.
    whole = client.get(f"/iiif/image/{page.pk}/full/max/0/default.jpg")
    assert Image.open(io.BytesIO(b"".join(whole.streaming_content))).size == (3162, 3162)


# -- concurrent renders ---------------------------------------------------------------------------

def test_render_slots_cap_concurrency_and_answer_busy():
    slots = RenderSlots(2, wait=0.05)
    entered, release = threading.Barrier(3), threading.Event()

    def hold() -> None:
        with slots.slot():
            entered.wait()
            release.wait(10)

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for thread in holders:
        thread.start()
    entered.wait()
    with pytest.raises(Busy), slots.slot():
        pass
    release.set()
    for thread in holders:
        thread.join()
    with slots.slot():  # free again
        pass


def test_past_the_render_cap_the_server_answers_503_with_retry_after(client, archive, settings):
    cache = iiif_cache.for_settings()
    busy = RenderSlots(1, wait=0.05)
    original, cache.slots = cache.slots, busy
    try:
        with busy.slot():  # the only slot is taken: an uncached render cannot start
            response = client.get(f"/iiif/image/{archive.page.pk}/full/123,/0/default.jpg")
            assert response.status_code == 503 and response["Retry-After"].isdigit()
        assert client.get(f"/iiif/image/{archive.page.pk}/full/123,/0/default.jpg").status_code == 200
        with busy.slot():  # a cached derivative needs no slot
            assert client.get(f"/iiif/image/{archive.page.pk}/full/123,/0/default.jpg").status_code == 200
    finally:
        cache.slots = original


def test_max_size_respects_every_cap():
    for width, height in [(12000, 12000), (20000, 1000), (1000, 20000), (3999, 3999)]:
        w, h = iiif_image.parse_size("max", width, height)
        assert w <= iiif_image.MAX_WIDTH and h <= iiif_image.MAX_HEIGHT and w * h <= iiif_image.MAX_AREA


# -- pyramids made at import ----------------------------------------------------------------------

@pytest.mark.django_db
def test_import_makes_the_pyramid_so_no_reader_waits_for_it(client, tmp_path, settings):
    from typer.testing import CliRunner

    from readingroom.cli import app

    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / "sheet.png").write_bytes(blocks_png(LARGE))
    (folder / "small.png").write_bytes(blocks_png((1000, 1000), seed=2))
    (folder / "sidecar.csv").write_text("id,title,date,languages,collection,container,access,files,transcript\n"
                                       "map1,Map sheet,1944,English,,,,sheet.png;small.png,\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "made the tiled pyramids of 1 large pages" in result.output, result.output
    (pyramid,) = _pyramids(settings)  # the small page needs none
    made = pyramid.stat().st_ino
    page = Page.objects.get(content__record__public_id="map1", position=0)
    assert _close(_centre(client.get(f"/iiif/image/{page.pk}/600,600,300,300/100,/0/default.png")), block_colour(1, 1))
    assert _pyramids(settings) == [pyramid] and pyramid.stat().st_ino == made  # served from it, not made again

    # Pruned from the cache: `iiif-cache --prepare` makes it again; with nothing to do it says nothing of it.
    assert runner.invoke(app, ["iiif-cache", "--clear"]).exit_code == 0 and not _pyramids(settings)
    assert not list(Path(settings.READINGROOM_IIIF_CACHE_DIR).iterdir()), "no folders left behind"
    result = runner.invoke(app, ["iiif-cache", "--prepare"])
    assert result.exit_code == 0 and "made the tiled pyramids of 1 large pages" in result.output, result.output
    assert len(_pyramids(settings)) == 1 and Page.objects.filter(content__record__public_id="map1").count() == 2
    result = runner.invoke(app, ["iiif-cache", "--prepare"])
    assert result.exit_code == 0 and "made the tiled" not in result.output


def test_libvips_loads_no_system_libxml2(client, archive):
    # Debian's libvips pulls the system libxml2 into the process, and lxml (FRUS import) then reads
    # malformed XML differently: the libvips shipped by pyvips-binary must be the one in use.
    import pyvips

    assert client.get(f"/iiif/image/{archive.page.pk}/full/99,/0/default.png").status_code == 200
    assert pyvips.API_mode
    maps = Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""
    assert "/libxml2.so" not in maps
