"""Opinions: editorials, open letters and columns on invented debates."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "editoriaux": (
            Topic("Communes en faillite", "la situation financière des communes", "Belgique",
                  "la rédaction", "éditorialiste", "un tiers des communes en déficit", ("finances communales", "éditorial")),
            Topic("Confiance démocratique", "la défiance envers les institutions", "Belgique",
                  "la rédaction", "éditorialiste", "un électeur sur trois", ("démocratie", "éditorial")),
            Topic("Presse locale", "l’avenir de l’information locale", "Belgique",
                  "la rédaction", "éditorialiste", "dix titres disparus en quinze ans", ("médias", "éditorial")),
        ),
        "cartes-blanches": (
            Topic("Médecine rurale", "la désertification médicale des campagnes", "Wallonie",
                  "un collectif de médecins généralistes", "signataires", "quatre-vingts communes sans médecin", ("médecine générale", "carte blanche")),
            Topic("Écrans à l’école", "la place des écrans à l’école", "Bruxelles",
                  "des enseignants et des parents", "signataires", "six heures d’écran par jour", ("écrans", "carte blanche")),
            Topic("Culture pour tous", "l’accès à la culture pour les jeunes", "Wallonie",
                  "un collectif d’artistes", "signataires", "un jeune sur deux", ("culture", "carte blanche")),
        ),
        "chroniques": (
            Topic("Le vélo et la pluie", "la vie à vélo sous la pluie bruxelloise", "Bruxelles",
                  "le chroniqueur", "chroniqueur", "deux cents jours de pluie par an", ("chronique", "vélo")),
            Topic("Le marché du dimanche", "le marché du dimanche matin", "Namur",
                  "la chroniqueuse", "chroniqueuse", "trois générations de maraîchers", ("chronique", "marchés")),
            Topic("La friterie", "la friterie du coin, institution nationale", "Liège",
                  "le chroniqueur", "chroniqueur", "cinq mille friteries", ("chronique", "frites")),
        ),
    },
    angles=(
        "le temps du courage", "sortir de l’impasse", "ce que nous devons à la génération suivante",
        "une question de confiance", "arrêtons de bricoler", "un petit bonheur à protéger", "l’urgence d’agir",
    ),
    leads=(
        "On peut débattre de tout, sauf de l’évidence : {subject} mérite mieux que des demi-mesures.",
        "Derrière {figure}, il y a des vies, des lieux, des habitudes. Il est temps d’en prendre soin.",
        "{Subject} n’est pas un sujet accessoire. C’est un révélateur de ce que nous voulons être ensemble.",
        "Un chiffre devrait nous interpeller : {figure}. Il dit beaucoup de nos priorités collectives.",
    ),
    openings=(
        "Il est des sujets qui reviennent avec la régularité des saisons. {Subject} en fait partie, et chaque fois, on promet que cette fois sera la bonne.",
        "Commençons par un chiffre : {figure}. On peut le lire de mille manières, mais on ne peut pas l’ignorer.",
        "Il faut parfois s’arrêter pour regarder ce qui se passe sous nos yeux. {Subject} est de ces réalités que l’on ne voit plus, à force de les côtoyer.",
        "Ce texte n’a pas vocation à donner des leçons. Il voudrait simplement poser une question, celle que beaucoup se posent à voix basse.",
    ),
    developments=(
        "Le constat n’est pas neuf. Les rapports s’empilent, les recommandations aussi, et pourtant rien ne semble bouger vraiment. Cette inertie a un coût, que nous finirons tous par payer.",
        "Il serait facile d’accuser tel ou tel responsable. La vérité est plus inconfortable : nous avons, collectivement, laissé faire.",
        "Des exemples existent, ici et ailleurs, qui montrent qu’une autre voie est possible. Ils demandent du courage politique, un peu d’argent et beaucoup de patience.",
        "Il faut aussi écouter ceux qui vivent la situation au quotidien. Leur expertise vaut bien celle des cabinets de consultants, et elle coûte beaucoup moins cher.",
        "On nous objectera que les finances publiques ne le permettent pas. C’est une question de choix : ce que l’on ne finance pas aujourd’hui, on le paiera plus cher demain.",
        "La Belgique a souvent su trouver des compromis inventifs. Elle en est encore capable, à condition de le vouloir vraiment.",
        "Et puis il y a ces petites choses qui font une vie commune : un lieu, une habitude, un visage familier. On ne les remarque que le jour où elles disparaissent.",
    ),
    reactions=(
        "Comme le disait récemment un lecteur dans nos colonnes : « On ne demande pas la lune, on demande qu’on nous écoute. »",
        "{voice} le résume d’une formule : « Le problème n’est pas l’argent, c’est la volonté. »",
        "On entend déjà les objections. Elles méritent d’être discutées, pas de servir d’excuse.",
        "Les jeunes, eux, ne s’y trompent pas : ils attendent des actes, pas des discours.",
    ),
    closings=(
        "Le temps des constats est passé. Celui des décisions doit commencer.",
        "Nous y reviendrons, aussi souvent qu’il le faudra.",
        "C’est peu de chose, peut-être. Mais c’est aussi ce qui nous tient ensemble.",
        "À chacun, désormais, de prendre ses responsabilités.",
    ),
    headings=(
        "Un constat partagé", "Le prix de l’inaction", "D’autres voies existent", "Ce que nous pouvons faire",
    ),
    quotes=(
        "Une société se juge à la manière dont elle traite ce qui ne rapporte rien",
        "Le courage, en politique, c’est de décider avant d’y être contraint",
        "Ce qui est commun à tous n’appartient à personne, et c’est bien là le problème",
    ),
    voices=(
        "Un ancien bourgmestre de la région", "Une enseignante croisée à la sortie d’une école",
        "Un commerçant du centre-ville", "Une jeune lectrice de Verviers",
    ),
)
