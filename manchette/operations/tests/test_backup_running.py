"""A backup of a running site, restored elsewhere.

`manchette serve` answers readers (whose visits make image renditions and count views) and `manchette worker`
publishes what was scheduled, while a newsroom thread publishes articles, new revisions of them, dispatches and
images, one transaction per step, and `manchette backup` copies the site. Restored into another installation
(another data folder, or another PostgreSQL database) by `manchette restore`, every article, revision, dispatch and
image is exactly as it was after some whole number of the newsroom's steps, one taken during the backup; each
scheduled article is either before or after its publication, whole; every image file its rows name is there, and
the rows and files are those the manifest lists. A backup killed half-way leaves nothing that looks like one.
"""

import json
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import close_old_connections, transaction
from django.utils import timezone

from manchette.filinfo.models import Dispatch
from manchette.filinfo.tests.factories import correct, publish_dispatch
from manchette.news.models import Article, NewsImage, Section
from manchette.news.tests.factories import ArticleFactory, ImageFactory, make_image_file, publish
from manchette.testing.pytest_plugin import serving_env
from manchette.testing.servers import launch, running, stop

from .installations import empty_installation, file_digest, installation_state

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True), pytest.mark.timeout(290)]

WAIT = 120  # seconds, for any one wait of this test
SCHEDULED_IN = (2, 6, 12, 20)  # seconds after the backup starts: some due before its copy of the database, some after


class Newsroom(threading.Thread):
    """Writes until told to finish, one transaction per step; after each, the state of what it changed, read back.

    The state of the site after its first K steps is then its state before them updated by steps[:K]."""

    def __init__(self, section):
        super().__init__(daemon=True)
        self.section_pk = section.pk
        self.articles, self.dispatches, self.paths = [], [], []
        self.steps = []
        self.finish = threading.Event()
        self.error = None

    def run(self):
        try:
            step = 0
            while not self.finish.is_set():
                with transaction.atomic():
                    changed = self.write(step)
                self.steps.append(installation_state(**changed))
                step += 1
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            close_old_connections()

    def write(self, step):
        if step % 4 == 0 or not self.articles:
            return self.new_article(step)
        if step % 4 == 1:
            return self.new_revision(step)
        if step % 4 == 2:
            return self.dispatch(step)
        return self.new_image(step)

    def new_article(self, step):
        article = Article(title=f"Article de l’étape {step}", slug=f"etape-{step}", lead="Le chapô.", body="<p>Le texte.</p>", live=False)
        Section.objects.get(pk=self.section_pk).add_child(instance=article)
        publish(article)
        self.articles.append(article.pk)
        self.paths.append(article.relative_url(article.get_site()))
        return {"articles": [article.pk]}

    def new_revision(self, step):
        article = Article.objects.get(pk=self.articles[step % len(self.articles)])
        article.title = f"Article {article.pk}, version de l’étape {step}"
        publish(article)
        return {"articles": [article.pk]}

    def dispatch(self, step):
        if step % 8 == 2:
            dispatch = publish_dispatch(f"Dépêche de l’étape {step}")
            self.dispatches.append(dispatch.pk)
        else:
            dispatch = correct(Dispatch.objects.get(pk=self.dispatches[-1]), title=f"Dépêche corrigée à l’étape {step}")
        return {"dispatches": [dispatch.pk]}

    def new_image(self, step):
        image = NewsImage.objects.create(
            title=f"Image de l’étape {step}", file=make_image_file(f"etape-{step}.jpg", (800, 450), (step * 37 % 256, 90, 160)),
        )
        article = Article.objects.get(pk=self.articles[-1])
        article.hero_image = image
        publish(article)
        return {"articles": [article.pk], "images": [image.pk]}


class Readers(threading.Thread):
    """Reads the newsroom's latest articles on the server, which renders their images' renditions."""

    def __init__(self, url, newsroom):
        super().__init__(daemon=True)
        self.url, self.newsroom = url, newsroom
        self.statuses = []
        self.finish = threading.Event()

    def run(self):
        while not self.finish.wait(0.2):
            for path in self.newsroom.paths[-3:]:
                try:
                    with urllib.request.urlopen(self.url + path, timeout=20) as response:
                        self.statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    self.statuses.append(error.code)


def wait_until(condition, what, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not after {timeout} s"
        time.sleep(0.1)


def manchette(*args, env, timeout=WAIT):
    return subprocess.run([sys.executable, "-m", "manchette.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def schedule(section, seconds):
    """An article approved to go live in SECONDS: the worker publishes it then."""
    article = Article(title=f"Programmé à {seconds} s", slug=f"programme-{seconds}", lead="Le chapô.", body="<p>Le texte.</p>",
                      live=False, go_live_at=timezone.now() + timedelta(seconds=seconds))
    section.add_child(instance=article)
    publish(article)
    return installation_state(articles=[article.pk])


def by_table(manifest):
    return {name.rpartition(".")[2]: rows for name, rows in manifest["database"]["tables"].items()}


def count(state, kind):
    return sum(key.startswith(f"{kind}:") for key in state)


@pytest.fixture
def site(section, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "medias"
    for n in range(3):
        publish(ArticleFactory(parent=section, title=f"Article du matin {n}", hero_image=ImageFactory()))
    publish_dispatch("Première dépêche du jour")
    return section


def test_a_backup_of_a_running_site_restores_every_article_revision_dispatch_and_image(site, settings, servers, tmp_path):
    env = serving_env(MEDIA_ROOT=settings.MEDIA_ROOT)
    server = servers(MEDIA_ROOT=settings.MEDIA_ROOT, VIEWS_FLUSH_SECONDS=1)
    worker = [sys.executable, "-m", "manchette.cli", "worker", "--interval", "0.2", "--no-startup-delay"]
    with running(worker, tmp_path / "worker.log", env):
        before = {key: value for key, value in installation_state().items() if not key.startswith("rendition:")}
        newsroom = Newsroom(site)
        readers = Readers(server.url, newsroom)
        newsroom.start()
        readers.start()
        try:
            wait_until(lambda: len(newsroom.steps) >= 8 or newsroom.error, "the newsroom's first steps")
            backup_started = time.monotonic()
            scheduled = {seconds: schedule(site, seconds) for seconds in SCHEDULED_IN}
            steps_before = len(newsroom.steps)
            done = manchette("backup", str(tmp_path / "sauvegarde.tar.gz"), env=env)
            steps_after = len(newsroom.steps)
            assert done.returncode == 0, done.stderr
            wait_until(lambda: time.monotonic() - backup_started > max(SCHEDULED_IN) + 1, "the last scheduled time")
        finally:
            newsroom.finish.set()
            readers.finish.set()
            newsroom.join(WAIT)
            readers.join(WAIT)
        assert newsroom.error is None, newsroom.error
        wait_until(lambda: Article.objects.filter(slug__startswith="programme-", live=True).count() == len(SCHEDULED_IN),
                   "the worker's publication of the scheduled articles")
    server.stop()
    source = installation_state()
    assert steps_after > steps_before, "the newsroom wrote nothing while the backup ran"
    assert readers.statuses and set(readers.statuses) == {200}
    assert count(source, "rendition") > 0, "the readers' visits made no rendition"

    with empty_installation(tmp_path / "ailleurs") as target:
        done = manchette("restore", str(tmp_path / "sauvegarde.tar.gz"), env=target.env)
        assert done.returncode == 0, done.stderr
        listed = subprocess.run([sys.executable, "-m", "manchette.operations.tests.installations"], env=target.env,
                                capture_output=True, text=True, timeout=WAIT, check=False)
        assert listed.returncode == 0, listed.stderr
        restored = json.loads(listed.stdout.strip().splitlines()[-1])
        restored_files = {path.relative_to(target.media_root).as_posix(): file_digest(path)
                          for path in target.media_root.rglob("*") if path.is_file()}
    with tarfile.open(tmp_path / "sauvegarde.tar.gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))

    # Each scheduled article, with its revisions, is as it was before its publication or after it, whole.
    for seconds, scheduled_state in scheduled.items():
        found = {key: restored.get(key) for key in scheduled_state}
        published = {key: source[key] for key in scheduled_state}
        assert found in (scheduled_state, published), f"the article scheduled at {seconds} s is torn"
    # Everything else is the site after the newsroom's first K steps, for one K reached while the backup ran.
    rest = {key: value for key, value in restored.items()
            if not key.startswith("rendition:") and not any(key in state for state in scheduled.values())}
    expected, matches = dict(before), []
    for steps in range(len(newsroom.steps) + 1):
        if steps:
            expected.update(newsroom.steps[steps - 1])
        if rest == expected:
            matches.append(steps)
    assert len(matches) == 1, "the restored site is no state the newsroom left it in"
    assert steps_before <= matches[0] <= steps_after + 1
    # Renditions made while the site ran: those restored are the site's, their files with them.
    for key, rendition in restored.items():
        if key.startswith("rendition:"):
            assert rendition == source[key]
    assert all(value["sha256"] != "absent" for key, value in restored.items() if key.startswith(("image:", "rendition:")))

    # The rows and files the manifest lists are those restored.
    tables = by_table(manifest)
    for kind, table in [("article", "news_article"), ("revision", "wagtailcore_revision"), ("dispatch", "filinfo_dispatch"),
                        ("image", "news_newsimage"), ("rendition", "news_newsrendition")]:
        assert count(restored, kind) == tables[table], table
    media = {entry["path"].removeprefix("media/"): entry["sha256"] for entry in manifest["files"] if entry["path"].startswith("media/")}
    assert restored_files == media
    for key, value in restored.items():
        if key.startswith(("image:", "rendition:")):
            assert media[value["file"]] == value["sha256"], key


def test_a_backup_killed_half_way_leaves_nothing_that_looks_like_one(settings, tmp_path):
    settings.MEDIA_ROOT = media = tmp_path / "medias"
    (media / "original_images").mkdir(parents=True)
    for n in range(60):
        (media / "original_images" / f"photo-{n}.jpg").write_bytes(os.urandom(1024 * 1024))
    destination = tmp_path / "sauvegardes" / "nuit.tar.gz"

    def partial():
        return [path for path in destination.parent.glob(f".{destination.name}.partial-*") if path.stat().st_size > 4 * 1024 * 1024]

    process = launch([sys.executable, "-m", "manchette.cli", "backup", str(destination)], tmp_path / "backup.log",
                     serving_env(MEDIA_ROOT=media))
    try:
        wait_until(lambda: process.poll() is not None or partial(), "a partial archive of 4 MiB")
        assert process.poll() is None, "the backup ended before it could be killed: give it more to copy"
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT)
    finally:
        stop(process)
    assert not destination.exists()
    assert partial() and all(path.name.startswith(".") for path in destination.parent.iterdir())
    with empty_installation(tmp_path / "ailleurs") as target:
        done = manchette("restore", str(partial()[0]), env=target.env)
    assert done.returncode == 2, done.stderr
    assert "tronquée ou illisible" in done.stderr
