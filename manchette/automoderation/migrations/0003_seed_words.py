"""The word lists a new site starts with: French insults and slurs refused outright, and words that make a
comment wait for a moderator (threats, words with an innocent meaning too, spam). Moderators edit them in the
admin (« Mots surveillés »); each entry is matched whole, accents, case, look-alike letters and spacing aside."""

from django.db import migrations

NOTE = "Liste de départ"

BANNED = [
    "connard", "connasse", "conne", "pauvre con", "gros con", "sale con", "espèce de con", "bande de cons",
    "enculé", "enculée", "enculer", "fils de pute", "pute", "salope", "salaud", "pétasse", "pouffiasse",
    "sous-merde", "raclure", "trou du cul", "nique ta mère", "bite", "suicide-toi",
    "pédé", "tarlouze", "gouine", "bougnoule", "youpin", "bicot", "chinetoque", "négro",
    "sale nègre", "sale arabe", "sale juif", "sale noir", "sale race",
]
# Held, not refused: each also has an innocent use (« pain bâtard », « Les Enfoirés », Suprême NTM, « faire la
# bamboula »), is a threat a moderator should read, or is what spam says.
SUSPECT = [
    "bâtard", "enfoiré", "tapette", "nègre", "bamboula", "abruti", "attardé", "ntm", "fdp",
    "ta gueule", "va crever", "je vais te tuer", "on sait où tu habites",
    "viagra", "cialis", "casino", "porno", "xxx", "argent facile", "gagner de l’argent", "travail à domicile",
    "contactez-moi",
]


def seed(apps, schema_editor):
    Word = apps.get_model("automoderation", "Word")
    for kind, texts in (("banned", BANNED), ("suspect", SUSPECT)):
        for text in texts:
            Word.objects.get_or_create(kind=kind, text=text, defaults={"note": NOTE})


def unseed(apps, schema_editor):
    Word = apps.get_model("automoderation", "Word")
    Word.objects.filter(note=NOTE, text__in=BANNED + SUSPECT).delete()


class Migration(migrations.Migration):
    dependencies = [("automoderation", "0002_fingerprint")]

    operations = [migrations.RunPython(seed, unseed)]
