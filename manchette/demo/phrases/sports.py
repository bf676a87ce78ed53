"""Sports: invented clubs, riders and champions."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "football": (
            Topic("Sporting Namurois", "la remontée spectaculaire du Sporting Namurois", "Namur",
                  "Didier Malempré", "entraîneur du Sporting", "neuf victoires d’affilée", ("Sporting Namurois", "D1B")),
            Topic("RFC Meuse-Herstal", "la crise de résultats du RFC Meuse-Herstal", "Herstal",
                  "Tom Verbeke", "capitaine du RFC", "sept matchs sans victoire", ("RFC Meuse-Herstal", "Pro League")),
            Topic("Football féminin", "la montée en puissance du football féminin en Wallonie", "Mons",
                  "Lina Haddad", "attaquante et meilleure buteuse du championnat", "quatre mille licenciées", ("football féminin", "Super League")),
        ),
        "cyclisme": (
            Topic("Flèche des Fagnes", "la Flèche des Fagnes, classique ardennaise de fin de saison", "Spa",
                  "Arnaud Tilman", "directeur de course", "cent nonante-huit kilomètres", ("classiques", "Ardennes")),
            Topic("Cyclo-cross à Hoogstraten", "la manche de cyclo-cross de Hoogstraten", "Hoogstraten",
                  "Jana Peeters", "championne de Belgique en titre", "quinze mille spectateurs", ("cyclo-cross", "Campine")),
            Topic("Jeunes coureurs wallons", "la nouvelle génération de coureurs wallons", "Marche-en-Famenne",
                  "Hugo Delvaux", "directeur sportif d’une équipe continentale", "six néo-professionnels", ("espoirs", "formation")),
        ),
        "omnisports": (
            Topic("Hockey belge", "la préparation des hockeyeurs belges avant l’Euro", "Anvers",
                  "Maxime Lardinois", "sélectionneur national", "vingt-quatre joueurs présélectionnés", ("hockey", "Euro")),
            Topic("Volley : le VC Ardenne", "la saison européenne des volleyeuses du VC Ardenne", "Bastogne",
                  "Louise Dumonceau", "passeuse et capitaine du VC Ardenne", "onze victoires en douze matchs", ("volley-ball", "Ardenne")),
            Topic("Basket : les Spirous", "le parcours européen des Spirous de Charleroi", "Charleroi",
                  "Mehdi Benslimane", "meneur de jeu des Spirous", "six mille supporters au Dôme", ("basket", "Charleroi")),
        ),
    },
    angles=(
        "le vestiaire veut y croire", "les leçons d’un week-end agité", "un tournant dans la saison",
        "les coulisses d’un exploit", "l’heure des choix", "ce qu’il faut retenir", "la pression monte",
    ),
    leads=(
        "{person}, {role}, ne cache pas son ambition. Avec {figure}, les supporters ont de quoi rêver.",
        "{Subject} fait parler tout le plat pays. Retour sur un week-end que personne n’avait vu venir.",
        "Les chiffres sont éloquents : {figure}. Derrière eux, un groupe soudé et un travail de l’ombre.",
        "À {place}, on ne parle plus que de ça. Nous avons passé une semaine dans les coulisses.",
    ),
    openings=(
        "Il restait quelques minutes à peine quand tout a basculé. À {place}, ceux qui y étaient s’en souviendront longtemps.",
        "Les chiffres donnent le vertige : {figure}. Derrière eux, il y a {subject}, et des semaines de travail loin des caméras.",
        "{person}, {role}, arrive à l’entraînement une heure avant tout le monde. C’est là, dit-on, que tout a commencé.",
        "Personne n’avait vu venir {subject}. Pas même les plus optimistes des supporters, qui parlaient encore de saison de transition au mois d’août.",
    ),
    developments=(
        "Sur le plan tactique comme sur le plan physique, le changement est net. Les choix sont plus tranchés, les efforts mieux dosés, et le groupe semble avoir trouvé un équilibre qui lui manquait cruellement en début de saison.",
        "L’infirmerie, longtemps pleine, se vide enfin. Le retour de plusieurs cadres a changé la physionomie de l’équipe et la concurrence à l’entraînement.",
        "Les statistiques confirment l’impression visuelle : plus d’intensité, moins d’erreurs, et une efficacité retrouvée dans les moments qui comptent.",
        "En coulisses, la direction a fait des choix forts cet été. Plusieurs recrues, peu connues du grand public, se révèlent aujourd’hui des paris gagnants.",
        "Le public a suivi, en nombre. Les organisateurs parlent d’une affluence inédite depuis des années, et l’ambiance s’en ressent sur le terrain.",
        "Tout n’est pas parfait pour autant. Les débuts de rencontre restent poussifs, et le staff sait que la série s’arrêtera un jour.",
        "Le calendrier, lui, ne fait pas de cadeau. Trois rendez-vous majeurs en dix jours attendent le groupe, avec la fatigue qui commence à se faire sentir.",
    ),
    reactions=(
        "« On savoure, mais on garde les pieds sur terre », insiste {person}.",
        "{voice}, n’en revient toujours pas : « Je n’ai jamais vu une ambiance pareille. »",
        "Pour {voice}, le secret tient en un mot : « Le collectif. »",
        "Dans le vestiaire, le mot d’ordre est clair : ne pas s’enflammer.",
    ),
    closings=(
        "Prochain rendez-vous samedi, à domicile. Les billets se sont arrachés en quelques heures.",
        "La suite de la saison dira si ce sursaut était un feu de paille ou le début de quelque chose.",
        "« Le plus beau reste à écrire », sourit {person}.",
        "En attendant, {place} vit au rythme de ses sportifs, et ne s’en plaint pas.",
    ),
    headings=(
        "Un collectif retrouvé", "Les chiffres parlent", "La ferveur du public",
        "Un calendrier chargé", "Dans le secret du vestiaire",
    ),
    quotes=(
        "Quand tout le monde court pour l’autre, les résultats finissent par arriver",
        "On a souffert ensemble, maintenant on profite ensemble",
        "Je n’ai jamais douté de ce groupe, même dans les moments difficiles",
        "Le talent ne suffit pas, il faut l’envie de se faire mal",
    ),
    voices=(
        "Roger Lambotte, abonné depuis quarante ans", "Yasmine Cherif, kinésithérapeute de l’équipe",
        "Kevin Dubois, ancien joueur du club devenu consultant", "Anaïs Renard, présidente du club de supporters",
    ),
)
