"""Pictures for the demo's 图片新闻: drawn landscapes (sky, hills, a city's skyline, water), the same for the same
number on every run, so the home pages show covers without shipping photographs."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw

SIZE = (1200, 675)
SKIES = [  # (top, horizon) colours: morning, noon, dusk, overcast
    ((94, 152, 214), (214, 232, 244)),
    ((48, 112, 196), (170, 206, 236)),
    ((86, 74, 140), (246, 178, 120)),
    ((120, 136, 152), (214, 220, 226)),
]
HILLS = [(58, 110, 72), (74, 132, 84), (96, 150, 96), (118, 140, 110)]


def landscape(number: int) -> bytes:
    """A JPEG picture for demo cover `number`."""
    rng = random.Random(number)
    top, horizon = SKIES[number % len(SKIES)]
    image = _sky(top, horizon)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    sun_x, sun_y = rng.randint(150, width - 150), rng.randint(80, 220)
    draw.ellipse((sun_x - 46, sun_y - 46, sun_x + 46, sun_y + 46), fill=(255, 236, 190))
    for layer, colour in enumerate(HILLS[: 2 + number % 3]):
        _hills(draw, rng, base=int(height * (0.55 + 0.08 * layer)), colour=colour)
    _skyline(draw, rng, base=int(height * 0.78))
    draw.rectangle((0, int(height * 0.82), width, height), fill=(72, 118, 160))
    for _ in range(14):  # light on the water
        x, y = rng.randint(0, width), rng.randint(int(height * 0.84), height - 10)
        draw.line((x, y, x + rng.randint(30, 90), y), fill=(168, 200, 224), width=3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _sky(top: tuple[int, int, int], horizon: tuple[int, int, int]) -> Image.Image:
    width, height = SIZE
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        share = min(1.0, y / (height * 0.7))
        draw.line((0, y, width, y), fill=tuple(round(a + (b - a) * share) for a, b in zip(top, horizon, strict=True)))
    return image


def _hills(draw: ImageDraw.ImageDraw, rng: random.Random, *, base: int, colour: tuple[int, int, int]) -> None:
    width, height = SIZE
    waves = [(rng.uniform(0.002, 0.009), rng.uniform(0, math.tau), rng.randint(18, 60)) for _ in range(3)]
    ridge = [(x, base - sum(a * math.sin(f * x + p) for f, p, a in waves)) for x in range(0, width + 20, 20)]
    draw.polygon([(0, height), *ridge, (width, height)], fill=colour)


def _skyline(draw: ImageDraw.ImageDraw, rng: random.Random, *, base: int) -> None:
    x = rng.randint(0, 120)
    while x < SIZE[0]:
        w, h = rng.randint(36, 90), rng.randint(50, 210)
        shade = rng.randint(150, 200)
        draw.rectangle((x, base - h, x + w, base + 20), fill=(shade, shade + 6, shade + 14))
        for wy in range(base - h + 12, base, 22):  # windows
            for wx in range(x + 8, x + w - 8, 16):
                draw.rectangle((wx, wy, wx + 6, wy + 10), fill=(236, 240, 246))
        x += w + rng.randint(4, 40)
