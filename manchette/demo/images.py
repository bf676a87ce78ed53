"""Abstract illustrations drawn with Pillow: gradients, suns, skylines, hills, water and shapes.

Each drawing returns the box that catches the eye, which becomes the image's focal point so that the
site's cropped renditions keep it in frame.
"""

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageOps

SIZE = (1600, 900)
CREDIT = "Illustration Manchette"


@dataclass(frozen=True)
class ImageSpec:
    key: str
    title: str
    caption: str
    motif: str
    sky: tuple  # top and bottom colours of the background gradient
    ink: tuple  # colour of the foreground shapes
    sections: tuple  # top-level section slugs it can illustrate


IMAGES = (
    ImageSpec("toits-bruxelles", "Les toits de Bruxelles au crépuscule", "Les toits de la capitale, à l’heure où la ville s’allume.",
              "skyline", ((38, 52, 94), (235, 140, 90)), (24, 28, 48), ("belgique", "societe", "opinions")),
    ImageSpec("ville-matin", "Une ville au petit matin", "Le centre-ville s’éveille, avant l’arrivée des navetteurs.",
              "skyline", ((150, 190, 225), (250, 220, 180)), (60, 72, 96), ("belgique", "economie", "societe")),
    ImageSpec("collines-condroz", "Collines du Condroz", "Les collines du Condroz, entre champs et bosquets.",
              "hills", ((170, 205, 235), (245, 235, 200)), (70, 110, 70), ("belgique", "sciences", "sports")),
    ImageSpec("vallee-ardennaise", "Une vallée ardennaise", "Une vallée ardennaise sous un ciel changeant.",
              "hills", ((90, 120, 160), (220, 200, 170)), (40, 70, 60), ("sciences", "sports", "culture")),
    ImageSpec("mer-du-nord", "La mer du Nord", "La mer du Nord, à marée basse, un soir d’automne.",
              "sea", ((120, 150, 190), (240, 200, 160)), (40, 70, 110), ("monde", "belgique", "sciences")),
    ImageSpec("fleuve-soir", "Le fleuve au soir", "Reflets du soleil couchant sur le fleuve.",
              "sea", ((60, 40, 90), (250, 160, 100)), (30, 30, 70), ("monde", "culture", "opinions")),
    ImageSpec("champs-lignes", "Champs en lignes", "Les lignes des champs, vues d’en haut.",
              "fields", ((230, 215, 160), (200, 170, 90)), (150, 120, 50), ("economie", "sciences", "monde")),
    ImageSpec("bulles-couleurs", "Cercles de couleurs", "Une composition de cercles, comme des voix qui se croisent.",
              "circles", ((245, 240, 230), (230, 220, 205)), (200, 70, 60), ("culture", "opinions", "societe")),
    ImageSpec("projecteurs", "Sous les projecteurs", "Les projecteurs d’un soir de match.",
              "lights", ((15, 25, 50), (40, 60, 90)), (250, 240, 200), ("sports", "culture")),
    ImageSpec("piste-course", "La piste", "Les courbes d’une piste, au rythme de l’effort.",
              "waves", ((200, 80, 60), (240, 160, 90)), (250, 240, 230), ("sports",)),
    ImageSpec("courbes-bourse", "Courbes et tendances", "Des courbes qui montent et qui descendent, comme les marchés.",
              "bars", ((235, 240, 245), (205, 215, 230)), (30, 90, 150), ("economie", "monde", "sciences")),
    ImageSpec("montagnes-lointaines", "Montagnes lointaines", "Des reliefs lointains, dans la brume du matin.",
              "hills", ((200, 210, 230), (250, 245, 235)), (110, 120, 150), ("monde", "opinions")),
    ImageSpec("ondes-bleues", "Ondes", "Des ondes qui se propagent, comme une information qui circule.",
              "waves", ((20, 60, 110), (60, 140, 180)), (200, 230, 250), ("sciences", "economie", "societe")),
    ImageSpec("place-nuit", "Une place la nuit", "Une place de quartier, la nuit, quand les fenêtres s’éclairent.",
              "skyline", ((10, 15, 40), (50, 50, 100)), (15, 15, 30), ("belgique", "culture", "societe")),
    ImageSpec("gare-aube", "Une gare à l’aube", "Les quais d’une gare, avant le premier train.",
              "skyline", ((70, 90, 130), (240, 190, 150)), (35, 40, 60), ("belgique", "societe", "economie")),
    ImageSpec("plaine-flandre", "La plaine flamande", "Des champs à perte de vue, sous un ciel bas.",
              "fields", ((200, 215, 200), (150, 175, 120)), (90, 120, 60), ("belgique", "economie", "sciences")),
    ImageSpec("lac-matin", "Un lac au matin", "La brume se lève sur un lac des Fagnes.",
              "sea", ((190, 205, 220), (245, 225, 200)), (70, 100, 120), ("sciences", "sports", "opinions")),
    ImageSpec("encres", "Encres", "Des taches d’encre, comme autant d’avis qui se répondent.",
              "circles", ((250, 248, 240), (235, 230, 220)), (30, 50, 90), ("opinions", "culture", "monde")),
    ImageSpec("couloirs", "Les couloirs", "Les couloirs d’une piste, vus des tribunes.",
              "waves", ((40, 110, 80), (90, 160, 110)), (245, 245, 235), ("sports", "societe")),
    ImageSpec("marches-monde", "Marchés du monde", "Des barres et des courbes, d’une place boursière à l’autre.",
              "bars", ((30, 35, 55), (60, 70, 100)), (240, 190, 80), ("economie", "monde")),
)
# Each top-level section's share image (Section.share_image): what its articles without an image show when shared.
SECTION_IMAGES = {
    "belgique": "toits-bruxelles", "monde": "montagnes-lointaines", "economie": "courbes-bourse", "sports": "projecteurs",
    "culture": "bulles-couleurs", "sciences": "ondes-bleues", "societe": "place-nuit", "opinions": "encres",
}


def gradient(top, bottom):
    ramp = Image.linear_gradient("L").resize(SIZE)
    return ImageOps.colorize(ramp, black=top, white=bottom)


def sun(image, rng, colour=(255, 235, 190)):
    _width, _height = SIZE
    x, y, r = rng.randint(300, 1300), rng.randint(180, 380), rng.randint(70, 120)
    glow = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    ImageDraw.Draw(glow).ellipse((x - 2 * r, y - 2 * r, x + 2 * r, y + 2 * r), fill=(*colour, 90))
    image.alpha_composite(glow.filter(ImageFilter.GaussianBlur(r)))
    ImageDraw.Draw(image).ellipse((x - r, y - r, x + r, y + r), fill=(*colour, 255))
    return (x, y, 2 * r, 2 * r)


def skyline(image, spec, rng):
    focus = sun(image, rng)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    for layer, shade in ((0, 0.55), (1, 1.0)):
        colour = tuple(int(c + (255 - c) * (1 - shade) * 0.5) for c in spec.ink)
        x = -20
        while x < width:
            w, h = rng.randint(60, 160), rng.randint(160, 420) - layer * 60
            draw.rectangle((x, height - h, x + w, height), fill=colour)
            if rng.random() < 0.25:
                draw.polygon(((x, height - h), (x + w // 2, height - h - rng.randint(30, 90)), (x + w, height - h)), fill=colour)
            if layer:
                for wy in range(height - h + 20, height - 30, 36):
                    for wx in range(x + 12, x + w - 16, 28):
                        if rng.random() < 0.35:
                            draw.rectangle((wx, wy, wx + 10, wy + 16), fill=(255, 214, 140))
            x += w + rng.randint(-10, 20)
    return focus


def ridge(rng, base, amplitude):
    phases = [rng.uniform(0, math.tau) for _ in range(3)]
    width, height = SIZE
    points = [
        (x, base + amplitude * sum(math.sin(x / (180 * (i + 1)) + p) / (i + 1) for i, p in enumerate(phases)))
        for x in range(0, width + 40, 40)
    ]
    return [*points, (width, height), (0, height)]


def hills(image, spec, rng):
    focus = sun(image, rng)
    draw = ImageDraw.Draw(image)
    for step, base in enumerate((520, 620, 730)):
        mix = 0.6 - step * 0.3
        colour = tuple(int(c + (240 - c) * max(mix, 0)) for c in spec.ink)
        draw.polygon(ridge(rng, base, 70 - step * 15), fill=colour)
    return focus


def sea(image, spec, rng):
    focus = sun(image, rng)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    horizon = 560
    draw.rectangle((0, horizon, width, height), fill=spec.ink)
    for y in range(horizon + 12, height, 18):
        for _ in range(6):
            x = rng.randint(0, width)
            length = rng.randint(40, 220) * (y - horizon) // 120 + 30
            draw.line((x, y, x + length, y), fill=(255, 220, 180), width=2)
    return (focus[0], horizon - 100, 300, 240)


def fields(image, spec, rng):
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    x = -400
    while x < width + 400:
        w = rng.randint(80, 200)
        shade = rng.uniform(0.7, 1.2)
        colour = tuple(min(255, int(c * shade)) for c in spec.ink)
        draw.polygon(((x, height), (x + w, height), (x + w + 300, 0), (x + 300, 0)), fill=colour)
        x += w + 20
    return (width // 2, height // 2, 600, 400)


def circles(image, spec, rng):
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    palette = (spec.ink, (240, 170, 60), (60, 120, 170), (90, 160, 120))
    biggest = (800, 450, 200, 200)
    for _ in range(18):
        x, y, r = rng.randint(100, 1500), rng.randint(100, 800), rng.randint(40, 220)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(*rng.choice(palette), 150))
        if 2 * r > biggest[2]:
            biggest = (x, y, 2 * r, 2 * r)
    image.alpha_composite(layer)
    return biggest


def lights(image, spec, rng):
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width, height = SIZE
    for x in (220, 620, 980, 1380):
        draw.polygon(((x - 30, 60), (x + 30, 60), (x + 380, height), (x - 380, height)), fill=(*spec.ink, 24))
        draw.ellipse((x - 40, 30, x + 40, 90), fill=(*spec.ink, 255))
    image.alpha_composite(layer.filter(ImageFilter.GaussianBlur(18)))
    ImageDraw.Draw(image).rectangle((0, 760, width, height), fill=(40, 110, 60))
    return (width // 2, 500, 700, 400)


def waves(image, spec, rng):
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    for i in range(14):
        amplitude, phase = rng.randint(20, 60), rng.uniform(0, math.tau)
        base = 120 + i * 52
        points = [(x, base + amplitude * math.sin(x / 160 + phase)) for x in range(0, width + 20, 20)]
        draw.line(points, fill=spec.ink, width=6 if i % 3 else 12)
    return (width // 2, height // 2, 800, 500)


def bars(image, spec, rng):
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    level = 450
    for x in range(120, width - 120, 90):
        level = max(150, min(780, level + rng.randint(-90, 80)))
        draw.rectangle((x, level, x + 60, height - 80), fill=spec.ink)
    points = [(x, 300 + 120 * math.sin(x / 250)) for x in range(100, width - 100, 25)]
    draw.line(points, fill=(230, 120, 60), width=10)
    return (width // 2, 420, 900, 500)


MOTIFS = {
    "skyline": skyline, "hills": hills, "sea": sea, "fields": fields,
    "circles": circles, "lights": lights, "waves": waves, "bars": bars,
}


def render(spec, seed):
    """The illustration as JPEG bytes, and its focal box (centre x, centre y, width, height)."""
    rng = random.Random(f"{seed}-{spec.key}")
    image = gradient(*spec.sky).convert("RGBA")
    focus = MOTIFS[spec.motif](image, spec, rng)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue(), clamp(focus)


def clamp(focus):
    x, y, w, h = focus
    width, height = SIZE
    w, h = min(w, width), min(h, height)
    x = min(max(x, w // 2), width - w // 2)
    y = min(max(y, h // 2), height - h // 2)
    return int(x), int(y), int(w), int(h)
