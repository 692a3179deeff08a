from pathlib import Path

import pytest
import yaml

from pipeline.config import to_dict
from pipeline.errors import MazmunError
from pipeline.run_config import Config, load_config
from tests.conftest import ROOT


def test_default_yaml_matches_the_dataclass_defaults():
    assert to_dict(load_config(ROOT / "configs" / "default.yaml")) == to_dict(Config())


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_config_loads(path):
    assert isinstance(load_config(path), Config)


def test_overrides_and_types():
    cfg = load_config(None, ["cluster.min_cluster_size=5", "seed=7", "ingest.extensions=[.txt]"])
    assert (cfg.cluster.min_cluster_size, cfg.seed, cfg.ingest.extensions) == (5, 7, (".txt",))
    assert load_config(None, ["reduce.min_dist=0"]).reduce.min_dist == 0.0


@pytest.mark.parametrize("data,code,words", [
    ({"clusterr": {}}, "E202", "unknown section 'clusterr'"),
    ({"cluster": {"min_size": 3}}, "E202", "unknown key 'min_size'"),
    ({"cluster": {"min_cluster_size": "five"}}, "E203", "cluster.min_cluster_size"),
    ({"cluster": {"selection": "best"}}, "E203", "leaf or eom"),
    ({"segment": {"min_words": True}}, "E203", "segment.min_words"),
    ({"seed": -1}, "E203", "seed"),
    ({"report": {"map_epochs": 5}}, "E203", "report.map_epochs"),
])
def test_bad_config_is_one_clear_error(tmp_path, data, code, words):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(MazmunError) as err:
        load_config(path)
    assert err.value.code == code and words in err.value.line()


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(MazmunError, match="E201"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("cluster:\n  min_cluster_size: [\n")
    with pytest.raises(MazmunError, match="E201"):
        load_config(broken)
    with pytest.raises(MazmunError, match="E202"):
        load_config(None, ["nonsense"])
    assert Path(broken).exists()


OTHER_CONFIGS = [p for p in sorted((ROOT / "configs").glob("*.yaml")) if p.stem != "default"]


@pytest.mark.parametrize("path", OTHER_CONFIGS, ids=lambda p: p.name)
def test_a_shipped_config_holds_only_what_it_changes(path):
    """Merged over the defaults: a value equal to the default would hide which settings matter."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    defaults, loaded = to_dict(Config()), to_dict(load_config(path))
    same = [f"{section}.{key}" for section, values in data.items() if isinstance(values, dict)
            for key in values if loaded[section][key] == defaults[section][key]]
    assert data and not same, f"{path.name} repeats defaults: {same}"
