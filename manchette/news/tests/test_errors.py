import pytest
from django.test import Client
from django.urls import path

from manchette import urls as project_urls


def explode(request):
    raise RuntimeError("panne simulée")


urlpatterns = [path("panne/", explode), *project_urls.urlpatterns]
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_server_errors_get_a_french_page_without_details(db):
    response = Client(raise_request_exception=False).get("/panne/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Un incident technique nous empêche d’afficher cette page" in body
    assert "panne simulée" not in body and "Traceback" not in body


def test_unknown_pages_get_a_french_404(client, home):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
