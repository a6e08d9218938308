"""What does an uncached IIIF region of a 144-megapixel page cost, eight at once?

Generates a 12000x12000 colour page (libvips noise and a gradient, as a PNG and as a JPEG), stores both as
pages of one public record in a temporary data directory, serves it with `readingroom serve` (waitress)
on loopback, and sends 8 concurrent requests for 8 different regions (1024 px squares at 512 px, as a
deep-zoom viewer asks) for each format:
  cold     - the page's first requests: the tiled pyramid is made by them (once);
  uncached - 8 new regions of the same page: pyramid made, derivatives not cached;
  mixed    - 8 new requests of every zoom: full-resolution tiles, 4096 px regions, the whole page.
Prints each request's time and status and the web server process's peak RSS (VmHWM), then the floor:
a bare crop+resize of the same regions from the original in this process (pyvips, and Pillow for the
first region), one at a time.

    PYTHONPATH=src python benchmarks/iiif.py [--side 12000] [--pillow-all]
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import REPO, free_port, setup_django, wait_until_up

REGION = 1024
OUT = 512


def make_page(folder: Path, side: int) -> dict[str, Path]:
    import pyvips

    red = pyvips.Image.perlin(side, side, cell_size=256, uchar=True)
    green = pyvips.Image.perlin(side, side, cell_size=97, uchar=True, seed=3)
    blue = pyvips.Image.xyz(side, side)[0].linear(255 / side, 0).cast("uchar")
    picture = red.bandjoin([green, blue])
    paths = {"png": folder / "sheet.png", "jpg": folder / "sheet.jpg"}
    picture.pngsave(str(paths["png"]), compression=6)
    picture.jpegsave(str(paths["jpg"]), Q=90)
    return paths


def prepare(data_dir: Path, originals: dict[str, Path], side: int) -> dict[str, int]:
    setup_django(data_dir)
    from django.core.files import File

    from readingroom.catalog.models import Content, Page, Record

    record = Record.objects.create(public_id="map-sheet", title="A 144-megapixel map sheet")
    content = Content.objects.create(record=record, position=0, kind=Content.Kind.SCAN, language="en")
    pages = {}
    for position, (fmt, path) in enumerate(originals.items()):
        page = Page(content=content, position=position, width=side, height=side, checksum=f"bench-{fmt}")
        with path.open("rb") as handle:
            page.image.save(path.name, File(handle), save=False)
        page.save()
        pages[fmt] = page.pk
    return pages


def regions(side: int, count: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    return [(rng.randrange(0, side - REGION), rng.randrange(0, side - REGION)) for _ in range(count)]


def fetch(port: int, url: str, results: list, index: int) -> None:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", url)
    response = conn.getresponse()
    body = response.read()
    results[index] = (time.monotonic() - started, response.status, len(body))


def concurrent(port: int, urls: list[str]) -> list[tuple[float, int, int]]:
    results: list = [None] * len(urls)
    threads = [threading.Thread(target=fetch, args=(port, url, results, i)) for i, url in enumerate(urls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def web_child(supervisor: int) -> int:
    """The web server process: the supervisor's child that is not the index writer."""
    children = []
    for task in Path(f"/proc/{supervisor}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    for pid in children:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"server" in cmdline or b"waitress" in cmdline:
            return pid
    raise SystemExit(f"no web server among the supervisor's children {children}")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def report(fmt: str, phase: str, results: list[tuple[float, int, int]], wall: float, child: int) -> None:
    times = " ".join(f"{t:.2f}s/{status}" for t, status, _size in results)
    print(f"{fmt:3} {phase:8} 8 at once: {times}  | slowest {max(r[0] for r in results):.2f} s, "
          f"all in {wall:.2f} s, server peak RSS {peak_rss_mb(child):.0f} MB")


def floor_pyvips(path: Path, x: int, y: int) -> float:
    import pyvips

    started = time.monotonic()
    image = pyvips.Image.new_from_file(str(path), access="sequential")
    image.crop(x, y, REGION, REGION).resize(OUT / REGION).jpegsave_buffer(Q=85)
    return time.monotonic() - started


def floor_pillow(path: Path, x: int, y: int) -> float:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    started = time.monotonic()
    with Image.open(path) as image:
        side = image.width
        if image.format == "JPEG":  # the best Pillow does: decode at the output's scale (draft mode)
            image.draft("RGB", (side * OUT // REGION, side * OUT // REGION))
        scale = image.width / side
        box = tuple(round(v * scale) for v in (x, y, x + REGION, y + REGION))
        picture = image.crop(box).resize((OUT, OUT), Image.Resampling.LANCZOS)
    picture.save(io.BytesIO(), "JPEG", quality=85)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=12000, help="the page is side x side pixels")
    parser.add_argument("--pillow-all", action="store_true", help="the Pillow floor for all 8 regions, not one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rr-bench-iiif-") as tmp:
        folder = Path(tmp)
        started = time.monotonic()
        originals = make_page(folder, args.side)
        print(f"page: {args.side}x{args.side} colour; PNG {originals['png'].stat().st_size / 1e6:.0f} MB, "
              f"JPEG {originals['jpg'].stat().st_size / 1e6:.0f} MB (made in {time.monotonic() - started:.0f} s)")
        data_dir = folder / "data"
        data_dir.mkdir()
        pages = prepare(data_dir, originals, args.side)
        port = free_port()
        env = {**os.environ, "READINGROOM_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO / "src"),
               "READINGROOM_ALLOWED_HOSTS": "127.0.0.1,localhost"}
        server = subprocess.Popen([sys.executable, "-m", "readingroom.cli", "serve", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_until_up(port, "/robots.txt")
            child = web_child(server.pid)
            print(f"server: readingroom serve (waitress, pid {child}), peak RSS before: {peak_rss_mb(child):.0f} MB")
            for fmt, pk in pages.items():
                for phase, seed in (("cold", 1), ("uncached", 2)):
                    spots = regions(args.side, 8, seed)
                    urls = [f"/iiif/image/{pk}/{x},{y},{REGION},{REGION}/{OUT},/0/default.jpg" for x, y in spots]
                    began = time.monotonic()
                    results = concurrent(port, urls)
                    wall = time.monotonic() - began
                    report(fmt, phase, results, wall, child)
                x, y = regions(args.side, 1, 3)[0]
                mixed = [f"{x},{y},512,512/max/0/default.jpg", f"{x + 512},{y},512,512/512,/0/default.png",
                         f"{y},{x},4096,4096/512,/0/default.jpg", f"pct:{x / args.side * 50:.3f},10,25,25/1000,/0/gray.jpg",
                         "full/1000,/0/default.jpg", "full/!2000,2000/0/default.jpg", "square/700,/90/default.jpg",
                         f"{x},{y},3000,3000/max/0/bitonal.png"]
                began = time.monotonic()
                results = concurrent(port, [f"/iiif/image/{pk}/{path}" for path in mixed])
                report(fmt, "mixed", results, time.monotonic() - began, child)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()

        print("floor: a bare crop+resize of the same regions from the original, one at a time, in this process")
        for fmt, path in originals.items():
            spots = regions(args.side, 8, 2)
            vips = [floor_pyvips(path, x, y) for x, y in spots]
            pillow = [floor_pillow(path, x, y) for x, y in (spots if args.pillow_all else spots[:1])]
            print(f"{fmt:3} pyvips {' '.join(f'{t:.2f}' for t in vips)} s; "
                  f"Pillow {' '.join(f'{t:.2f}' for t in pillow)} s")
        print(f"floor process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; load average at the end "
          f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
