"""The disk cache of what every run works out the same way (packs/cache.py): an entry is used only when
everything it was made from is unchanged, only from a file this user alone can write, and never when
turned off."""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from labourwatch.packs import cache, loader


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOURWATCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def counting(value):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_an_entry_is_made_once_then_read(folder):
    make, calls = counting({"sql": "SELECT 1"})
    assert cache.cached("sql-x", make) == cache.cached("sql-x", make) == {"sql": "SELECT 1"}
    assert len(calls) == 1
    entry = folder / "sql-x.pickle"
    assert entry.stat().st_mode & 0o077 == 0 and folder.stat().st_mode & 0o077 == 0  # this user's only


def test_off_makes_it_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LABOURWATCH_CACHE", "off")
    make, calls = counting(1)
    cache.cached("sql-x", make)
    cache.cached("sql-x", make)
    assert len(calls) == 2
    assert cache.cache_dir() is None


def test_an_entry_others_could_have_written_is_not_read(folder):
    make, calls = counting("ours")
    cache.cached("sql-x", make)
    (folder / "sql-x.pickle").chmod(0o666)
    assert cache.cached("sql-x", make) == "ours"
    assert len(calls) == 2


def test_a_broken_entry_is_made_again(folder):
    make, calls = counting([1, 2])
    cache.cached("sql-x", make)
    (folder / "sql-x.pickle").write_bytes(b"\x80\x05 cut short")
    assert cache.cached("sql-x", make) == [1, 2]
    assert len(calls) == 2


def test_a_folder_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("LABOURWATCH_CACHE", str(tmp_path / "file"))
    assert cache.cached("sql-x", lambda: 42) == 42


def test_only_the_latest_entries_of_a_kind_are_kept(folder):
    for i in range(cache.KEPT + 3):
        cache.cached(f"sql-{i}", lambda: "q")
        os.utime(folder / f"sql-{i}.pickle", ns=(i * 10**9, i * 10**9))
    cache.cached("packs-1", lambda: "p")
    cache.cached("sql-new", lambda: "q")
    left = {p.name for p in folder.glob("*.pickle")}
    assert len([n for n in left if n.startswith("sql-")]) == cache.KEPT
    assert "sql-new.pickle" in left and "packs-1.pickle" in left and "sql-0.pickle" not in left


def test_the_key_changes_with_what_the_entry_is_made_from():
    assert cache.key("sql", ["a", "b"]) == cache.key("sql", ["a", "b"])
    assert len({cache.key("sql", ["a", "b"]), cache.key("sql", ["a", "c"]), cache.key("packs", ["a", "b"])}) == 3


def test_packs_read_from_the_cache_are_the_packs_loaded(folder, monkeypatch):
    monkeypatch.setattr(loader, "_BUILTIN", {})
    loaded = loader.load_packs(["kz-labour"])
    assert list(folder.glob("packs-*.pickle"))
    monkeypatch.setattr(loader, "_BUILTIN", {})
    monkeypatch.setattr(loader, "_load_packs", lambda *_: pytest.fail("read again instead of from the cache"))
    assert loader.load_packs(["kz-labour"]) == loaded


def test_a_changed_pack_is_loaded_again(folder, tmp_path, monkeypatch):
    """Changing a value of the law makes a new entry: nothing stale is ever used."""
    original = next(d for d in loader.builtin_pack_dirs() if d.name == "kz-labour")
    copy = shutil.copytree(original, tmp_path / "kz-labour")
    monkeypatch.setattr(loader, "builtin_pack_dirs", lambda: [copy])
    monkeypatch.setattr(loader, "_BUILTIN", {})
    mzp = loader.load_packs(["kz-labour"])[0].parameters["wages.mzp"]
    assert mzp.at(date(2006, 6, 1)).value == 9200
    wages = copy / "parameters" / "wages.yaml"
    wages.write_text(wages.read_text(encoding="utf-8").replace("value: 9200", "value: 9201", 1), encoding="utf-8")
    monkeypatch.setattr(loader, "_BUILTIN", {})
    assert loader.load_packs(["kz-labour"])[0].parameters["wages.mzp"].at(date(2006, 6, 1)).value == 9201
