"""Belgique: communes, régions and their councils."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "bruxelles": (
            Topic("Piscine Victor-Allard", "la rénovation de la piscine Victor-Allard", "Saint-Gilles",
                  "Martine Dewulf", "échevine des Travaux publics", "4,2 millions d’euros", ("piscines", "Saint-Gilles")),
            Topic("Place du Jeu-de-Balle", "le réaménagement de la place du Jeu-de-Balle", "Bruxelles-Ville",
                  "Karim Ouali", "échevin de l’Urbanisme", "2,8 millions d’euros", ("urbanisme", "Marolles")),
            Topic("Logements à Anderlecht", "le projet de deux cents logements sur l’ancien site Delhaize-Rive", "Anderlecht",
                  "Isabelle Coppens", "présidente du CPAS", "deux cents logements", ("logement", "Anderlecht")),
        ),
        "wallonie": (
            Topic("Gare de Ciney", "la transformation de l’ancienne halle aux marchandises de Ciney", "Ciney",
                  "Pierre Gérardy", "bourgmestre", "1,6 million d’euros", ("patrimoine", "Condroz")),
            Topic("Crues de la Vesdre", "le plan de protection contre les crues de la Vesdre", "Pepinster",
                  "Anne-Sophie Jadoul", "directrice du contrat de rivière", "37 kilomètres de berges", ("inondations", "Vesdre")),
            Topic("Commerces de Mons", "la reconquête des cellules commerciales vides du centre de Mons", "Mons",
                  "Fabrice Lemaire", "échevin du Commerce", "quarante-deux vitrines vides", ("commerce", "Mons")),
        ),
        "flandre": (
            Topic("Tram de la côte", "le renouvellement des voies du tram de la côte", "Ostende",
                  "Wim Declercq", "porte-parole de l’opérateur De Kustlijn", "soixante-sept kilomètres de voies", ("tram", "côte belge")),
            Topic("Port de Gand", "l’extension du terminal fluvial du port de Gand", "Gand",
                  "Liesbeth Van Acker", "directrice du port", "trois cents emplois", ("ports", "Gand")),
            Topic("Écoles néerlandophones à Bruxelles", "le manque de places dans les écoles néerlandophones de la périphérie", "Dilbeek",
                  "Pieter Goossens", "échevin de l’Enseignement", "huit cents élèves sur liste d’attente", ("enseignement", "périphérie")),
        ),
    },
    angles=(
        "le calendrier se précise", "l’opposition demande des comptes", "les riverains partagés",
        "ce qui va changer concrètement", "le conseil communal tranche", "un dossier qui traîne depuis dix ans",
        "la facture fait débat",
    ),
    leads=(
        "{person}, {role}, a présenté lundi soir les contours du projet. Sur la table : {figure} et un calendrier serré.",
        "À {place}, {subject} revient au cœur des discussions. Les élus de la majorité assurent que l’essentiel est bouclé.",
        "Le dossier semblait enlisé. Il a pourtant franchi une étape décisive cette semaine, avec {figure} à la clé.",
        "{Subject} divise les habitants {of_place}. Nous avons rencontré ceux qui s’en réjouissent et ceux qui s’en inquiètent.",
    ),
    openings=(
        "Il était un peu plus de 21 heures quand {person}, {role}, a pris la parole devant une salle du conseil inhabituellement remplie. Le sujet du soir, {subject}, occupe les conversations {of_place} depuis des mois.",
        "Sur le papier, le projet tient en quelques pages. Dans les faits, {subject} mobilise depuis trois ans les services communaux, deux bureaux d’études et une poignée d’habitants très déterminés.",
        "À {place}, personne n’a oublié la première présentation du dossier, en 2019. Les plans avaient été retirés après une réunion publique houleuse. Cette fois, la majorité dit avoir tiré les leçons du passé.",
        "Le montant avancé, {figure}, a surpris plus d’un conseiller. Pour {person}, {role}, il s’agit pourtant d’un investissement « raisonnable au regard de ce qui attend la commune ».",
    ),
    developments=(
        "Le calendrier prévoit un lancement des marchés publics avant l’été, puis un début de chantier au printemps prochain. Une enquête publique d’un mois permettra aux habitants de consulter les plans et de formuler leurs remarques.",
        "Le financement repose sur trois piliers : des fonds propres, un subside régional déjà promis et un emprunt étalé sur vingt ans. La tutelle doit encore valider le montage, ce qui n’est qu’une formalité selon le cabinet de {person}.",
        "Les services techniques ont retenu la variante la plus sobre. Les matériaux seront en grande partie réemployés, et le chantier sera phasé pour ne jamais fermer complètement l’accès au quartier.",
        "Dans l’opposition, on ne conteste pas le principe mais la méthode. Plusieurs conseillers regrettent de n’avoir reçu les documents que quarante-huit heures avant la séance, ce qui rendait toute analyse sérieuse impossible.",
        "Le comité de quartier, lui, a rassemblé près de six cents signatures en trois semaines. Ses membres réclament des garanties sur le stationnement, les horaires de chantier et la préservation des arbres existants.",
        "La commune n’en est pas à son premier grand chantier. La rénovation de l’hôtel de ville, achevée il y a deux ans avec huit mois de retard, reste dans toutes les mémoires et sert aujourd’hui d’argument aux plus sceptiques.",
        "Le dossier a aussi une dimension régionale. Le ministre compétent a fait savoir qu’il suivait le projet « avec attention », une formule qui, dans le langage institutionnel, signifie que le subside n’est pas encore tout à fait acquis.",
        "Concrètement, les travaux se dérouleront en trois phases d’environ six mois chacune. Une permanence d’information ouvrira ses portes chaque mercredi dans l’ancienne conciergerie de la maison communale.",
    ),
    reactions=(
        "« On nous a promis beaucoup de choses ces dernières années, on attend de voir », tempère {voice}.",
        "Pour {voice}, le projet arrive au bon moment : « Le quartier change, il faut l’accompagner plutôt que le subir. »",
        "{voice}, ne cache pas ses réserves : la période de chantier pourrait durer bien plus longtemps qu’annoncé.",
        "Du côté de la majorité, on se veut confiant. « Les budgets sont prévus, les équipes sont prêtes, il n’y a plus de raison d’attendre », insiste {person}.",
        "Les commerçants, eux, demandent surtout à être associés. Une réunion spécifique a été promise avant la fin du mois.",
    ),
    closings=(
        "Le conseil communal se prononcera définitivement lors de sa séance du mois prochain. D’ici là, les plans restent consultables à l’administration, sur rendez-vous.",
        "Reste une inconnue de taille : la réaction de la tutelle régionale, attendue dans les prochaines semaines.",
        "« Nous reviendrons vers les habitants avant chaque étape », promet {person}. Rendez-vous est pris.",
        "Le dossier devrait encore alimenter bien des débats d’ici aux prochaines élections communales.",
    ),
    headings=(
        "Un financement en trois temps", "Les habitants veulent être entendus", "Un chantier par phases",
        "Les leçons du passé", "La tutelle attendue au tournant",
    ),
    quotes=(
        "On ne fait pas un projet de cette ampleur contre les habitants, on le fait avec eux",
        "Ce dossier a trop longtemps dormi dans les tiroirs, il était temps de trancher",
        "Personne ne conteste qu’il faille agir ; la question, c’est le prix et le calendrier",
        "Nous avons revu notre copie trois fois, et chaque fois elle s’est améliorée",
    ),
    voices=(
        "Josiane Lambert, riveraine depuis trente ans", "Youssef Amrani, président du comité de quartier",
        "Luc Hanssens, commerçant installé dans le quartier", "Véronique Stas, conseillère de l’opposition",
    ),
)
