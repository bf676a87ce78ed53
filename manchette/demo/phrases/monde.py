"""Monde: Europe, the United States and Africa, through invented cases and people."""

from ..bank import SectionBank, Topic

BANK = SectionBank(
    topics={
        "europe": (
            Topic("Pêche en mer du Nord", "la réforme des quotas de pêche en mer du Nord", "Bruxelles",
                  "Ingrid Halvorsen", "commissaire européenne à la Pêche", "dix-huit espèces concernées", ("pêche", "Union européenne")),
            Topic("Trains de nuit européens", "le réseau européen de trains de nuit", "Vienne",
                  "Matteo Ricci", "rapporteur du Parlement européen", "vingt-quatre liaisons nouvelles", ("trains de nuit", "Union européenne")),
            Topic("Élections au Portugal", "la campagne des législatives anticipées au Portugal", "Lisbonne",
                  "Helena Correia", "politologue à l’université de Coimbra", "dix millions d’électeurs", ("Portugal", "élections")),
        ),
        "etats-unis": (
            Topic("Eau du Colorado", "le partage des eaux du fleuve Colorado", "Phoenix",
                  "Dana Whitfield", "négociatrice pour l’État d’Arizona", "sept États riverains", ("eau", "sécheresse")),
            Topic("Détroit renaît", "la reconversion des anciennes usines automobiles de Détroit", "Détroit",
                  "Marcus Bell", "directeur d’une agence de développement urbain", "onze friches industrielles", ("industrie", "Michigan")),
            Topic("Bibliothèques du Texas", "la bataille autour des bibliothèques publiques du Texas", "Austin",
                  "Rosa Delgado", "bibliothécaire en chef du comté", "trois cents ouvrages contestés", ("livres", "Texas")),
        ),
        "afrique": (
            Topic("Solaire au Sénégal", "le plus grand parc solaire du Sénégal", "Kaolack",
                  "Aminata Diouf", "ingénieure en chef du chantier", "soixante mégawatts", ("énergie solaire", "Sénégal")),
            Topic("Start-up de Kinshasa", "l’essor des jeunes pousses technologiques de Kinshasa", "Kinshasa",
                  "Patrick Mbuyi", "fondateur d’un incubateur", "cent vingt entreprises accompagnées", ("RDC", "numérique")),
            Topic("Forêts du Gabon", "le programme de protection des forêts gabonaises", "Libreville",
                  "Clarisse Ndong", "responsable d’une ONG de conservation", "deux millions d’hectares", ("forêts", "Gabon")),
        ),
    },
    angles=(
        "les clés pour comprendre", "ce qui se joue vraiment", "un compromis fragile",
        "le récit de notre envoyée spéciale", "la Belgique aux premières loges", "les chiffres qui inquiètent",
        "une partie qui ne fait que commencer",
    ),
    leads=(
        "{Subject} entre dans une phase décisive. {person}, {role}, promet des annonces dans les prochains jours.",
        "À {place}, les discussions se sont prolongées tard dans la nuit. Sur la table : {figure} et beaucoup d’arrière-pensées.",
        "Longtemps resté discret, le dossier s’impose désormais dans le débat international. Décryptage d’un enjeu qui nous concerne aussi.",
        "Nous sommes allés à {place} pour comprendre ce que {subject} change au quotidien pour ses habitants.",
    ),
    openings=(
        "À {place}, le sujet est sur toutes les lèvres. Dans les cafés comme dans les couloirs officiels, {subject} occupe désormais le devant de la scène.",
        "{person}, {role}, reçoit dans un bureau encombré de cartes et de rapports. Des promesses, cette pièce en a vu passer beaucoup ; celle-ci, assure-t-on, est différente.",
        "Les chiffres, d’abord : {figure}. Derrière ce total se cachent des réalités très différentes selon les régions, et autant de sensibilités politiques.",
        "Il aura fallu près de deux ans de négociations pour en arriver là. Au départ, beaucoup n’y voyaient pourtant qu’un dossier technique, sans enjeu majeur.",
    ),
    developments=(
        "Les diplomates parlent d’un « équilibre délicat ». Chaque partie a obtenu quelque chose, aucune n’a obtenu tout ce qu’elle voulait, et les textes laissent volontairement plusieurs questions ouvertes.",
        "Sur le terrain, la perception est plus contrastée. Les habitants interrogés saluent l’intention mais doutent de la capacité des autorités à tenir les délais annoncés.",
        "Les experts consultés soulignent un point rarement évoqué : le financement. Sans un engagement clair des bailleurs sur plusieurs années, le projet pourrait s’essouffler avant même d’avoir produit ses premiers effets.",
        "La Belgique n’est pas spectatrice. Plusieurs entreprises et institutions du pays sont directement impliquées, et le gouvernement fédéral suit le dossier de près.",
        "Les organisations de la société civile, elles, réclament davantage de transparence. Elles demandent la publication intégrale des études d’impact, promise mais toujours attendue.",
        "Le contexte politique complique encore l’équation. Les échéances électorales approchent, et aucun responsable ne souhaite apparaître comme celui qui a cédé.",
        "Dans les capitales voisines, on observe la situation avec un mélange d’intérêt et de prudence. Plusieurs pays envisagent déjà de s’inspirer du modèle, si les premiers résultats sont au rendez-vous.",
    ),
    reactions=(
        "« Nous avançons, lentement mais sûrement », résume {person}.",
        "{voice}, se veut plus critique : « On confond trop souvent l’annonce et la réalisation. »",
        "Pour {voice}, l’essentiel est ailleurs : « Les gens veulent des résultats visibles, pas des communiqués. »",
        "Un haut fonctionnaire européen, qui souhaite rester anonyme, parle d’un « tournant », tout en reconnaissant que « rien n’est encore gravé dans le marbre ».",
    ),
    closings=(
        "Un premier bilan est attendu dans six mois. Il dira si l’optimisme affiché aujourd’hui était justifié.",
        "Les prochaines semaines seront décisives. Nous y reviendrons.",
        "À {place}, en tout cas, on a appris à se méfier des promesses. Et à espérer quand même.",
        "« Le plus dur commence maintenant », conclut {person}.",
    ),
    headings=(
        "Un équilibre fragile", "Sur le terrain, des attentes immenses", "La question du financement",
        "Ce que la Belgique y gagne", "Un modèle pour d’autres ?",
    ),
    quotes=(
        "Nous ne pouvons plus nous permettre d’attendre que d’autres décident à notre place",
        "Ce qui se joue ici dépasse largement nos frontières",
        "Il y a dix ans, personne n’aurait parié sur un tel accord",
        "La confiance se construit projet par projet, pas par des déclarations",
    ),
    voices=(
        "Jonas Eriksen, chercheur dans un centre d’études européen", "Fatou Sarr, militante associative",
        "Laura Mendes, économiste indépendante", "Samuel Okafor, journaliste local",
    ),
)
