"""The table of key versions every server process of a machine maps (edge/versions.py)."""

from manchette.edge.versions import SLOTS, Versions, slots_for


def test_an_entry_is_fresh_until_one_of_its_keys_is_invalidated(tmp_path):
    versions = Versions(tmp_path / "edge-versions")
    born = versions.current()
    slots = versions.slots_of(["page-1", "list-page-3"])
    assert versions.fresh(born, slots)
    versions.invalidate(["page-2"])
    assert versions.fresh(born, slots) or slots_for(["page-2"])[0] in slots, "another key leaves it alone"
    versions.invalidate(["list-page-3"])
    assert not versions.fresh(born, slots)
    assert versions.fresh(versions.current(), slots), "rendered after the change, it is fresh"


def test_every_process_sees_the_same_table(tmp_path):
    path = tmp_path / "var" / "edge-versions"
    reader, writer = Versions(path), Versions(path)
    born = reader.current()
    writer.invalidate(["page-1"])
    assert reader.current() == born + 1
    assert not reader.fresh(born, reader.slots_of(["page-1"]))
    assert reader.node_id == writer.node_id


def test_clearing_everything_raises_the_floor(tmp_path):
    versions = Versions(tmp_path / "edge-versions")
    born = versions.current()
    versions.invalidate_all()
    assert not versions.fresh(born, ())
    assert versions.fresh(versions.current(), versions.slots_of(["page-1"]))


def test_a_change_from_another_machine_is_applied_as_sent(tmp_path):
    versions = Versions(tmp_path / "edge-versions")
    born = versions.current()
    versions.apply("page-1 list-filinfo")
    assert not versions.fresh(born, versions.slots_of(["list-filinfo"]))
    born = versions.current()
    versions.apply("*")
    assert not versions.fresh(born, ())


def test_keys_spread_over_the_slots():
    slots = {slots_for([f"page-{n}"])[0] for n in range(10_000)}
    assert len(slots) > 9_000 and max(slots) < SLOTS
