"""The newspaper: front page, sections, articles, stories, authors, images."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images.models import AbstractImage, AbstractRendition, Filter
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from manchette.edge import keys

from . import richtext
from . import slugs as slug_forms
from .admin_french import NewsInlinePanel
from .slugs import FoldedSlugPage, fold_snippet_slug
from .visibility import expired, under_unpublished
from .widgets import AuthorsChooser, StoryChooser

BODY_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "blockquote", "hr", "image"]
# Every rendition a template shows, so lists can prefetch exactly these; fill- respects the focal point.
HERO_RENDITIONS = tuple(Filter.expand_spec("fill-{480x270,800x450,1200x675} format-{avif,webp,jpeg}"))
CARD_RENDITIONS = tuple(Filter.expand_spec("fill-{320x180,640x360} format-{avif,webp,jpeg}"))


class NewsImage(AbstractImage):
    caption = models.CharField(_("légende"), max_length=400, blank=True)
    credit = models.CharField(_("crédit"), max_length=200, blank=True)

    admin_form_fields = (
        "title", "file", "caption", "credit", "description", "collection", "tags",
        "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("choose_image", "Can choose image")]


class NewsRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class Author(index.Indexed, models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    role = models.CharField(_("fonction"), max_length=120, blank=True)
    bio = models.TextField(_("biographie"), blank=True)
    photo = models.ForeignKey(
        NewsImage, verbose_name=_("photo"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    # The journalist's own account: their comments under their articles carry the « Auteur de l’article » badge.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="author",
    )

    panels = [
        FieldPanel("name"), FieldPanel("slug"), FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo"), FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    base_form_class = slug_forms.AuthorForm

    class Meta:
        ordering = ["name"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fold_snippet_slug(self, self.name)
        super().save(*args, **kwargs)


class Story(index.Indexed, models.Model):
    """A subject followed over several articles; it drives « Sur le même sujet »."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("title"), FieldPanel("slug"), FieldPanel("description")]
    base_form_class = slug_forms.StoryForm
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        fold_snippet_slug(self, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:story", args=[self.slug])

    def articles_shown(self):
        """Its articles readers may see, newest first (the story's page, its feeds, « Sur le même sujet »)."""
        keys.add(keys.list_of(f"story-{self.pk}"))
        return visible_articles().filter(story=self)


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey("news.Article", on_delete=models.CASCADE, related_name="tagged_items")


def visible_articles():
    """Articles a reader may see (visibility.py). The only gate every list goes through."""
    from .visibility import shown

    return shown(Article.objects.all()).order_by("-first_published_at", "-pk")


def with_cards(queryset):
    """What a list of article cards needs, loaded in a fixed number of queries."""
    renditions = NewsRendition.objects.filter(filter_spec__in=CARD_RENDITIONS)
    return (
        queryset.defer("body")
        .select_related("hero_image")
        .prefetch_related(Prefetch("hero_image__renditions", queryset=renditions))
    )


class FromEitherEndPaginator(Paginator):
    """Page N of M reads from the nearer end of the list: the last pages cost what the first ones cost.

    An OFFSET makes the database walk every row it skips: the last page of a section of 20,000 articles
    read 20,000 of them. A page in the second half is found in the reverse order, with the smaller offset;
    and past the first page, the rows skipped are read as keys only (a narrow sort that fits in memory),
    the page's full rows then fetched by key. Only a queryset whose ordering ends on a unique field is paged
    this way, so that both directions give the same rows in the same order; anything else (a list, an
    unordered or partly ordered query) pages as Django does.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom == 0 or not totally_ordered(self.object_list):
            return super().page(number)
        rows = self.object_list
        if self.count - top < bottom:
            keys = rows.reverse().values_list("pk", flat=True)[self.count - top : self.count - bottom]
        else:
            keys = rows.values_list("pk", flat=True)[bottom:top]
        return self._get_page(list(rows.filter(pk__in=keys)), number, self)


def totally_ordered(object_list):
    """Whether the query orders its rows totally (last on a unique field), so that any two reads agree."""
    if not isinstance(object_list, models.QuerySet):
        return False
    query = object_list.query
    if query.is_sliced or query.combinator or query.distinct_fields:
        return False
    ordering = query.order_by or (query.default_ordering and object_list.model._meta.ordering) or ()
    last = ordering[-1] if ordering else None
    if not isinstance(last, str):
        return False
    name = last.removeprefix("-")
    if name == "pk":
        return True
    try:
        field = object_list.model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.unique and not field.null


def paginate(request, queryset, per_page):
    """Page through a list; a page number that is not a number or out of range is a 404."""
    raw = request.GET.get("page", "1")
    # ASCII digits only: str.isdigit() also takes « ² », which int() refuses (a 500).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise Http404(_("Cette page n’existe pas."))
    paginator = FromEitherEndPaginator(queryset, per_page)
    try:
        return paginator.page(int(raw))
    except EmptyPage as exc:
        raise Http404(_("Cette page n’existe pas.")) from exc


class HomePage(FoldedSlugPage, Page):
    """The front page, « À la Une »: lead stories in the order the newsroom sets, then each section."""

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["news.Section"]
    template = "news/home_page.html"

    content_panels = [
        *Page.content_panels,
        NewsInlinePanel(
            "lead_slots", label=_("Emplacement de la une"), heading=_("Articles à la Une"),
            add_label=_("Ajouter un emplacement de la une"),
        ),
        NewsInlinePanel(
            "picks", label=_("Sélection"), heading=_("Le meilleur de l’actu"), add_label=_("Ajouter une sélection"),
        ),
    ]

    class Meta:
        verbose_name = _("page d’accueil")

    def route(self, request, path_components):
        # One indexed lookup by URL path instead of one query per path segment.
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            article = Article.objects.filter(url_path=url_path).select_related("hero_image", "story").first()
            if article is not None:
                if not article.live or under_unpublished(article) or expired(article):
                    raise Http404
                return RouteResult(article)
        result = super().route(request, path_components)
        # Wagtail routes through a section that is not live to the pages under it.
        if under_unpublished(result.page):
            raise Http404
        return result

    def get_context(self, request, *args, **kwargs):
        from .context import front_page

        context = super().get_context(request, *args, **kwargs)
        context.update(front_page(self, request))
        return context


class FrontPageSlot(Orderable):
    article = models.ForeignKey("news.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        abstract = True


class FrontPageLead(FrontPageSlot):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="lead_slots")

    class Meta(FrontPageSlot.Meta):
        verbose_name = _("article à la Une")


class EditorsPick(FrontPageSlot):
    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="picks")

    class Meta(FrontPageSlot.Meta):
        verbose_name = _("choix de la rédaction")


class Discussion(models.TextChoices):
    """Whether readers may comment an article (the comments app reads it; an empty value inherits)."""

    OPEN = "open", _("Ouverts")
    PREMODERATED = "premoderated", _("Modérés avant publication")
    CLOSED = "closed", _("Fermés")


def discussion_field(help_text):
    return models.CharField(_("commentaires"), max_length=16, choices=Discussion.choices, blank=True, help_text=help_text)


class Section(FoldedSlugPage, RoutablePageMixin, Page):
    """A section or sub-section (Monde, Monde > Europe…): its articles, newest first, and its feeds."""

    intro = models.TextField(_("présentation"), blank=True)
    comments_default = discussion_field(
        _("Pour les articles de la rubrique qui n’en décident pas. Vide : comme la rubrique parente, ou le réglage du site.")
    )
    # What social networks and search engines show for the section's articles that have no image (news/seo.py).
    share_image = models.ForeignKey(
        NewsImage, verbose_name=_("image de partage"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Montrée lors du partage des articles de la rubrique qui n’ont pas d’image, et de la rubrique elle-même."),
    )

    parent_page_types = ["news.HomePage", "news.Section"]
    subpage_types = ["news.Section", "news.Article"]
    template = "news/section.html"
    base_form_class = slug_forms.SectionForm
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [*Page.settings_panels, FieldPanel("comments_default")]
    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")

    def articles(self):
        keys.add(keys.list_of(f"page-{self.pk}"))
        return visible_articles().filter(path__startswith=self.path)

    @path("")
    def listing(self, request):
        from .context import listing_page, section_page

        page_obj = listing_page(request, with_cards(self.articles()))
        context = {"page_obj": page_obj, **section_page(self, request)}
        return self.render(request, context_overrides=context)

    @path("rss/")
    def rss(self, request):
        from .feeds import SectionRssFeed

        return SectionRssFeed()(request, section=self)

    @path("atom/")
    def atom(self, request):
        from .feeds import SectionAtomFeed

        return SectionAtomFeed()(request, section=self)


class Article(FoldedSlugPage, Page):
    lead = models.TextField(_("chapô"), help_text=_("Texte brut, deux ou trois phrases : il sert aussi de résumé."))
    body = RichTextField(_("corps"), features=BODY_FEATURES)
    hero_image = models.ForeignKey(
        NewsImage, verbose_name=_("image principale"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    hero_caption = models.CharField(
        _("légende"), max_length=400, blank=True, help_text=_("Laisser vide pour reprendre la légende de l’image.")
    )
    authors = ParentalManyToManyField(Author, verbose_name=_("auteurs"), blank=True, related_name="articles")
    story = models.ForeignKey(
        Story, verbose_name=_("sujet"), null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("mots-clés"))
    discussion = discussion_field(_("Vide : comme le veut la rubrique. Fermer garde visibles les commentaires déjà publiés."))

    parent_page_types = ["news.Section"]
    subpage_types = []
    template = "news/article.html"
    base_form_class = slug_forms.ArticleForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("lead"),
        MultiFieldPanel([FieldPanel("hero_image"), FieldPanel("hero_caption")], heading=_("Image principale")),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("authors", widget=AuthorsChooser), FieldPanel("story", widget=StoryChooser), FieldPanel("tags")], heading=_("Classement"),
        ),
    ]
    settings_panels = [*Page.settings_panels, FieldPanel("discussion")]
    search_fields = [*Page.search_fields, index.SearchField("lead"), index.SearchField("body")]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def save(self, *args, **kwargs):
        self.body = richtext.sanitize(self.body)
        if not self.search_description:
            self.search_description = self.lead[:300]
        super().save(*args, **kwargs)

    @cached_property
    def reading_minutes(self):
        return richtext.reading_minutes(self.body)

    @property
    def caption(self):
        if self.hero_caption:
            return self.hero_caption
        return self.hero_image.caption if self.hero_image else ""

    @property
    def was_updated(self):
        # Wagtail bumps last_published_at on every publish; a correction is one made later than a few minutes.
        if not (self.first_published_at and self.last_published_at):
            return False
        return (self.last_published_at - self.first_published_at).total_seconds() > 300

    def get_context(self, request, *args, **kwargs):
        from .context import article_page

        context = super().get_context(request, *args, **kwargs)
        context.update(article_page(self, request))
        return context
