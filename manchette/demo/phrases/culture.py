"""Culture: invented films, albums, books and the people who make them."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "cinema": (
            Topic("« Les Heures claires »", "« Les Heures claires », le deuxième long-métrage de Lucie Marnef", "Bruxelles",
                  "Lucie Marnef", "réalisatrice", "cinq semaines de tournage dans les Marolles", ("cinéma belge", "sorties")),
            Topic("Festival du film de Namur", "la sélection du festival du film de Namur", "Namur",
                  "Alain Ronveaux", "délégué général du festival", "soixante-deux films en compétition", ("festivals", "Namur")),
            Topic("Cinémas de quartier", "la renaissance des petites salles de cinéma de quartier", "Liège",
                  "Chloé Vanderlinden", "programmatrice d’un cinéma associatif", "trois salles rouvertes en deux ans", ("salles de cinéma", "Liège")),
        ),
        "musique": (
            Topic("Album de Nora Elst", "« Marées basses », le nouvel album de la chanteuse gantoise Nora Elst", "Gand",
                  "Nora Elst", "autrice-compositrice", "onze titres enregistrés en live", ("pop belge", "albums")),
            Topic("Orchestre de chambre de Wallonie", "la tournée de l’Orchestre de chambre de Wallonie", "Liège",
                  "Tristan Moreau", "chef d’orchestre", "dix-huit concerts dans six pays", ("musique classique", "tournées")),
            Topic("Festival des Étangs", "la programmation du festival des Étangs", "Virton",
                  "Manon Gillet", "programmatrice du festival", "quarante-cinq concerts en trois jours", ("festivals", "Gaume")),
        ),
        "livres": (
            Topic("Roman de Bertrand Leclercq", "« Le Pont des Arches », le roman de Bertrand Leclercq", "Liège",
                  "Bertrand Leclercq", "romancier", "quatre cent douze pages", ("romans", "rentrée littéraire")),
            Topic("Bande dessinée jeunesse", "« Ninon et le dragon du canal », la nouvelle série de bande dessinée jeunesse", "Bruxelles",
                  "Sacha Dumont", "dessinatrice", "un premier tirage de vingt mille exemplaires", ("bande dessinée", "jeunesse")),
            Topic("Librairies indépendantes", "la résistance des librairies indépendantes", "Louvain-la-Neuve",
                  "Hélène Baudoux", "libraire", "deux cents librairies en Wallonie et à Bruxelles", ("librairies", "édition")),
        ),
    },
    angles=(
        "notre critique", "rencontre avec un univers à part", "les coulisses d’une création",
        "pourquoi il faut y aller", "un succès qui ne se dément pas", "les raisons d’un engouement",
        "une œuvre qui divise",
    ),
    leads=(
        "Avec {subject}, {person} signe un projet singulier, tendre et exigeant. Notre avis.",
        "{person}, {role}, nous a reçus à {place}. Rencontre avec une personnalité qui ne ressemble à personne.",
        "{Subject} s’annonce comme l’un des rendez-vous de la saison. Voici pourquoi.",
        "Le public a répondu présent : {figure}. Retour sur un engouement que personne n’avait prévu.",
    ),
    openings=(
        "Il y a des projets qui s’imposent dès le premier regard. {Subject} en fait partie : une évidence tranquille, qui ne cherche jamais à impressionner.",
        "{person}, {role}, a le rire facile et le regard précis. Attablée dans un café {of_place}, une tasse à la main, l’équipe raconte volontiers la genèse du projet.",
        "Les chiffres, d’abord : {figure}. Mais ce n’est pas ce qui frappe le plus quand on découvre {subject}.",
        "À {place}, le bouche-à-oreille a fait son œuvre. En quelques semaines, {subject} fait parler bien au-delà du cercle des initiés.",
    ),
    developments=(
        "La construction est d’une grande finesse. Chaque scène, chaque motif, renvoie à un autre, et l’ensemble dessine peu à peu un portrait d’une rare justesse.",
        "On pense à plusieurs grands noms, évidemment, mais la comparaison s’arrête vite. Le ton est personnel, parfois déroutant, toujours sincère.",
        "Le projet a pourtant failli ne jamais voir le jour. Faute de financement, il a été repoussé deux fois, avant qu’une coproduction inattendue ne le relance.",
        "Les moments les plus forts sont souvent les plus discrets : un silence, un regard, une phrase laissée en suspens. C’est là que l’émotion affleure.",
        "La critique est unanime ou presque. Quelques voix regrettent une fin trop ouverte, mais c’est justement ce qui fait, pour d’autres, toute la force de l’ensemble.",
        "Le travail sur le son et la lumière mérite une mention particulière. Rien n’est laissé au hasard, et l’on sent l’attention portée au moindre détail.",
        "Ancré dans une Belgique reconnaissable, le propos touche pourtant à l’universel : la transmission, la mémoire, ce que l’on choisit de garder.",
    ),
    reactions=(
        "« On travaille pour ces moments-là », confie {person}.",
        "{voice}, est sortie bouleversée : « Ça faisait longtemps que je n’avais pas ressenti ça. »",
        "Pour {voice}, c’est « une œuvre qui restera ».",
        "Dans la salle, le silence qui suit la dernière scène en dit plus long que bien des critiques.",
    ),
    closings=(
        "À découvrir sans tarder, tant qu’il est encore temps.",
        "Une chose est sûre : on n’a pas fini d’entendre parler de {person}.",
        "« La suite ? On verra bien », sourit {person}. On a hâte.",
        "Informations et réservations auprès des lieux concernés, à {place} et ailleurs en Wallonie et à Bruxelles.",
    ),
    headings=(
        "Une écriture singulière", "Une genèse compliquée", "Le public au rendez-vous",
        "Les coulisses d’une création", "Notre avis",
    ),
    quotes=(
        "Je voulais raconter les gens que l’on ne regarde jamais",
        "Le doute fait partie du travail, il faut apprendre à vivre avec",
        "Je n’écris pas pour plaire, j’écris pour comprendre",
        "Chaque représentation est différente, c’est ce qui me fait encore vibrer",
    ),
    voices=(
        "Marianne Collin, spectatrice fidèle", "Isabelle Moens, enseignante venue avec ses élèves",
        "Charlotte Dethier, critique dans une revue spécialisée", "Sophie Wauters, libraire à Mons",
    ),
)
