import gzip

import pytest

from manchette.edge.store import ENTRY_OVERHEAD, Entry, PageStore
from manchette.edge.versions import Versions, slots_for

HTML = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Vary", b"Cookie"), (b"Content-Length", b"999")]


def entry(body=b"x" * 100, born=0, keys=("page-1",), now=0.0, ttl=300, headers=HTML):
    return Entry.build(200, headers, body, parts=((born, slots_for(keys)),), now=now, ttl=ttl)


@pytest.fixture
def versions(tmp_path):
    return Versions(tmp_path / "edge-versions")


def test_a_fresh_entry_is_found_and_a_stale_one_is_dropped(versions):
    store = PageStore(max_entries=10, max_bytes=10**6)
    store.put("a", entry(keys=["page-1"]))
    store.put("b", entry(keys=["page-2"]))
    assert store.get("a", versions, now=1.0) is not None
    versions.invalidate(["page-1"])
    assert store.get("a", versions, now=1.0) is None
    assert store.get("b", versions, now=1.0) is not None
    assert len(store) == 1, "a stale entry is dropped, not kept around"
    assert store.bytes == entry().size


def test_an_entry_expires_after_its_ttl(versions):
    store = PageStore(max_entries=10, max_bytes=10**6)
    store.put("a", entry(now=100.0, ttl=300))
    assert store.get("a", versions, now=399.0) is not None
    assert store.get("a", versions, now=400.0) is None


def test_the_least_recently_used_entry_goes_first(versions):
    store = PageStore(max_entries=4, max_bytes=10**6)  # 3 in the main part, 1 on probation
    for key in "abc":
        store.put(key, entry())
        store.get(key, versions, now=0.0)  # asked for again: in the main part
    store.get("a", versions, now=0.0)
    store.put("d", entry())
    assert store.get("b", versions, now=0.0) is not None, "a page on probation pushes out nothing"
    store.get("d", versions, now=0.0)
    assert store.get("c", versions, now=0.0) is None
    assert all(store.get(key, versions, now=0.0) is not None for key in "abd")


def test_a_flood_of_one_off_urls_does_not_push_out_the_pages_readers_want(versions):
    store = PageStore(max_entries=100, max_bytes=10**7)
    for key in ("/", "/belgique/", "/belgique/budget/"):
        store.put(key, entry())
        store.get(key, versions, now=0.0)
    for number in range(4800):
        store.put(f"/robots.txt?flood={number}", entry())
    assert all(store.get(key, versions, now=0.0) is not None for key in ("/", "/belgique/", "/belgique/budget/"))
    assert len(store) <= 100 and store.get("/robots.txt?flood=4799", versions, now=0.0) is not None
    assert store.get("/robots.txt?flood=0", versions, now=0.0) is None


def test_the_byte_budget_is_kept(versions):
    size = 1000 + ENTRY_OVERHEAD
    store = PageStore(max_entries=100, max_bytes=size * 8)
    for index in range(20):
        store.put(index, entry(body=b"%04d" % index * 250, headers=[]))
        store.get(index, versions, now=0.0)
    assert store.bytes <= store.max_bytes
    assert len(store) == 6, "the main part's three quarters"
    assert store.get(19, versions, now=0.0) is not None
    assert store.get(13, versions, now=0.0) is None
    for index in range(20, 40):
        store.put(index, entry(body=b"%04d" % index * 250, headers=[]))
    assert store.bytes <= store.max_bytes and store.new_bytes <= store.max_new_bytes
    assert store.get(19, versions, now=0.0) is not None, "pages asked for twice stay"


def test_an_entry_larger_than_an_eighth_of_the_budget_is_not_kept():
    store = PageStore(max_entries=100, max_bytes=8000)
    store.put("big", entry(body=b"y" * 2000, headers=[]))
    assert len(store) == 0 and store.bytes == 0


def test_replacing_an_entry_counts_its_bytes_once():
    store = PageStore(max_entries=10, max_bytes=10**6)
    store.put("a", entry())
    store.put("a", entry())
    assert store.bytes == entry().size


def test_html_gets_a_gzip_copy_and_vary_accept_encoding():
    body = b"<p>Le conseil communal adopte le budget.</p>" * 50
    kept = entry(body=body)
    headers, compressed = kept.variant(True)
    assert gzip.decompress(compressed) == body
    assert (b"content-encoding", b"gzip") in headers
    assert (b"content-length", str(len(compressed)).encode()) in headers
    assert (b"vary", b"Cookie, Accept-Encoding") in headers
    plain_headers, plain = kept.variant(False)
    assert plain == body
    assert (b"content-length", str(len(body)).encode()) in plain_headers
    assert (b"vary", b"Cookie, Accept-Encoding") in plain_headers
    assert b"999" not in dict(plain_headers).values(), "Django's length is recomputed per copy"


def test_small_or_binary_bodies_have_no_gzip_copy():
    assert entry(body=b"short").gzipped is None
    jpeg = entry(body=b"\xff\xd8" * 1000, headers=[(b"Content-Type", b"image/jpeg")])
    assert jpeg.gzipped is None
    assert jpeg.variant(True)[1] == b"\xff\xd8" * 1000


def test_a_gzip_file_put_together_from_deflated_parts_reads_back_whole():
    import zlib

    from manchette.edge.store import deflate, gzip_of

    parts = [b"<main>" + b"Le conseil communal adopte le budget. " * 40, b"", "<ol><li>Dépêche</li></ol>".encode(), b"</main>" * 100]
    body = b"".join(parts)
    assembled = gzip_of([deflate(part) for part in parts], body)
    assert gzip.decompress(assembled) == body
    assert zlib.decompress(assembled, wbits=31) == body
    assert len(assembled) < len(body)
