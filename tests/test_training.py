import shutil
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings
from bot.training import fingerprint, model_path


def copy_project(tmp_path: Path) -> Settings:
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data")
    return Settings(project_dir=tmp_path, domain_path=tmp_path / "domain.yml", models_dir=tmp_path / "models")


def test_fingerprint_changes_only_when_training_data_changes(tmp_path: Path) -> None:
    settings = copy_project(tmp_path)
    first = fingerprint(settings)
    assert fingerprint(settings) == first

    (tmp_path / "README.md").write_text("not training data")
    assert fingerprint(settings) == first

    rules = tmp_path / "data" / "rules.yml"
    rules.write_text(rules.read_text() + "\n# a comment\n")
    assert fingerprint(settings) != first


def test_model_is_named_after_the_fingerprint(tmp_path: Path) -> None:
    settings = copy_project(tmp_path)
    assert model_path(settings).name == f"plainhealth-{fingerprint(settings)}.tar.gz"
