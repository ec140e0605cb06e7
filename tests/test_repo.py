"""Repository contracts: requirements agree, Space front matter, CI command, model record."""
import configparser
import json
import re
from pathlib import Path

from redactclf.dataset import sha256_file

ROOT = Path(__file__).resolve().parent.parent


def _names(reqs):
    return {re.split(r"[<>=!\[ ]", r, maxsplit=1)[0].lower(): r for r in reqs if r and not r.startswith(("#", "-"))}


def test_settings_requirements_match_requirements_txt():
    cfg = configparser.ConfigParser(delimiters=["="])
    cfg.read(ROOT / "settings.ini")
    lib = _names(cfg["DEFAULT"]["requirements"].split())
    space = _names((ROOT / "requirements.txt").read_text().splitlines())
    for name, spec in lib.items():
        assert space.get(name) == spec, f"{name}: settings.ini has {spec}, requirements.txt {space.get(name)}"


def test_readme_front_matter_is_a_gradio_space():
    text = (ROOT / "README.md").read_text()
    front = text.split("---")[1]
    fields = dict(line.split(":", 1) for line in front.strip().splitlines())
    assert fields["sdk"].strip() == "gradio" and fields["app_file"].strip() == "app.py"
    import gradio
    assert fields["sdk_version"].strip() == gradio.__version__


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    assert blocks[:2] == ["make app\n", "make test\n"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert ci == ["make test"]


def test_shipped_model_record_matches_files():
    record = json.loads((ROOT / "models" / "model.json").read_text())
    for name, digest in record["files"].items():
        assert sha256_file(ROOT / "models" / name) == digest, name
    assert record["snapshot_id"] and record["code_commit"] and record["params"]["arch"]
    assert record["promotion"]["passed"]
