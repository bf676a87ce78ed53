import pytest

pytestmark = pytest.mark.browser


def test_front_page_is_served_in_french(page, live_server_url, screenshot):
    response = page.goto("/")

    assert response.status == 200
    assert "Le Quotidien de Manchette" in page.title()
    assert page.locator("html").get_attribute("lang").startswith("fr")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert screenshot(page, f"front-page-{width}").stat().st_size > 0


def test_front_page_meets_wcag_aa(page, assert_accessible):
    page.goto("/")

    assert_accessible(page)
