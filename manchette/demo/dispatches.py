"""The demo newspaper's fil info: thirty dispatches of the last day and a half, written for the demo.

Times are minutes before the moment the demo is loaded, so the feed always looks fresh. Some come from two
invented agencies, some are marked « La Une », some point to the latest article of a demo story, two were
corrected after publication, and one is a draft that readers never see.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Revision

from manchette.filinfo.models import Dispatch
from manchette.news.models import Article

AMI = "AMI (Agence mosane d’information)"
PPP = "Plat Pays Presse"


@dataclass(frozen=True)
class DispatchSpec:
    minutes_ago: int
    title: str
    text: str
    important: bool = False
    source: str = ""
    story: str | None = None  # slug of a demo story: the dispatch links to its latest article
    corrected_after: int | None = None  # minutes after publication
    draft: bool = False


DISPATCHES = (
    DispatchSpec(
        6, "Tunnel de la Porte-Verte : un camion bloqué à l’entrée malgré l’interdiction",
        "Un poids lourd s’est engagé ce matin dans la bande rouverte du tunnel avant d’être arrêté par la police. "
        "La circulation a été interrompue une vingtaine de minutes dans le sens sortant.",
        important=True, source=AMI, story="tunnel-porte-verte",
    ),
    DispatchSpec(
        18, "Météo : des averses orageuses attendues en fin de journée",
        "Un avertissement jaune est en vigueur pour les provinces de Namur et de Luxembourg à partir de 17 heures. "
        "Des rafales jusqu’à 70 km/h sont possibles.",
    ),
    DispatchSpec(
        34, "Aciéries mosanes : le personnel approuve le préaccord à 71 %",
        "Le vote s’est tenu toute la matinée dans le réfectoire du site de Seraing. Les syndicats parlent d’un "
        "« soulagement prudent » ; la direction doit encore confirmer le calendrier de reprise.",
        important=True, story="acieries-mosanes", corrected_after=12,
    ),
    DispatchSpec(
        52, "Bourse de Bruxelles : l’indice ouvre en légère hausse",
        "Portées par les valeurs bancaires, les actions belges gagnaient 0,4 % à l’ouverture. Les investisseurs "
        "attendent les chiffres de l’inflation en fin de semaine.",
        source=PPP,
    ),
    DispatchSpec(
        75, "Les Sons de la Meuse : deux noms de plus à l’affiche",
        "Une chorale liégeoise et un trio de jazz namurois joueront lors de la soirée de clôture. La billetterie "
        "pour ce dernier jour ouvre lundi.",
        story="festival-sons-de-la-meuse",
    ),
    DispatchSpec(
        96, "Accident sur l’autoroute E411 : deux bandes fermées vers Luxembourg",
        "Trois véhicules se sont percutés peu après 11 heures. Les secours sont sur place ; il n’y aurait pas de "
        "blessé grave, selon la police de la route.",
        important=True, source=AMI,
    ),
    DispatchSpec(
        120, "Trains : trafic ralenti entre Namur et Charleroi",
        "Un dérangement de la signalisation impose une vitesse réduite sur la ligne. Des retards d’une quinzaine "
        "de minutes sont à prévoir jusqu’en milieu d’après-midi.",
        source=PPP,
    ),
    DispatchSpec(
        150, "Rougeole : une troisième école liégeoise organise une séance de vaccination",
        "Les parents d’élèves sont invités à une réunion d’information jeudi soir. La vaccination sera proposée "
        "sur place la semaine prochaine.",
        story="rougeole-ecoles-liegeoises",
    ),
    DispatchSpec(
        190, "Sécheresse : la province de Namur limite l’arrosage",
        "L’arrêté entre en vigueur demain à 8 heures et vaut jusqu’à nouvel ordre. Le remplissage des piscines "
        "privées est interdit ; les potagers peuvent encore être arrosés le soir.",
        important=True, story="secheresse-wallonie",
    ),
    DispatchSpec(
        230, "Football : le Sporting Namurois privé de son gardien",
        "Touché au genou à l’entraînement, le gardien titulaire sera absent trois semaines. Le club assure que "
        "sa doublure est « prête » pour le quart de finale.",
        source=AMI, story="sporting-namurois-coupe",
    ),
    DispatchSpec(
        280, "Fusion de la Haute-Meuse : la date de la consultation est fixée",
        "Les habitants des trois communes se prononceront un dimanche de juin. Les bureaux de vote ouvriront de "
        "8 à 14 heures, comme pour une élection.",
        story="fusion-haute-meuse",
    ),
    DispatchSpec(
        330, "Énergie : le prix du gaz recule pour la troisième semaine",
        "Sur le marché de gros, le mégawattheure a perdu près de 6 % en sept jours. Les fournisseurs devraient "
        "répercuter la baisse sur les contrats variables le mois prochain.",
        source=PPP,
    ),
    DispatchSpec(
        400, "Faux diplômes d’infirmier : le procès reporté de deux semaines",
        "Le tribunal a accepté la demande de la défense, qui réclamait plus de temps pour examiner le dossier. "
        "Onze prévenus doivent comparaître.",
        important=True, source=AMI, story="faux-diplomes-infirmier", corrected_after=35,
    ),
    DispatchSpec(
        460, "Cyclisme : le Tour de Wallonie féminin dévoile son parcours",
        "Quatre étapes, deux arrivées en côte et un contre-la-montre par équipes : les organisateurs ont présenté "
        "le tracé ce midi. Le départ sera donné à Mons.",
        story="tour-de-wallonie-feminin",
    ),
    DispatchSpec(
        520, "Sommet européen sur l’eau : une ouverture sur un désaccord",
        "Les ministres ne se sont pas entendus sur l’ordre du jour de la première séance. La présidence espère un "
        "compromis d’ici jeudi sur le partage des fonds de réserve.",
        source=AMI, story="sommet-europeen-eau",
    ),
    DispatchSpec(
        600, "Bruxelles : une piste cyclable inaugurée le long du canal",
        "Longue de deux kilomètres, elle relie deux ponts jusqu’ici mal desservis. La Région comptera les "
        "passages dès le mois prochain.",
    ),
    DispatchSpec(
        700, "Emploi : le chômage temporaire en hausse dans la construction",
        "Les intempéries de la semaine dernière ont mis de nombreux chantiers à l’arrêt. Les demandes ont presque "
        "doublé en un mois.",
        source=PPP,
    ),
    DispatchSpec(
        790, "Incendie dans un entrepôt d’un zoning liégeois",
        "Les pompiers sont intervenus vers 4 heures du matin ; personne n’a été blessé. Les riverains sont invités "
        "à garder portes et fenêtres fermées durant la matinée.",
        important=True,
    ),
    DispatchSpec(
        860, "Basket : Mons s’impose au bout du suspense",
        "Menés de neuf points à cinq minutes de la fin, les Montois l’ont emporté d’un panier sur le buzzer. Ils "
        "remontent à la troisième place du classement.",
        source=AMI,
    ),
    DispatchSpec(
        950, "Un musée prolonge son exposition consacrée aux peintres de la Meuse",
        "Face à l’affluence, l’exposition restera ouverte trois semaines de plus. Les nocturnes du jeudi sont "
        "maintenues.",
    ),
    DispatchSpec(
        1040, "Consommation : les ventes de vélos électriques ralentissent",
        "Après trois années de forte croissance, les magasins spécialisés constatent un tassement de la demande. "
        "Les prix commencent à baisser.",
        source=PPP,
    ),
    DispatchSpec(
        1130, "Tunnel de la Porte-Verte : les travaux de nuit commencent lundi",
        "Le tunnel sera fermé chaque nuit de 22 heures à 5 heures pendant six semaines. Une déviation sera fléchée "
        "par les boulevards voisins.",
        important=True, story="tunnel-porte-verte",
    ),
    DispatchSpec(
        1240, "Santé : les urgences de deux hôpitaux namurois sous tension",
        "Une épidémie de gastro-entérite et un manque de lits allongent l’attente. Les directions demandent de "
        "réserver les urgences aux cas graves.",
    ),
    DispatchSpec(
        1350, "Justice : un ancien échevin condamné pour prise illégale d’intérêts",
        "Le tribunal lui inflige dix mois de prison avec sursis et une amende. Il avait attribué un marché public "
        "à une société dirigée par un proche.",
        source=AMI,
    ),
    DispatchSpec(
        1500, "Éducation : un premier bilan de la réforme des rythmes scolaires",
        "Un rapport commandé par le gouvernement dresse le bilan de deux années scolaires. Les enseignants saluent "
        "les deux semaines de congé d’automne ; les parents restent partagés.",
    ),
    DispatchSpec(
        1620, "Une jeune entreprise louvaniste lève huit millions d’euros",
        "La société développe des capteurs qui surveillent l’humidité des ponts et des tunnels. Elle compte "
        "doubler ses effectifs d’ici la fin de l’année.",
        source=PPP,
    ),
    DispatchSpec(
        1760, "Aciéries mosanes : réunion décisive demain chez le conciliateur",
        "Direction et syndicats se retrouvent à 9 heures pour une séance qui pourrait durer toute la journée. Un "
        "accord serait « à portée de main », selon une source proche du dossier.",
        important=True, source=AMI, story="acieries-mosanes",
    ),
    DispatchSpec(
        1900, "Météo : brouillard dense sur les autoroutes wallonnes",
        "La visibilité est tombée sous cent mètres par endroits entre Namur et Arlon. La police recommande de "
        "réduire sa vitesse et d’allumer les feux de brouillard.",
        source=AMI,
    ),
    DispatchSpec(
        2050, "Musique : quatre cents enfants chantent samedi à Tournai",
        "De jeunes choristes venus de toute la Wallonie se produiront dans la cathédrale. L’entrée est gratuite.",
    ),
    DispatchSpec(
        2200, "Bus : le prix de l’abonnement gelé pour un an",
        "La société régionale de transport renonce à indexer ses tarifs. La mesure coûtera près de quatre millions "
        "d’euros, compensés par une dotation régionale.",
        source=PPP,
    ),
    DispatchSpec(
        0, "Conférence de presse du gouvernement régional à 16 heures",
        "À compléter après la conférence de presse.",
        draft=True,
    ),
)


def latest_story_articles():
    """The newest live article of each demo story, by the story's slug."""
    latest = {}
    for article in Article.objects.live().filter(story__isnull=False).select_related("story").order_by("first_published_at"):
        latest[article.story.slug] = article
    return latest


@transaction.atomic
def load(now, user=None):
    """Creates the demo dispatches unless there are dispatches already; returns how many were created.

    They are saved as published, without the publishing signals: `events.rebuild()` puts them in the feed.
    """
    if Dispatch.objects.exists():
        return 0
    articles = latest_story_articles()
    for spec in DISPATCHES:
        create(spec, now, articles.get(spec.story), user)
    return len(DISPATCHES)


def create(spec, now, article, user):
    """One dispatch with a single revision, dated as the newsroom published (and maybe corrected) it."""
    dispatch = Dispatch(title=spec.title, text=spec.text, important=spec.important, source=spec.source, article=article)
    dispatch.live = False
    dispatch.save()
    revision = dispatch.save_revision(user=user, clean=False)
    if spec.draft:
        return dispatch
    published = now - datetime.timedelta(minutes=spec.minutes_ago)
    updated = published + datetime.timedelta(minutes=spec.corrected_after or 0)
    # Saved directly, not published: publishing stamps now() and would log an event for every dispatch.
    Dispatch.objects.filter(pk=dispatch.pk).update(
        live=True, live_revision=revision, has_unpublished_changes=False,
        first_published_at=published, last_published_at=updated, created_at=published, updated_at=updated,
    )
    Revision.objects.filter(pk=revision.pk).update(created_at=updated)
    return dispatch
