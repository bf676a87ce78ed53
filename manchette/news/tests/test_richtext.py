from manchette.news import richtext

NNBSP = "\u202f"


def test_typography_spaces_before_double_punctuation_and_inside_guillemets():
    text = richtext.typography_text("Il a dit: « non » ! Vraiment ?")
    assert text == f"Il a dit{NNBSP}: «{NNBSP}non{NNBSP}»{NNBSP}! Vraiment{NNBSP}?"


def test_typography_leaves_times_urls_and_markup_alone():
    assert richtext.typography_text("Rendez-vous à 21:30 sur https://exemple.be/a?b=1") == (
        "Rendez-vous à 21:30 sur https://exemple.be/a?b=1"
    )
    assert richtext.typography_html('<a href="https://x.be/?q=1">Lien</a>') == '<a href="https://x.be/?q=1">Lien</a>'


def test_sanitize_drops_scripts_handlers_and_javascript_links_but_keeps_wagtail_markup():
    dirty = (
        '<p data-block-key="k1" onclick="steal()">Texte<script>alert(1)</script>'
        '<a href="javascript:alert(1)">piège</a><a linktype="page" id="3">interne</a>'
        '<embed embedtype="image" id="4" format="fullwidth" alt="Vue"/></p><style>p{}</style>'
    )
    clean = richtext.sanitize(dirty)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean and "style" not in clean
    assert '<p data-block-key="k1">' in clean
    assert '<a linktype="page" id="3">interne</a>' in clean
    assert '<embed embedtype="image" id="4" format="fullwidth" alt="Vue"/>' in clean


def test_reading_time_counts_words(settings):
    settings.READING_WORDS_PER_MINUTE = 200
    assert richtext.reading_minutes("<p>" + "mot " * 10 + "</p>") == 1
    assert richtext.reading_minutes("<p>" + "mot " * 401 + "</p>") == 3
