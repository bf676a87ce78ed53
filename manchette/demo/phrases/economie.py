"""Économie: companies, jobs and household budgets."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "entreprises": (
            Topic("Verreries de la Sambre", "la relance des Verreries de la Sambre", "Charleroi",
                  "Damien Courtois", "administrateur délégué", "cent quatre-vingts emplois", ("industrie", "Charleroi")),
            Topic("Brasserie Hautfays", "l’expansion de la brasserie familiale Hautfays", "Daverdisse",
                  "Émilie Hautfays", "directrice générale", "neuf millions de bouteilles par an", ("bière", "PME")),
            Topic("Logistique à Liège", "le nouveau centre logistique de l’aéroport de Liège", "Grâce-Hollogne",
                  "Stefan Maes", "directeur des opérations", "soixante mille mètres carrés", ("logistique", "Liège")),
        ),
        "emploi": (
            Topic("Pénurie d’électriciens", "la pénurie d’électriciens qualifiés", "Namur",
                  "Valérie Gilson", "responsable d’un centre de formation", "mille trois cents offres non pourvues", ("métiers en pénurie", "formation")),
            Topic("Semaine de quatre jours", "l’expérience de la semaine de quatre jours dans une mutuelle", "Wavre",
                  "Olivier Denis", "directeur des ressources humaines", "quatre cents salariés", ("temps de travail", "ressources humaines")),
            Topic("Titres-services", "la situation des aides-ménagères du secteur des titres-services", "Liège",
                  "Nadia Boukhari", "déléguée syndicale", "cent cinquante mille travailleuses", ("titres-services", "salaires")),
        ),
        "consommation": (
            Topic("Prix de l’énergie", "la nouvelle grille tarifaire de l’électricité", "Bruxelles",
                  "Catherine Wouters", "analyste au comparateur Énergie-Claire", "cent quarante euros par an", ("énergie", "factures")),
            Topic("Supermarchés de quartier", "le retour des supérettes de proximité", "Tournai",
                  "Bernard Leroy", "gérant d’une supérette coopérative", "trente-cinq magasins ouverts en un an", ("commerce", "alimentation")),
            Topic("Abonnements en ligne", "la multiplication des abonnements numériques dans le budget des ménages", "Bruxelles",
                  "Sarah Mertens", "juriste dans une association de consommateurs", "trente-huit euros par mois", ("abonnements", "budget")),
        ),
    },
    angles=(
        "les chiffres qui comptent", "ce que ça change pour votre portefeuille", "les syndicats restent prudents",
        "un pari risqué ?", "l’envers du décor", "des perspectives encourageantes", "les questions qui fâchent",
    ),
    leads=(
        "{person}, {role}, l’assure : {figure}, ce n’est qu’un début. Les observateurs, eux, appellent à la prudence.",
        "{Subject} illustre les mutations de l’économie belge. Enquête à {place}, là où tout se joue.",
        "Les derniers chiffres ont surpris jusqu’aux spécialistes. Que faut-il en retenir, et qui en paiera le prix ?",
        "À {place}, {subject} suscite autant d’espoirs que de questions. Nous avons fait les comptes.",
    ),
    openings=(
        "Dans la zone d’activités de {place}, le parking est plein dès 7 heures du matin. C’est là que se joue, très concrètement, {subject}.",
        "« Il y a cinq ans, personne n’y croyait. » {person}, {role}, aime rappeler d’où l’on vient. Aujourd’hui, le chiffre de {figure} est dans toutes les présentations.",
        "Les tableaux Excel ne disent pas tout, mais ils disent beaucoup. Ceux que nous avons pu consulter dessinent une tendance nette, que personne n’avait vraiment anticipée.",
        "Le dossier tient en une question simple : qui paiera ? Et comme souvent, la réponse dépend de l’interlocuteur.",
    ),
    developments=(
        "Les économistes interrogés évoquent un « effet de rattrapage ». Après plusieurs années difficiles, les investissements reprennent, mais de manière très inégale selon les secteurs et les régions.",
        "Le contexte européen pèse lourd. Les coûts de l’énergie, même revenus à des niveaux plus raisonnables, restent supérieurs à ceux d’avant-crise, et les marges s’en ressentent.",
        "Du côté syndical, on salue la création d’emplois tout en restant vigilant. Les contrats proposés sont souvent temporaires, et la question des salaires n’est pas réglée.",
        "La Région a mis la main au portefeuille, via un prêt à taux réduit et une aide à la formation. Une intervention que certains jugent indispensable, d’autres disproportionnée.",
        "Les consommateurs, eux, ne voient encore rien venir. Selon une enquête récente, sept ménages sur dix estiment que leur pouvoir d’achat s’est dégradé au cours de l’année écoulée.",
        "Les concurrents observent la manœuvre avec attention. Plusieurs ont déjà annoncé des investissements similaires, signe que le marché est jugé porteur.",
        "À plus long terme, la question de la main-d’œuvre se pose. Trouver des profils qualifiés reste le principal frein évoqué par les employeurs, bien avant la fiscalité ou les coûts salariaux.",
    ),
    reactions=(
        "« On ne construit pas une entreprise sur un seul bon trimestre », prévient {voice}.",
        "{voice}, voit les choses autrement : « Les signaux sont au vert, il faut oser. »",
        "Pour {person}, le plus important est de garder le cap : « Nous avons un plan, nous le suivons. »",
        "Une source patronale résume l’état d’esprit général : « Prudemment optimistes, c’est le mot. »",
    ),
    closings=(
        "Les résultats annuels, attendus au printemps, diront si le pari était le bon.",
        "Rendez-vous dans un an pour un premier bilan chiffré.",
        "« Le marché tranchera », conclut {person}, un brin fataliste.",
        "D’ici là, les négociations se poursuivent, à huis clos.",
    ),
    headings=(
        "Des chiffres contrastés", "La Région en soutien", "Le défi de la main-d’œuvre",
        "Et pour les consommateurs ?", "Une concurrence aux aguets",
    ),
    quotes=(
        "Nous n’avons pas le droit de rater ce virage",
        "Chaque euro investi ici est un euro qui reste dans la région",
        "Les gens ne demandent pas la lune, ils veulent juste boucler leurs fins de mois",
        "Le savoir-faire est là, il faut maintenant le transmettre",
    ),
    voices=(
        "Geoffrey Dumont, économiste à l’université de Namur", "Marie-Paule Renson, secrétaire régionale d’un syndicat",
        "Koen Peeters, patron d’une PME voisine", "Amélie Servais, conseillère budgétaire dans un CPAS",
    ),
)
