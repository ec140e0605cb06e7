"""The review loop through gradio_client: flag a page, find it first in the review queue, label it, never see it again."""
import csv
import json
import os
import random
from pathlib import Path

import pytest
from gradio_client import handle_file
from PIL import Image, ImageDraw

from redactclf.review import INDEX_FIELDS, TABLE_COLUMNS, reviewed_table

IDENTITY = {"ip", "ip_address", "host", "user", "username", "user_name", "session", "session_hash", "uploader",
            "reviewer", "email"}


def fresh_page(path: Path):
    """A page no one has labelled yet: lines of text, a black box and random specks (a new page every run)."""
    rng = random.Random()
    im = Image.new("RGB", (850, 1100), "white")
    d = ImageDraw.Draw(im)
    for y in range(100, 1000, 30):
        d.line([(80, y), (770 - rng.randrange(200), y)], fill=(40, 40, 40), width=6)
    d.rectangle([200, 300, 600, 340], fill="black")
    for _ in range(30):
        d.point((rng.randrange(850), rng.randrange(1100)), fill=(0, 0, 0))
    im.save(path)


@pytest.fixture
def review_api(client):
    names = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    if not {"/review_load", "/review_save", "/review_queue"} <= set(names):
        pytest.skip("this endpoint serves no Review tab (REDACTCLF_REVIEW=0, or a public Space)")
    return client


def test_flag_review_and_label(review_api, tmp_path, labels_dir):
    client = review_api
    path = tmp_path / "review-me.png"
    fresh_page(path)
    _, table, _, _ = client.predict([handle_file(str(path))], api_name="/classify")
    model_label = table["data"][0][2]
    other = "clean" if model_label == "redacted" else "redacted"
    msg = client.predict([handle_file(str(path))], "review-me.png · page 1", other, table, api_name="/flag")
    assert "saved for review" in msg

    # the newest flag comes first, with the reader's label ready
    queue = client.predict(api_name="/review_queue")
    first = queue[0]
    assert (first["origin"], first["source"], first["page"], first["suggested"], first["model_label"]) == (
        "flag", "review-me.png", 1, other, model_label)
    image, info, label, boxes, page_id, count = client.predict(api_name="/review_load")
    assert page_id == first["page_id"] and info.startswith("`review-me.png` page 1: flagged by a reader")
    assert label == other and boxes["value"] == [] and not boxes["visible"] and Path(image).is_file()
    assert count == f"**{len(queue)} page{'s' * (len(queue) != 1)} left**"

    with pytest.raises(Exception, match="redacted, clean, or skip"):
        client.predict(page_id, None, [], api_name="/review_save")
    *_, next_id, count = client.predict(page_id, other, [], api_name="/review_save")
    assert next_id != page_id and count == f"**{len(queue) - 1} page{'s' * (len(queue) != 2)} left**"
    # not offered again, not even when its save is repeated
    assert page_id not in [p["page_id"] for p in client.predict(api_name="/review_queue")]
    client.predict(page_id, model_label, [], api_name="/review_save")

    if os.environ.get("ENDPOINT"):  # the index of a remote app is not on this disk
        return
    with open(labels_dir / "index.csv", newline="") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r["page_id"] == page_id]
    assert reader.fieldnames == INDEX_FIELDS and not IDENTITY & {c.lower() for c in reader.fieldnames}
    assert len(rows) == 1
    row = rows[0]
    assert (row["label"], row["origin"], row["source"], row["page"], row["model_label"]) == (
        other, "flag", "review-me.png", "1", model_label)
    assert row["model_version"] and row["labelled_at"].endswith("+00:00") and row["split"] in ("train", "test")
    assert json.loads(row["boxes"]) == [] and row["image_from"] == "page"
    assert Image.open(labels_dir / row["path"]).size == Image.open(path).size  # the page as flagged
    t = reviewed_table(labels_dir)
    assert list(t.columns[:len(TABLE_COLUMNS)]) == TABLE_COLUMNS and page_id in set(t.page_id)
