"""IPTC ninjs (News in JSON): reading agency items of versions 1.x, 2.x and 3.x, and writing ours in 3.0.

The three series name the same things differently (checked against the IPTC schemas in iptc/newsinjson,
specification/ninjs-schema_1.5.json, _2.0.json and _3.0.json):

    1.x  versioncreated firstcreated embargoed      pubstatus  byline  headline (string)  body_text, body_html…
    2.x  versioncreated firstcreated embargoed      pubstatus  by      headlines [{value}] bodies [{value, contenttype}]
    3.x  versionCreated firstCreated embargoedUntil pubStatus  by      headlines [{value}] bodies [{value, contentType}]

`uri`, `version`, `urgency`, `language`, `located` and `type` are spelt alike. An item may say which version
it follows in `standard` (`$standard` in 1.x); otherwise its property names tell.

An item is first checked as IPTC's schemas check it (the properties each series knows, their JSON types, the
values of `type`, `pubstatus` and `representationtype`, well-formed `associations`), so that every item of
IPTC's own test suite that should fail is refused. The standard itself only requires `uri`, any string (3.x
sets no format on it); a wire also needs a headline and a text, and something to order its versions by:
`version` when present, else its `versioncreated`, else its `firstcreated`.

What reaches a dispatch is plain text: any markup is turned into text by nh3, and the text is shortened to
the dispatch's limits at a sentence or a word, never refused for its length.
"""

import datetime
import html
import json
import re
from dataclasses import dataclass

import nh3

from manchette.filinfo.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH

NNBSP = "\u202f"
PUBSTATUSES = ("usable", "withheld", "canceled")
ACCEPTED_TYPES = ("text", "composite")
URI_MAX_LENGTH = 500
VERSION_MAX_LENGTH = 40
LABEL_MAX_LENGTH = 100
MARKUP_PASSES = 4
# Urgency 1 is a flash, 2 an alert: such wires also go to « La Une » of the fil info.
IMPORTANT_URGENCY = 2

NAMES = {
    1: {"version_created": "versioncreated", "first_created": "firstcreated", "embargoed": "embargoed",
        "pubstatus": "pubstatus", "byline": "byline", "content_type": "contenttype"},
    2: {"version_created": "versioncreated", "first_created": "firstcreated", "embargoed": "embargoed",
        "pubstatus": "pubstatus", "byline": "by", "content_type": "contenttype"},
    3: {"version_created": "versionCreated", "first_created": "firstCreated", "embargoed": "embargoedUntil",
        "pubstatus": "pubStatus", "byline": "by", "content_type": "contentType"},
}
# 3.x spells in camelCase what 1.x and 2.x spell in lower case; these names give the series away, and an item
# mixing both spellings is refused rather than half read.
CAMEL_CASE = {
    name.lower(): name
    for name in (
        "versionCreated", "firstCreated", "contentCreated", "pubStatus", "copyrightHolder", "copyrightNotice",
        "usageTerms", "edNote", "representationType", "altIds", "infoSources", "trustIndicators", "rightsInfo",
        "digitalSourceType",
    )
} | {"embargoed": "embargoedUntil"}
LOWER_CASE = {camel: lower for lower, camel in CAMEL_CASE.items()}
# 1.x had singular names for two of these arrays.
CAMEL_CASE |= {"infosource": "infoSources", "trustindicator": "trustIndicators"}
SERIES_1_ONLY = {
    "headline", "byline", "person", "organisation", "place", "subject", "event", "object", "genre", "mimetype",
    "infosource", "trustindicator",
}
SERIES_2_3_ONLY = {
    "headlines", "bodies", "descriptions", "people", "organisations", "places", "subjects", "genres", "events",
    "objects", "infosources", "trustindicators",
}
SERIES_1_PREFIXES = ("body_", "description_", "headline_")

# The top-level properties of each series and their JSON types: the union of IPTC's schemas 1.0 to 1.6 (with
# 1.x-dev's `advices`), 2.0 to 2.2 (with 2.x-dev's) and 3.0 to 3.1. Anything else is refused, as the schemas
# refuse it (additionalProperties / unevaluatedProperties false). `version` and `urgency` are read further on.
_S, _A, _O, _N = str, list, dict, (int, float)
PROPERTIES = {
    1: {
        "uri": _S, "type": _S, "mimetype": _S, "representationtype": _S, "profile": _S, "version": None,
        "firstcreated": _S, "versioncreated": _S, "contentcreated": _S, "embargoed": _S, "expires": _S,
        "pubstatus": _S, "urgency": None, "copyrightholder": _S, "copyrightnotice": _S, "usageterms": _S,
        "ednote": _S, "language": _S, "person": _A, "organisation": _A, "place": _A, "subject": _A, "event": _A,
        "object": _A, "infosource": _A, "title": _S, "byline": _S, "headline": _S, "slugline": _S, "located": _S,
        "charcount": _N, "wordcount": _N, "renditions": _O, "associations": _O, "altids": _O, "trustindicator": _A,
        "$standard": _O, "genre": _A, "rightsinfo": _O, "digitalsourcetype": _O, "advices": _A,
    },
    2: {
        "uri": _S, "type": _S, "representationtype": _S, "profile": _S, "version": None, "firstcreated": _S,
        "versioncreated": _S, "contentcreated": _S, "embargoed": _S, "expires": _S, "pubstatus": _S,
        "urgency": None, "copyrightholder": _S, "copyrightnotice": _S, "usageterms": _S, "ednote": _S,
        "language": _S, "descriptions": _A, "bodies": _A, "headlines": _A, "people": _A, "organisations": _A,
        "places": _A, "subjects": _A, "events": _A, "objects": _A, "infosources": _A, "title": _S, "by": _S,
        "slugline": _S, "located": _S, "renditions": _A, "associations": _A, "altids": _A, "trustindicators": _A,
        "standard": _O, "genres": _A, "rightsinfo": _O, "digitalsourcetype": _O, "advices": _A,
    },
    3: {
        "uri": _S, "type": _S, "representationType": _S, "profile": _S, "version": None, "firstCreated": _S,
        "versionCreated": _S, "contentCreated": _S, "embargoedUntil": _S, "expires": _S, "pubStatus": _S,
        "urgency": None, "copyrightHolder": _S, "copyrightNotice": _S, "usageTerms": _S, "edNote": _S,
        "language": _S, "descriptions": _A, "bodies": _A, "headlines": _A, "people": _A, "organisations": _A,
        "places": _A, "subjects": _A, "events": _A, "eventDetails": _O, "plannedCoverage": _A, "objects": _A,
        "infoSources": _A, "title": _S, "by": _S, "slugline": _S, "located": _S, "renditions": _A,
        "associations": _A, "altIds": _A, "trustIndicators": _A, "standard": _O, "genres": _A, "rightsInfo": _O,
        "digitalSourceType": _O,
    },
}
TYPE_NAMES = {_S: "chaîne de caractères attendue", _A: "tableau attendu", _O: "objet attendu", _N: "nombre attendu"}
DATE_EXAMPLE = "date invalide (attendu par exemple 2024-03-18T14:05:00+01:00)"
DATES = {
    "firstcreated", "versioncreated", "contentcreated", "embargoed", "expires",
    "firstCreated", "versionCreated", "contentCreated", "embargoedUntil",
}
# 1.x's extensions: body_html, description_text, headline_main… (headline_* since 1.3).
_EXTENSION = re.compile(r"(?:body|description|headline)_[A-Za-z0-9_]")
# The name of a 1.x association (the schemas anchor the pattern at its start only).
_ASSOCIATION_NAME = re.compile(r"[A-Za-z0-9_]")
NEWS_TYPES = ("text", "audio", "video", "picture", "graphic", "composite", "component")
ENUMS = {
    1: {"type": NEWS_TYPES, "pubstatus": PUBSTATUSES, "representationtype": ("complete", "incomplete")},
    2: {"type": NEWS_TYPES, "pubstatus": PUBSTATUSES, "representationtype": ("full", "partial")},
    3: {"type": (*NEWS_TYPES, "event", "planning"), "pubStatus": PUBSTATUSES, "representationType": ("full", "partial")},
}
# Associations are items in their own right, checked alike; deeper than this, nobody means it.
ASSOCIATION_DEPTH = 8

_SCHEMA_VERSION = re.compile(r"ninjs-schema_(\d+)[._]")
_UNWANTED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_BLOCK_END = re.compile(r"<\s*(?:br|/\s*(?:p|div|li|h[1-6]|blockquote|tr|dd|dt|pre|section|article))\b[^>]*>", re.I)
_SPACES = re.compile(r"[^\S\n]+")
_PARAGRAPH_BREAKS = re.compile(r"\s*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…»](?=\s)")
# Their content is not text a reader should see, unlike that of other stripped tags.
_DROPPED_WITH_CONTENT = {"script", "style", "iframe", "noscript", "template", "object", "svg", "math", "title", "head", "textarea", "select"}


class NinjsError(ValueError):
    """A wire that cannot be taken, with the property at fault and the reason, in French."""

    def __init__(self, field, reason):
        super().__init__(f"{field}{NNBSP}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Wire:
    """An agency item, whatever its ninjs version, as the newsroom needs it."""

    standard: int
    uri: str
    version: str
    version_created: datetime.datetime | None
    pubstatus: str
    headline: str
    text: str
    first_created: datetime.datetime | None = None
    embargoed: datetime.datetime | None = None
    urgency: int | None = None
    language: str = ""
    located: str = ""
    byline: str = ""

    @property
    def dated(self):
        """The date that orders versions when `version` does not: versioncreated, else firstcreated."""
        return self.version_created or self.first_created

    @property
    def important(self):
        return self.urgency is not None and self.urgency <= IMPORTANT_URGENCY

    @property
    def usable(self):
        return self.pubstatus == "usable"


# Reading


def loads(raw):
    """JSON from bytes or text, refusing what Python would take but JSON does not (NaN, Infinity)."""
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise NinjsError("", f"JSON invalide (ligne {error.lineno}, colonne {error.colno})") from None
    except UnicodeDecodeError:
        raise NinjsError("", "JSON invalide (le texte n’est pas en UTF-8)") from None
    except (ValueError, RecursionError):
        raise NinjsError("", "JSON invalide (NaN, Infinity, nombre démesuré ou imbrication trop profonde)") from None


def _refuse_constant(name):
    raise ValueError(name)


def parse(data):
    """Validates one ninjs item (a decoded JSON object) and returns its `Wire`; raises NinjsError."""
    if not isinstance(data, dict):
        raise NinjsError("", "Une dépêche doit être un objet JSON ninjs.")
    standard = series(data)
    names = NAMES[standard]
    check_item(data, standard)
    uri = read_uri(data)
    urgency = read_urgency(data)
    pubstatus = optional_string(data, names["pubstatus"]) or "usable"
    # A cancellation only needs to say which version of which item it withdraws.
    usable = pubstatus == "usable"
    headline, text = read_content(data, standard, required=usable)
    kind = optional_string(data, "type")
    if kind and kind not in ACCEPTED_TYPES:
        raise NinjsError("type", f"seules les dépêches texte sont acceptées (reçu « {short(kind)} »)")
    version = read_version(data)
    version_created = read_datetime(data, names["version_created"])
    first_created = read_datetime(data, names["first_created"])
    if not version and version_created is None and first_created is None:
        raise NinjsError(
            "version",
            f"champ manquant : sans version, ni {names['version_created']}, ni {names['first_created']}, "
            "rien ne dit si une dépêche en corrige une autre",
        )
    return Wire(
        standard=standard,
        uri=uri,
        version=version,
        version_created=version_created,
        first_created=first_created,
        embargoed=read_datetime(data, names["embargoed"]),
        pubstatus=pubstatus,
        headline=shorten(headline, TITLE_MAX_LENGTH),
        text=shorten(text, TEXT_MAX_LENGTH),
        urgency=urgency,
        language=label(optional_string(data, "language")),
        located=label(optional_string(data, "located")),
        byline=label(optional_string(data, names["byline"])),
    )


def check_item(data, standard, path="", depth=0):
    """What IPTC's schemas check of an item: known properties, their JSON types, their enumerated values and its
    associations (each an item of the same series, in an object by name in 1.x, in an array in 2.x and 3.x)."""
    known = PROPERTIES[standard]
    for key, value in data.items():
        field = f"{path}{key}"
        if key in known:
            expected = known[key]
        elif standard == 1 and _EXTENSION.match(key):
            expected = _S
        elif path and standard > 1 and (key == "name" or (standard == 3 and key == "rel")):
            expected = _S
        else:
            raise NinjsError(field, f"propriété inconnue de ninjs {standard}.x")
        if expected is not None and (not isinstance(value, expected) or isinstance(value, bool)):
            raise NinjsError(field, DATE_EXAMPLE if key in DATES else TYPE_NAMES[expected])
        allowed = ENUMS[standard].get(key)
        if allowed and value not in allowed:
            raise NinjsError(field, f"valeur inconnue (attendu : {', '.join(allowed)} ; reçu « {short(value)} »)")
    associations = data.get("associations")
    if not associations:
        return
    if depth >= ASSOCIATION_DEPTH:
        raise NinjsError(f"{path}associations", "associations imbriquées trop profondément")
    if standard == 1:
        entries = associations.items()
    else:
        entries = ((f"[{position}]", entry) for position, entry in enumerate(associations))
    for name, entry in entries:
        field = f"{path}associations.{name}" if standard == 1 else f"{path}associations{name}"
        if standard == 1 and not _ASSOCIATION_NAME.match(name):
            raise NinjsError(field, "nom d’association invalide (lettres, chiffres ou _)")
        if not isinstance(entry, dict):
            raise NinjsError(field, "objet attendu")
        for required in ("uri",) if standard == 1 else ("name", "uri"):
            if required not in entry:
                raise NinjsError(f"{field}.{required}", "champ obligatoire manquant")
        check_item(entry, standard, f"{field}.", depth + 1)


def series(data):
    """1, 2 or 3: what the item declares, else what its property names show; mixed spellings are refused."""
    declared = declared_series(data)
    keys = set(data)
    camel = sorted(keys & LOWER_CASE.keys())
    lower = sorted(keys & CAMEL_CASE.keys())
    old = sorted(k for k in keys if k in SERIES_1_ONLY or k.startswith(SERIES_1_PREFIXES))
    new = sorted(keys & SERIES_2_3_ONLY)
    if declared:
        found = declared
    elif camel or old or new:
        found = 3 if camel else 1 if old and not new else 2
    else:
        # Nothing tells (representationtype, renditions and associations are spelt alike in 1.x and 2.x, unlike
        # their values): the series whose schema the item satisfies, 2.x if neither.
        found = next((candidate for candidate in (2, 1) if satisfies(data, candidate)), 2)
    if found == 3 and lower:
        raise NinjsError(lower[0], f"nom de ninjs 1.x ou 2.x, alors que la dépêche suit ninjs 3.x (noms en camelCase : {CAMEL_CASE[lower[0]]})")
    if found < 3 and camel:
        raise NinjsError(camel[0], f"nom de ninjs 3.x, alors que la dépêche suit ninjs {found}.x (noms en minuscules : {LOWER_CASE[camel[0]]})")
    if found == 1 and new:
        raise NinjsError(new[0], "propriété de ninjs 2.x ou 3.x, alors que la dépêche suit ninjs 1.x")
    if found > 1 and old:
        raise NinjsError(old[0], f"propriété de ninjs 1.x, alors que la dépêche suit ninjs {found}.x")
    return found


def declared_series(data):
    for field in ("standard", "$standard"):
        if field not in data:
            continue
        standard = data[field]
        if not isinstance(standard, dict):
            raise NinjsError(field, "objet attendu (name, version, schema)")
        # “ninjs”, or as IPTC's own tests also write it, “IPTC ninjs 1.2”.
        name = standard.get("name")
        if name is not None and (not isinstance(name, str) or "ninjs" not in name.lower()):
            raise NinjsError(f"{field}.name", "seule la norme ninjs est acceptée")
        version = standard.get("version")
        schema = standard.get("schema")
        if version is not None:
            if not isinstance(version, str):
                raise NinjsError(f"{field}.version", "chaîne de caractères attendue, par exemple « 2.1 »")
            major = version.strip().partition(".")[0]
        elif isinstance(schema, str) and (match := _SCHEMA_VERSION.search(schema)):
            major = match.group(1)
        else:
            return None
        if major not in ("1", "2", "3"):
            raise NinjsError(f"{field}.version", f"version de ninjs non prise en charge (1.x, 2.x ou 3.x ; reçu « {short(version or schema)} »)")
        if field == "standard" and major == "1":
            # 1.x declares itself in $standard: a `standard` object is 2.x's or 3.x's, whatever it says (IPTC's
            # own 2.x tests declare a 1.x schema in it); the names tell.
            return None
        return int(major)
    return None


def satisfies(data, standard):
    try:
        check_item(data, standard)
    except NinjsError:
        return False
    return True


def read_uri(data):
    uri = data.get("uri")
    if uri is None:
        raise NinjsError("uri", "champ obligatoire manquant")
    if not isinstance(uri, str):
        raise NinjsError("uri", "chaîne de caractères attendue")
    uri = uri.strip()
    if len(uri) > URI_MAX_LENGTH:
        raise NinjsError("uri", f"trop longue (au plus {URI_MAX_LENGTH} caractères)")
    # Any identifier, as ninjs 3.x says (“001_simplest_file” is one): only what cannot be shown is refused.
    if not uri or _UNWANTED_CHARACTERS.search(uri) or not uri.isprintable():
        raise NinjsError("uri", "identifiant invalide (texte imprimable non vide, par exemple urn:agence:2024:12345)")
    return uri


def read_version(data):
    version = data.get("version")
    if version is None:
        return ""
    # The schema wants a string, but numbers are common enough in the wild to be taken as they are meant.
    if isinstance(version, int) and not isinstance(version, bool) and 0 <= version < 10**12:
        return str(version)
    if not isinstance(version, str):
        raise NinjsError("version", "chaîne de caractères attendue, par exemple « 2 »")
    version = version.strip()
    if not version or len(version) > VERSION_MAX_LENGTH or _UNWANTED_CHARACTERS.search(version) or not version.isprintable():
        raise NinjsError("version", f"valeur invalide (de 1 à {VERSION_MAX_LENGTH} caractères imprimables)")
    return version


EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def read_datetime(data, field, required=False):
    value = data.get(field)
    if value is None:
        if required:
            raise NinjsError(field, "champ obligatoire manquant")
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise NinjsError(field, DATE_EXAMPLE)
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise NinjsError(field, DATE_EXAMPLE) from None
    if moment.tzinfo is None:
        raise NinjsError(field, "date invalide : fuseau horaire manquant (par exemple Z ou +01:00)")
    try:
        moment = moment.astimezone(datetime.UTC)
    except OverflowError:
        raise NinjsError(field, "date hors limites") from None
    # Further out, converting to local time, scheduling or storing it overflows somewhere.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise NinjsError(field, f"date hors limites (entre {EARLIEST_YEAR} et {LATEST_YEAR})")
    return moment


def read_urgency(data):
    value = data.get("urgency")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or not 1 <= value <= 9 or value != int(value):
        raise NinjsError("urgency", "nombre entier de 1 à 9 attendu")
    return int(value)


def read_content(data, standard, required):
    """The headline and the text; when a usable item lacks either, the refusal names all that it lacks."""
    lacking = []
    headline, headline_field, headline_present = read_headline(data, standard)
    text, text_field, text_present = read_body(data, standard)
    if required:
        for value, field, present, what in (
            (headline, headline_field, headline_present, "le titre"), (text, text_field, text_present, "le texte"),
        ):
            if not value:
                reason = "vide une fois le balisage retiré" if present else "champ obligatoire manquant"
                lacking.append((field, f"{reason} ({what} de la dépêche)"))
    if len(lacking) == 1:
        raise NinjsError(*lacking[0])
    if lacking:
        (first, first_reason), (second, second_reason) = lacking
        raise NinjsError(first, f"{first_reason}{NNBSP}; {second}{NNBSP}: {second_reason}")
    return headline, text


def read_headline(data, standard):
    if standard == 1:
        field, value = "headline", optional_string(data, "headline")
    else:
        field, value = "headlines", pick(data, "headlines", standard, prefer_roles=("main",))
    return " ".join(html_to_text(value).split()), field, field in data


def read_body(data, standard):
    if standard == 1:
        field = "body_text"
        bodies = {key: value for key, value in data.items() if key.startswith("body_")}
        for key, value in bodies.items():
            if not isinstance(value, str):
                raise NinjsError(key, "chaîne de caractères attendue")
        # body_text is the agency's own plain version; any other body_* (html, xhtml…) is markup.
        preferred = ["body_text", "body_html", "body_xhtml", *sorted(bodies)]
        value = next((bodies[key] for key in preferred if bodies.get(key, "").strip()), "")
        present = bool(bodies)
    else:
        field = "bodies"
        value = pick(data, "bodies", standard, prefer_roles=("main", "text"), prefer_plain=True)
        present = field in data
    return html_to_text(value), field, present


def pick(data, field, standard, prefer_roles=(), prefer_plain=False):
    """The value of the best entry of a 2.x/3.x array such as headlines or bodies: [{value, role, contentType}]."""
    entries = data.get(field)
    if entries is None:
        return ""
    if not isinstance(entries, list):
        raise NinjsError(field, "tableau attendu, par exemple [{\"value\": \"…\"}]")
    content_type = NAMES[standard]["content_type"]
    usable = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise NinjsError(f"{field}[{position}]", "objet attendu, avec au moins « value »")
        value = entry.get("value")
        if not isinstance(value, str):
            raise NinjsError(f"{field}[{position}].value", "chaîne de caractères attendue")
        for key in ("role", content_type):
            if not isinstance(entry.get(key, ""), str):
                raise NinjsError(f"{field}[{position}].{key}", "chaîne de caractères attendue")
        if value.strip():
            usable.append(entry)
    if not usable:
        return ""

    def rank(entry):
        plain = prefer_plain and entry.get(content_type, "").strip().lower().startswith("text/plain")
        return (not plain, entry.get("role", "").strip().lower() not in prefer_roles)

    return min(usable, key=rank)["value"]


def optional_string(data, field):
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NinjsError(field, "chaîne de caractères attendue")
    return value.strip()


# Text hygiene


def html_to_text(value):
    """Plain text from wire markup or text: tags and their scripts gone, entities decoded, paragraphs kept."""
    text = _UNWANTED_CHARACTERS.sub("", value or "")
    # Until nothing changes: markup written as entities (&lt;script&gt;) is markup too once decoded.
    for _ in range(MARKUP_PASSES):
        marked = _BLOCK_END.sub("\n", text)
        stripped = html.unescape(nh3.clean(marked, tags=set(), clean_content_tags=_DROPPED_WITH_CONTENT, strip_comments=True))
        if stripped == text:
            break
        text = stripped
    else:
        # Entities nested deeper than any real wire: whatever is left cannot become a tag.
        text = text.replace("<", "").replace(">", "")
    text = _UNWANTED_CHARACTERS.sub("", text).replace("\r", "\n").replace("\t", " ")
    paragraphs = (_SPACES.sub(" ", part).strip() for part in _PARAGRAPH_BREAKS.split(text))
    return "\n\n".join(part for part in paragraphs if part)


def shorten(text, limit):
    """Fits TEXT in LIMIT characters: at the end of a sentence when one is near, else at a word, with « … »."""
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(room)]
    if sentence_ends and sentence_ends[-1] >= limit * 2 // 3:
        return room[: sentence_ends[-1]].rstrip()
    cut = room.rstrip()
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" \n,;:—–-") + "…"


def label(value):
    return _UNWANTED_CHARACTERS.sub("", " ".join(value.split()))[:LABEL_MAX_LENGTH]


def short(value):
    value = _UNWANTED_CHARACTERS.sub("", str(value))
    return value if len(value) <= 40 else value[:39] + "…"
