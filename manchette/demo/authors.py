"""The newsroom: twelve fictional journalists, each with the sections they usually write for."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AuthorSpec:
    name: str
    slug: str
    role: str
    bio: str
    beats: tuple


AUTHORS = (
    AuthorSpec(
        "Claire Vandenberghe", "claire-vandenberghe", "Rédactrice en chef adjointe",
        "Entrée à la rédaction en 2004 au service Belgique, elle a couvert six formations de gouvernement "
        "avant de prendre la tête des pages Opinions.",
        ("editoriaux", "chroniques", "cartes-blanches", "flandre"),
    ),
    AuthorSpec(
        "Julien Mathy", "julien-mathy", "Journaliste au service Belgique",
        "Bruxellois d’adoption, il arpente les dix-neuf communes à vélo et connaît chaque chantier de la capitale.",
        ("bruxelles", "mobilite", "chroniques"),
    ),
    AuthorSpec(
        "Sophie Delcourt", "sophie-delcourt", "Journaliste au service Belgique",
        "Namuroise, elle suit la vie des communes wallonnes et les dossiers d’enseignement depuis dix ans.",
        ("wallonie", "education", "entreprises"),
    ),
    AuthorSpec(
        "Anke Verstraeten", "anke-verstraeten", "Correspondante en Flandre",
        "Née à Courtrai, formée à Gand et à Louvain-la-Neuve, elle raconte la Flandre aux lecteurs francophones.",
        ("flandre", "bruxelles", "justice"),
    ),
    AuthorSpec(
        "Marc-Antoine Lefèvre", "marc-antoine-lefevre", "Chef du service Monde",
        "Ancien correspondant à Lisbonne puis à Washington, il dirige le service international depuis 2019.",
        ("europe", "etats-unis", "editoriaux"),
    ),
    AuthorSpec(
        "Aïcha Benali", "aicha-benali", "Journaliste au service Monde",
        "Spécialiste de l’Afrique de l’Ouest et centrale, elle a vécu cinq ans à Dakar avant de rejoindre la rédaction.",
        ("afrique", "europe", "cartes-blanches"),
    ),
    AuthorSpec(
        "Thomas Renard", "thomas-renard", "Journaliste au service Économie",
        "Il suit les entreprises industrielles, les syndicats et les grandes négociations sociales.",
        ("entreprises", "emploi", "wallonie"),
    ),
    AuthorSpec(
        "Nathalie Piron", "nathalie-piron", "Journaliste au service Économie",
        "Elle décortique les factures, les prix et les contrats pour que chacun s’y retrouve.",
        ("consommation", "emploi", "sante"),
    ),
    AuthorSpec(
        "Bastien Collard", "bastien-collard", "Journaliste au service Sports",
        "Il couvre le football belge depuis les tribunes de Pro League comme depuis les terrains de province.",
        ("football", "omnisports"),
    ),
    AuthorSpec(
        "Élodie Marchal", "elodie-marchal", "Journaliste au service Sports",
        "Ancienne coureuse cycliste, elle suit les classiques, les grands tours et les sports moins médiatisés.",
        ("cyclisme", "omnisports"),
    ),
    AuthorSpec(
        "Hélène Dujardin", "helene-dujardin", "Critique culturelle",
        "Cinéphile, lectrice insatiable et habituée des salles de concert, elle dirige les pages Culture.",
        ("cinema", "musique", "livres", "chroniques"),
    ),
    AuthorSpec(
        "Grégoire Lambotte", "gregoire-lambotte", "Journaliste scientifique",
        "Docteur en biologie, il a quitté le laboratoire pour raconter la recherche, le climat et la santé.",
        ("environnement", "sante", "technologies"),
    ),
)
