"""Sciences: environment, health and technology, with invented laboratories and researchers."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "environnement": (
            Topic("Retour de la loutre", "le retour de la loutre dans les rivières ardennaises", "La Roche-en-Ardenne",
                  "Laurence Thiry", "biologiste au service public de Wallonie", "une trentaine d’individus recensés", ("biodiversité", "Ardenne")),
            Topic("Nappes phréatiques", "l’état des nappes phréatiques après un hiver sec", "Namur",
                  "Jean-Luc Fontaine", "hydrogéologue", "onze nappes sous le seuil d’alerte", ("eau", "sécheresse")),
            Topic("Forêt de Soignes", "l’adaptation de la forêt de Soignes au changement climatique", "Auderghem",
                  "Eline De Smet", "ingénieure forestière", "cent vingt mille hêtres", ("forêts", "climat")),
        ),
        "sante": (
            Topic("Urgences pédiatriques", "la saturation des urgences pédiatriques", "Liège",
                  "Dr Florence Noël", "cheffe du service de pédiatrie", "quarante pour cent de passages en plus", ("hôpitaux", "pédiatrie")),
            Topic("Dépistage du diabète", "la campagne de dépistage du diabète en pharmacie", "Charleroi",
                  "Youssef Benali", "pharmacien et coordinateur du projet", "douze mille tests en un mois", ("prévention", "diabète")),
            Topic("Sommeil des adolescents", "une étude sur le sommeil des adolescents", "Louvain-la-Neuve",
                  "Pr Annick Claessens", "chercheuse en neurosciences", "deux mille quatre cents élèves suivis", ("sommeil", "adolescents")),
        ),
        "technologies": (
            Topic("Satellite belge", "le lancement d’un nanosatellite conçu par des étudiants belges", "Liège",
                  "Thibault Marchand", "responsable du projet à l’université", "un cube de dix centimètres de côté", ("espace", "universités")),
            Topic("Intelligence artificielle à l’hôpital", "l’utilisation de l’intelligence artificielle pour lire les radiographies", "Bruxelles",
                  "Dr Sven Janssens", "radiologue", "trois cent mille images analysées", ("intelligence artificielle", "hôpitaux")),
            Topic("Réparer plutôt que jeter", "les ateliers de réparation d’appareils électroniques", "Mons",
                  "Mélanie Dufour", "coordinatrice d’un repair café", "huit appareils sur dix remis en état", ("réparation", "numérique")),
        ),
    },
    angles=(
        "ce que disent les chercheurs", "une découverte qui interroge", "les premiers résultats",
        "ce qu’il faut savoir", "une avancée, pas une révolution", "les scientifiques tirent la sonnette d’alarme",
        "le point en cinq questions",
    ),
    leads=(
        "{person}, {role}, présente des résultats prometteurs. Avec {figure}, l’étude ouvre des pistes inattendues.",
        "{Subject} mobilise chercheurs et praticiens. Que sait-on vraiment ? Le point avec les spécialistes.",
        "Les données sont sans appel : {figure}. Les scientifiques appellent toutefois à ne pas tirer de conclusions hâtives.",
        "À {place}, une équipe travaille depuis des années sur {subject}. Ses premières conclusions viennent d’être publiées.",
    ),
    openings=(
        "Dans le laboratoire, les écrans affichent des courbes que {person}, {role}, commente avec une prudence toute scientifique. « Ce sont des résultats préliminaires, mais ils sont solides », précise-t-on d’emblée dans l’équipe.",
        "Le chiffre a de quoi surprendre : {figure}. Il résume à lui seul l’ampleur du phénomène que les équipes {of_place} étudient depuis plusieurs années.",
        "Il a fallu trois ans de collecte de données, des centaines d’heures de terrain et une bonne dose de patience pour éclairer {subject}.",
        "Longtemps cantonné aux revues spécialisées, le sujet s’invite désormais dans le débat public. Et pour cause : {subject} nous concerne tous.",
    ),
    developments=(
        "La méthode est rigoureuse. Les chercheurs ont croisé plusieurs sources de données, comparé leurs résultats à ceux d’équipes étrangères et soumis leur travail à une relecture indépendante.",
        "Les premiers résultats confirment une intuition ancienne, mais en précisent l’ampleur. Ils nuancent aussi plusieurs idées reçues, largement relayées ces dernières années.",
        "Les limites de l’étude sont clairement identifiées. L’échantillon reste modeste, et les auteurs plaident pour un suivi sur le long terme avant toute recommandation définitive.",
        "Les autorités suivent le dossier de près. Un groupe de travail réunissant chercheurs, administrations et associations doit rendre ses conclusions d’ici à l’automne.",
        "À l’étranger, des travaux similaires aboutissent à des conclusions proches. Une convergence qui renforce la crédibilité des résultats belges.",
        "Le financement reste un point sensible. Comme beaucoup d’équipes, celle-ci dépend de subsides ponctuels et consacre une part importante de son temps à chercher de nouveaux fonds.",
        "Pour le grand public, les enseignements sont concrets. Ils pourraient déboucher, à terme, sur de nouvelles recommandations et de nouveaux outils.",
    ),
    reactions=(
        "« La science avance par petits pas, et celui-ci compte », souligne {person}.",
        "{voice}, salue un travail « sérieux et utile », tout en appelant à la prudence.",
        "Pour {voice}, l’enjeu est désormais de passer de la recherche à l’action.",
        "Les associations de terrain, elles, espèrent que ces résultats seront entendus au-delà des laboratoires.",
    ),
    closings=(
        "Une deuxième phase de l’étude doit démarrer à la rentrée. Ses conclusions sont attendues dans deux ans.",
        "Les résultats complets seront publiés dans une revue scientifique dans les prochains mois.",
        "« Nous ne faisons que commencer », conclut {person}.",
        "En attendant, les chercheurs invitent chacun à consulter les sources fiables plutôt que les rumeurs des réseaux sociaux.",
    ),
    headings=(
        "Une méthode rigoureuse", "Des résultats à confirmer", "Ce que cela change",
        "Les limites de l’étude", "Et maintenant ?",
    ),
    quotes=(
        "Les données ne mentent pas, mais il faut savoir les lire",
        "Nous avons été surpris par l’ampleur du phénomène",
        "Ce n’est pas une raison de paniquer, c’est une raison d’agir",
        "La recherche a besoin de temps, c’est ce qui manque le plus",
    ),
    voices=(
        "Pr Michel Delhaye, spécialiste consulté par notre rédaction", "Emma Lejeune, présidente d’une association de patients",
        "Thomas Van den Broeck, chercheur dans un autre laboratoire", "Nathalie Goffin, médecin généraliste",
    ),
)
