"""IIIF Image API 3.0: request parsing (unit) and the served endpoint over a real scan made with Pillow."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from readingroom.standards import iiif_image
from readingroom.standards.iiif_image import IIIFError, parse_region, parse_request, parse_size
from tests.builders import render_scan


@pytest.mark.parametrize(("region", "expected"), [
    ("full", (0, 0, 1700, 2200)),
    ("square", (0, 250, 1700, 1700)),
    ("100,200,300,400", (100, 200, 300, 400)),
    ("1600,2100,500,500", (1600, 2100, 100, 100)),  # overhanging regions are cropped to the image
    ("pct:10,10,50,25", (170, 220, 850, 550)),
])
def test_regions(region, expected):
    assert parse_region(region, 1700, 2200) == expected


@pytest.mark.parametrize("region", ["0,0,0,10", "1700,0,10,10", "a,b,c,d", "1,2,3", "pct:1,2,3", "pct:-1,0,5,5"])
def test_bad_regions_are_400(region):
    with pytest.raises(IIIFError) as info:
        parse_region(region, 1700, 2200)
    assert info.value.status == 400


@pytest.mark.parametrize(("size", "expected"), [
    ("max", (1700, 2200)), ("850,", (850, 1100)), (",1100", (850, 1100)), ("400,300", (400, 300)),
    ("!500,500", (386, 500)), ("pct:50", (850, 1100)),
])
def test_sizes(size, expected):
    assert parse_size(size, 1700, 2200) == expected


def test_max_is_capped_and_huge_or_upscaled_sizes_are_refused():
    assert parse_size("max", 12000, 3000) == (4000, 1000)
    assert parse_size("max", 12000, 12000) == (3162, 3162)  # within maxArea (10 MP) too
    for size in ("^max", "1800,", "20000,20000", "pct:150", ",", "!500,", "0,"):
        with pytest.raises(IIIFError):
            parse_size(size, 1700, 2200)


def test_rotation_quality_and_format():
    request = parse_request("full", "max", "90", "gray.png", 100, 50)
    assert (request.rotation, request.quality, request.format, request.media_type) == (90, "gray", "png", "image/png")
    for rotation in ("45", "!0", "-90"):
        with pytest.raises(IIIFError):
            parse_request("full", "max", rotation, "default.jpg", 100, 50)
    with pytest.raises(IIIFError) as info:
        parse_request("full", "max", "0", "default.tif", 100, 50)
    assert info.value.status == 415
    assert parse_request("full", "max", "0", "bitonal.jpg", 100, 50).quality == "bitonal"


def test_info_advertises_tiles_and_limits():
    info = iiif_image.info("http://x/iiif/image/1", 1700, 2200)
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["type"] == "ImageService3" and info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] in {"level1", "level2"}
    assert info["tiles"] == [{"width": 512, "height": 512, "scaleFactors": [1, 2, 4, 8]}]
    assert info["sizes"][0] == {"width": 212, "height": 275} and info["sizes"][-1] == {"width": 1700, "height": 2200}
    assert info["maxWidth"] == iiif_image.MAX_WIDTH


def _image(response) -> Image.Image:
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_served_info_json(client, archive):
    response = client.get(f"/iiif/image/{archive.page.pk}/info.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["id"] == f"http://testserver/iiif/image/{archive.page.pk}"
    assert (data["width"], data["height"]) == (1700, 2200)
    base = client.get(f"/iiif/image/{archive.page.pk}")
    assert base.status_code == 302 and base["Location"].endswith("/info.json")


def test_served_regions_sizes_qualities(client, archive, settings):
    pk = archive.page.pk
    full = _image(client.get(f"/iiif/image/{pk}/full/max/0/default.jpg"))
    assert (full.format, full.size) == ("JPEG", (1700, 2200))
    tile = _image(client.get(f"/iiif/image/{pk}/512,512,512,512/256,/0/default.jpg"))
    assert tile.size == (256, 256)
    edge = _image(client.get(f"/iiif/image/{pk}/1536,2048,512,512/max/0/default.png"))
    assert (edge.format, edge.size) == ("PNG", (164, 152))
    gray = _image(client.get(f"/iiif/image/{pk}/square/!200,200/90/gray.png"))
    assert gray.mode == "L" and gray.size == (200, 200)
    turned = _image(client.get(f"/iiif/image/{pk}/full/170,/90/color.jpg"))
    assert turned.size == (220, 170)
    # The region really is that part of the page: the drawn word "TELEGRAM" is dark ink on light paper.
    word = archive.page.words[0]
    assert word[5] == "TELEGRAM"
    crop = _image(client.get(f"/iiif/image/{pk}/{word[0]},{word[1]},{word[2]},{word[3]}/max/0/gray.png"))
    blank = _image(client.get(f"/iiif/image/{pk}/10,10,{word[2]},{word[3]}/max/0/gray.png"))
    assert min(crop.getdata()) < 80 and min(blank.getdata()) > 200
    cached = list((Path(settings.DATA_DIR) / "cache" / "iiif").rglob("*.jpg"))
    assert cached, "derivatives are cached on disk"


def test_bad_requests_and_limits(client, archive):
    pk = archive.page.pk
    assert client.get(f"/iiif/image/{pk}/full/5000,/0/default.jpg").status_code == 400  # upscaling
    assert client.get(f"/iiif/image/{pk}/full/max/45/default.jpg").status_code == 400
    assert client.get(f"/iiif/image/{pk}/full/max/0/default.webp").status_code == 415
    assert client.get(f"/iiif/image/{pk}/9999,0,10,10/max/0/default.jpg").status_code == 400
    assert client.get("/iiif/image/999999/info.json").status_code == 404


def test_restricted_page_images_are_404(client, archive):
    pk = archive.restricted_page.pk
    for url in (f"/iiif/image/{pk}/info.json", f"/iiif/image/{pk}/full/max/0/default.jpg", f"/iiif/image/{pk}",
                f"/scan/{pk}/original"):
        assert client.get(url).status_code == 404, url


def test_staff_see_restricted_images(client, archive, django_user_model):
    staff = django_user_model.objects.create_user("archivist", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(f"/iiif/image/{archive.restricted_page.pk}/info.json").status_code == 200


def test_jpeg_scans_use_reduced_decoding_without_shifting_the_region(client, archive):
    from django.core.files.base import ContentFile

    from readingroom.catalog.models import Page

    png, words = render_scan()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(buffer, "JPEG", quality=90)
    page = Page(content=archive.page.content, position=1, width=1700, height=2200, words=words)
    page.image.save("p.jpg", ContentFile(buffer.getvalue()), save=False)
    page.save()
    x, y, w, h = words[0][:4]
    # A small rendering of the word's region: JPEG draft mode decodes at 1/4 or 1/8 scale first.
    word = _image(client.get(f"/iiif/image/{page.pk}/{x},{y},{w},{h}/{max(1, w // 6)},/0/gray.png"))
    paper = _image(client.get(f"/iiif/image/{page.pk}/10,10,{w},{h}/{max(1, w // 6)},/0/gray.png"))
    assert word.size[0] == max(1, w // 6)
    assert min(word.getdata()) < 120 and min(paper.getdata()) > 200
    whole = _image(client.get(f"/iiif/image/{page.pk}/full/!200,200/0/default.jpg"))
    assert whole.size == (155, 200)


def test_head_requests_answer_like_get(client, archive):
    pk = archive.page.pk
    assert client.head(f"/iiif/image/{pk}/info.json").status_code == 200
    assert client.head(f"/iiif/image/{pk}/full/100,/0/default.jpg").status_code == 200
    assert client.post(f"/iiif/image/{pk}/info.json").status_code == 405


def test_derivative_cache_keeps_recently_used_and_stays_under_its_limit(client, archive, settings):
    from readingroom.standards import iiif_cache

    pk = archive.page.pk
    cache_dir = Path(settings.READINGROOM_IIIF_CACHE_DIR)
    first = client.get(f"/iiif/image/{pk}/full/400,/0/default.png")
    assert first.status_code == 200
    one = sum(f.stat().st_size for f in cache_dir.rglob("*.png"))
    # Room for about three such derivatives: asking for many more keeps the cache under the limit.
    settings.READINGROOM_IIIF_CACHE_MB = 1
    cache = iiif_cache.for_settings()
    cache.limit = one * 3
    for width in range(300, 420, 10):
        response = client.get(f"/iiif/image/{pk}/full/{width},/0/default.png")
        assert response.status_code == 200 and _image(response).size[0] == width  # served whole, even if pruned
        client.get(f"/iiif/image/{pk}/full/400,/0/default.png")  # a page in use: kept
    left = cache.measure()
    assert left.bytes <= cache.limit + one * 2  # at most one check interval above the limit
    names = {f.name for f in cache_dir.rglob("*.png")}
    assert any("_400," in n for n in names), names  # the derivative read all along stayed
    report = cache.prune(limit_bytes=0)
    assert report.files == 0 and report.removed_files > 0 and not list(cache_dir.rglob("*.png"))
    # Emptied, it refills on the next request.
    assert client.get(f"/iiif/image/{pk}/full/400,/0/default.png").status_code == 200
    assert cache.measure().files == 1


def test_cli_reports_prunes_and_clears_the_cache(client, archive, settings):
    from typer.testing import CliRunner

    from readingroom.cli import app

    assert client.get(f"/iiif/image/{archive.page.pk}/full/200,/0/default.jpg").status_code == 200
    runner = CliRunner()
    result = runner.invoke(app, ["iiif-cache"])
    assert result.exit_code == 0 and "IIIF cache: 1 files" in result.output, result.output
    result = runner.invoke(app, ["iiif-cache", "--prune"])
    assert result.exit_code == 0 and "removed 0 files" in result.output  # far under the limit
    result = runner.invoke(app, ["iiif-cache", "--clear"])
    assert result.exit_code == 0 and "removed 1 files" in result.output and "0 files, 0.0 MB" in result.output
    assert archive.page.image.storage.exists(archive.page.image.name)  # the original stays
