import multiprocessing

from manchette.edge.generation import Generation


def bump_many(path, times):
    generation = Generation(path)
    for _ in range(times):
        generation.bump()


def test_a_bump_is_seen_by_every_mapping_of_the_file(tmp_path):
    path = tmp_path / "var" / "edge-generation"
    reader, writer = Generation(path), Generation(path)
    assert reader.current() == 0
    assert writer.bump() == 1
    assert reader.current() == 1
    assert reader.node_id == writer.node_id and len(reader.node_id) == 32


def test_bumps_from_several_processes_all_count(tmp_path):
    path = tmp_path / "edge-generation"
    reader = Generation(path)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=bump_many, args=(path, 20_000)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert reader.current() == 80_000


def test_each_data_dir_is_its_own_node(tmp_path):
    assert Generation(tmp_path / "a").node_id != Generation(tmp_path / "b").node_id
