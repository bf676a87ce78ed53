"""Société: schools, courts and getting around."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "education": (
            Topic("Réforme des rythmes scolaires", "le bilan de la réforme des rythmes scolaires", "Namur",
                  "Catherine Haumont", "directrice d’une école fondamentale", "deux semaines de congé à la Toussaint", ("rythmes scolaires", "enseignement")),
            Topic("Pénurie d’enseignants", "la pénurie d’enseignants dans le secondaire", "Charleroi",
                  "Marc Delvigne", "préfet d’un athénée", "quatre cents postes vacants", ("enseignants", "pénurie")),
            Topic("Kots étudiants", "la hausse des loyers des kots étudiants", "Louvain-la-Neuve",
                  "Inès Lamrani", "présidente d’une fédération étudiante", "quatre cent cinquante euros par mois en moyenne", ("logement étudiant", "universités")),
        ),
        "justice": (
            Topic("Procès de la fraude aux subsides", "le procès d’une fraude présumée aux subsides agricoles", "Arlon",
                  "Me Pauline Rasquin", "avocate de la partie civile", "2,3 millions d’euros", ("procès", "fraude")),
            Topic("Justice de paix", "l’engorgement des justices de paix", "Bruxelles",
                  "Jacques Ledent", "juge de paix honoraire", "dix-huit mois d’attente", ("justice de paix", "délais")),
            Topic("Prison de Haren", "les conditions de détention à la prison de Haren", "Haren",
                  "Sarah Kabongo", "membre d’une commission de surveillance", "mille deux cents détenus", ("prisons", "surpopulation")),
        ),
        "mobilite": (
            Topic("Trains de soirée", "le retour des trains de soirée entre Namur et Luxembourg", "Namur",
                  "Damien Hubert", "porte-parole d’un collectif d’usagers", "six trains supplémentaires", ("trains", "navetteurs")),
            Topic("Pistes cyclables", "le réseau express de pistes cyclables", "Bruxelles",
                  "Sofia Martins", "responsable d’une association de cyclistes", "quarante kilomètres de pistes sécurisées", ("vélo", "aménagements")),
            Topic("Bus en zones rurales", "la desserte en bus des villages du Condroz", "Havelange",
                  "Paul Remacle", "bourgmestre", "quatre lignes menacées", ("bus", "ruralité")),
        ),
    },
    angles=(
        "ce qui coince encore", "témoignages", "les pistes sur la table", "un système à bout de souffle",
        "les familles en première ligne", "ce qu’en disent les acteurs de terrain", "l’heure du bilan",
    ),
    leads=(
        "{person}, {role}, tire la sonnette d’alarme. Avec {figure}, la situation devient difficilement tenable.",
        "{Subject} touche des milliers de familles. Nous avons recueilli leurs témoignages.",
        "Le constat est partagé, les solutions beaucoup moins. Tour d’horizon d’un dossier qui s’enlise.",
        "À {place}, {subject} n’est pas une abstraction : c’est le quotidien. Reportage.",
    ),
    openings=(
        "Il est 7 h 15 à {place}. Comme chaque matin, les premiers concernés arrivent, résignés ou en colère. Tous ont un avis sur {subject}.",
        "{person}, {role}, ne mâche pas ses mots. « On a trop longtemps fait semblant de ne pas voir », lâche cette figure bien connue du terrain.",
        "Le chiffre circule depuis quelques semaines : {figure}. Derrière, ce sont des vies très concrètes, et des solutions qui tardent.",
        "Personne ne nie le problème. Mais entre les déclarations d’intention et la réalité du terrain, le fossé se creuse, et {subject} en est l’illustration parfaite.",
    ),
    developments=(
        "Sur le terrain, les professionnels décrivent un système qui tient surtout grâce à la bonne volonté de chacun. Les heures supplémentaires s’accumulent, la fatigue aussi.",
        "Les autorités assurent que des moyens supplémentaires ont été dégagés. Mais leur effet tarde à se faire sentir, et les procédures restent lourdes.",
        "Les associations pointent un manque de coordination entre les différents niveaux de pouvoir. Chacun renvoie la balle à l’autre, et les usagers attendent.",
        "Des solutions existent pourtant. Plusieurs projets pilotes ont donné des résultats encourageants, mais leur généralisation se heurte à des questions budgétaires.",
        "Les familles les plus fragiles sont les premières touchées. Pour elles, chaque retard, chaque fermeture, chaque hausse se traduit immédiatement dans le quotidien.",
        "Le sujet s’est invité au Parlement, où plusieurs questions ont été déposées. Le ministre compétent promet une évaluation complète avant la fin de l’année.",
        "Les comparaisons internationales ne sont pas flatteuses. Nos voisins ont souvent pris le problème à bras-le-corps plus tôt, avec des résultats mesurables.",
    ),
    reactions=(
        "« Nous ne demandons pas de miracle, juste des moyens », résume {person}.",
        "{voice}, témoigne : « Je me sens un peu oubliée dans toute cette histoire. »",
        "Pour {voice}, la solution passe par davantage de concertation.",
        "Au cabinet du ministre, on assure que « le dossier est prioritaire ».",
    ),
    closings=(
        "Une réunion de concertation est prévue dans les prochaines semaines. Les acteurs de terrain y seront attentifs.",
        "« On continuera à se mobiliser tant qu’il le faudra », prévient {person}.",
        "Le dossier reviendra sur la table à la rentrée. D’ici là, le quotidien continue.",
        "Reste à savoir si les promesses se traduiront, cette fois, en actes.",
    ),
    headings=(
        "Un système sous tension", "Des solutions qui existent", "Les familles en première ligne",
        "Ce que promettent les autorités", "Le regard des voisins",
    ),
    quotes=(
        "On ne peut pas continuer à tout faire reposer sur la bonne volonté des gens",
        "Chaque jour de retard a des conséquences très concrètes",
        "Il ne suffit pas d’annoncer des mesures, il faut les financer",
        "Nous avons des idées, il nous manque surtout du temps et des bras",
    ),
    voices=(
        "Julie Masson, mère de deux enfants", "Fatima El Idrissi, travailleuse sociale",
        "Nicole Body, usagère quotidienne", "Christine Hardy, retraitée et bénévole",
    ),
)
