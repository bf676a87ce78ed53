"""The demo newspaper's sections: eight top-level sections, each with its sub-sections."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    title: str
    slug: str
    intro: str
    children: tuple = ()


SECTIONS = (
    SectionSpec("Belgique", "belgique", "La vie politique, les communes et les régions du pays.", (
        SectionSpec("Bruxelles", "bruxelles", "Les dix-neuf communes, leurs chantiers et leurs quartiers."),
        SectionSpec("Wallonie", "wallonie", "De Mouscron à Arlon, l’actualité des villes et des villages wallons."),
        SectionSpec("Flandre", "flandre", "Ce qui se décide et se vit au nord du pays."),
    )),
    SectionSpec("Monde", "monde", "L’actualité internationale, racontée par nos correspondants.", (
        SectionSpec("Europe", "europe", "L’Union, ses institutions et ses voisins."),
        SectionSpec("États-Unis", "etats-unis", "L’Amérique des grandes villes et des petites routes."),
        SectionSpec("Afrique", "afrique", "Un continent de villes, d’entreprises et d’inventions."),
    )),
    SectionSpec("Économie", "economie", "Entreprises, emploi et portefeuille des ménages.", (
        SectionSpec("Entreprises", "entreprises", "Les sociétés belges, leurs projets et leurs difficultés."),
        SectionSpec("Emploi", "emploi", "Le marché du travail, les métiers et les salaires."),
        SectionSpec("Consommation", "consommation", "Les prix, l’énergie et les achats du quotidien."),
    )),
    SectionSpec("Sports", "sports", "Résultats, coulisses et portraits.", (
        SectionSpec("Football", "football", "La Pro League, les divisions inférieures et les Diables rouges."),
        SectionSpec("Cyclisme", "cyclisme", "Les classiques, les grands tours et le cyclo-cross."),
        SectionSpec("Omnisports", "omnisports", "Tennis, hockey, athlétisme, basket et tous les autres."),
    )),
    SectionSpec("Culture", "culture", "Les films, les concerts, les livres et les expositions.", (
        SectionSpec("Cinéma", "cinema", "Les sorties, les festivals et le cinéma belge."),
        SectionSpec("Musique", "musique", "Concerts, albums et festivals d’été."),
        SectionSpec("Livres", "livres", "Romans, essais et bandes dessinées."),
    )),
    SectionSpec("Sciences", "sciences", "Recherche, santé et environnement.", (
        SectionSpec("Environnement", "environnement", "Le climat, la biodiversité et l’eau."),
        SectionSpec("Santé", "sante", "La médecine, les hôpitaux et la prévention."),
        SectionSpec("Technologies", "technologies", "Le numérique, l’espace et l’innovation."),
    )),
    SectionSpec("Société", "societe", "L’école, la justice, la mobilité : la vie en commun.", (
        SectionSpec("Éducation", "education", "De la maternelle à l’université."),
        SectionSpec("Justice", "justice", "Les procès, les tribunaux et les droits de chacun."),
        SectionSpec("Mobilité", "mobilite", "Trains, bus, vélos et embouteillages."),
    )),
    SectionSpec("Opinions", "opinions", "Éditoriaux, cartes blanches et chroniques.", (
        SectionSpec("Éditoriaux", "editoriaux", "La position de la rédaction."),
        SectionSpec("Cartes blanches", "cartes-blanches", "La parole aux lecteurs, aux experts et aux acteurs."),
        SectionSpec("Chroniques", "chroniques", "Le regard de nos chroniqueurs."),
    )),
)


def leaves():
    """Every sub-section with its top-level section, in reading order."""
    return [(top, child) for top in SECTIONS for child in top.children]
