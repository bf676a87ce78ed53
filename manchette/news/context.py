"""What each page shows, loaded in one place per page with a fixed number of queries."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.template.loader import render_to_string

from manchette.edge import keys, views_counter
from manchette.edge.middleware import share_for

from .models import (
    CARD_RENDITIONS,
    HERO_RENDITIONS,
    EditorsPick,
    FrontPageLead,
    NewsRendition,
    paginate,
    visible_articles,
    with_cards,
)

SAME_STORY_SHOWN = 5
ALSO_IN_SHOWN = 4
SECTION_TEASERS = 4


@dataclass
class SectionIndex:
    """Every live section, loaded once per request: breadcrumbs, navigation and card labels."""

    by_path: dict

    @classmethod
    def load(cls):
        from .models import Section

        # Sorted here, not in SQL: ORDER BY path makes SQLite walk every page of the tree.
        keys.add(keys.list_of("news.section"))
        sections = sorted(Section.objects.live().only("id", "title", "slug", "path", "url_path", "depth"), key=lambda s: s.path)
        return cls({s.path: s for s in sections})

    def top_level(self):
        depth = min((s.depth for s in self.by_path.values()), default=0)
        return [s for s in self.by_path.values() if s.depth == depth]

    def chain(self, page_path):
        """The sections above a page, outermost first."""
        return [
            self.by_path[page_path[:end]]
            for end in range(4, len(page_path), 4)
            if page_path[:end] in self.by_path
        ]

    def section_of(self, page):
        chain = self.chain(page.path)
        return chain[-1] if chain else None

    def children(self, section):
        return [s for s in self.by_path.values() if s.depth == section.depth + 1 and s.path.startswith(section.path)]


def section_index(request):
    if not hasattr(request, "_manchette_sections"):
        request._manchette_sections = SectionIndex.load()
    return request._manchette_sections


def _labelled(articles, index):
    # Not `article.section`: Django's multi-table inheritance gives every page a `.section` accessor.
    for article in articles:
        article.kicker_section = index.section_of(article)
    return articles


def _slots(model, renditions=CARD_RENDITIONS):
    slots = (
        model.objects.filter(article__live=True)
        .select_related("article", "article__hero_image")
        .prefetch_related(
            Prefetch(
                "article__hero_image__renditions",
                queryset=NewsRendition.objects.filter(filter_spec__in=renditions),
            )
        )
        .order_by("sort_order")
    )
    return [slot.article for slot in slots]


def headlines(limit=6):
    """« À la Une » as titles only, for the article page."""
    keys.add(keys.list_of("news.frontpagelead"))
    # Driven by the few slots, in the newsroom's order: as a subquery on articles, PostgreSQL may walk
    # every article by date to find a handful.
    fields = ("title", "url_path", "path", "first_published_at")
    slots = (
        FrontPageLead.objects.filter(article__live=True)
        .select_related("article")
        .only("article_id", "sort_order", *(f"article__{name}" for name in fields))
        .order_by("sort_order")[:limit]
    )
    return [slot.article for slot in slots]


def best_of(limit=5):
    keys.add(keys.list_of("news.editorspick"))
    picks = EditorsPick.objects.filter(article__live=True).select_related("article").order_by("sort_order")[:limit]
    return [pick.article for pick in picks]


def article_page(article, request):
    index = section_index(request)
    chain = index.chain(article.path)
    section = chain[-1] if chain else None
    context = {
        "breadcrumb": chain,
        "section": section,
        "authors": list(article.authors.all()),
        "tags": list(article.tags.all()),
    }
    if article.story_id:
        keys.add(keys.list_of(f"story-{article.story_id}"))
        same_story = visible_articles().filter(story_id=article.story_id).exclude(pk=article.pk)
        context["same_story"] = list(same_story.only("id", "title", "url_path", "path", "first_published_at")[:SAME_STORY_SHOWN])
        context["same_story_count"] = same_story.count()
        context["story"] = article.story
    # Each article once on the page: the blocks shared by every article page (« À la Une », « Le meilleur de
    # l’actu », « Aussi en… ») hide this one and those « Sur le même sujet » lists (news/article.html).
    context["shown_here"] = [article.pk, *(item.pk for item in context.get("same_story", ()))]
    return context


# Blocks every article page shows, the same on each: cached once and put in place by the edge (edge/fragments.py).
# Each holds one item more than it shows: the article page hides itself in them and shows the spare instead
# (its style rule, news/article.html), so that the block stays the same for every page.
HEADLINES_SHOWN = 6
BEST_OF_SHOWN = 5


def headlines_block(request, arg):
    context = {"headlines": headlines(HEADLINES_SHOWN + 1), "shown": HEADLINES_SHOWN}
    return render_to_string("news/includes/headlines.html", context, request)


def best_of_block(request, arg):
    picks = _labelled(best_of(BEST_OF_SHOWN + 1), section_index(request))
    return render_to_string("news/includes/best_of.html", {"best_of": picks, "shown": BEST_OF_SHOWN}, request)


# « Les plus lus »: the visible articles most read over the last day, from the site's own counts
# (edge/views_counter.py), as a block cached for MOST_READ_SECONDS; each article shown adds its own key, so one
# unpublished leaves the block at once.
MOST_READ_SHOWN = 5
MOST_READ_HOURS = 24
MOST_READ_SECONDS = 300


def most_read(limit=MOST_READ_SHOWN, hours=MOST_READ_HOURS):
    counted = views_counter.most_read(hours, limit=limit * 10)
    if not counted:
        return []
    views = dict(counted)
    found = {
        article.pk: article
        for article in visible_articles().filter(pk__in=views).only("id", "title", "url_path", "path", "first_published_at")
    }
    return [found[pk] for pk, _ in counted if pk in found][:limit]


def most_read_block(request, arg):
    if request is not None:
        share_for(request, MOST_READ_SECONDS)
    articles = _labelled(most_read(), section_index(request))
    return render_to_string("news/includes/most_read.html", {"most_read": articles}, request)


def also_in_block(request, arg):
    """« Aussi en <rubrique> »: the newest articles of the section whose id is ARG."""
    index = section_index(request)
    section = next((s for s in index.by_path.values() if str(s.pk) == arg), None)
    if section is None:
        raise Http404
    articles = _labelled(list(with_cards(section.articles())[:ALSO_IN_SHOWN + 1]), index)
    return render_to_string("news/includes/also_in.html", {"also_in": articles, "section": section, "shown": ALSO_IN_SHOWN}, request)


def _front_split(count):
    """(blocks beside the side column, columns below) for COUNT section blocks: one or two beside it (about as tall
    as « À la Une » with them as the side column), and the others below across the page in full rows of four, or
    else of three, at 1280 px."""
    for columns in (4, 3):
        for beside in (1, 2):
            if count > beside and (count - beside) % columns == 0:
                return beside, columns
    return 1, 4


def _section_block(section, articles):
    """A section's block: a lead story (the newest with an image, if any) and the others as headlines."""
    lead = next((a for a in articles if a.hero_image_id), articles[0])
    others = [a for a in articles if a is not lead][: SECTION_TEASERS - 1]
    return {"section": section, "lead": lead, "others": others}


def front_page(home, request):
    index = section_index(request)
    keys.add(keys.list_of("news.frontpagelead"))
    leads = _labelled(_slots(FrontPageLead, HERO_RENDITIONS + CARD_RENDITIONS), index)
    shown = {a.pk for a in leads}
    blocks = []
    for section in index.top_level():
        # A few more than shown: the lead may be found further down when the newest have no image.
        articles = list(with_cards(section.articles().exclude(pk__in=shown))[:SECTION_TEASERS + 2])
        if articles:
            blocks.append(_section_block(section, _labelled(articles, index)))
    cards = leads[1:]
    beside, columns = _front_split(len(blocks))
    return {
        "leads": leads,
        # Cards of one kind: all with an image, or (if any has none) all as text, so no row has holes.
        "lead_cards": cards,
        "lead_cards_with_images": all(a.hero_image_id for a in cards),
        "top_blocks": blocks[:beside],
        "more_blocks": blocks[beside:],
        "more_columns": columns,
        "by_section": [(block["section"], [block["lead"], *block["others"]]) for block in blocks],
        "best_of": _labelled(best_of(), index),
    }


def section_page(section, request):
    index = section_index(request)
    return {
        "breadcrumb": [*index.chain(section.path), section],
        "subsections": index.children(section),
    }


def label_articles(articles, request):
    return _labelled(list(articles), section_index(request))


def listing_page(request, queryset):
    """One page of an article list (section, tag, author, fil info), each labelled with its section."""
    page_obj = paginate(request, queryset, settings.ARTICLES_PER_PAGE)
    page_obj.object_list = label_articles(page_obj.object_list, request)
    return page_obj
