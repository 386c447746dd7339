"""kb factcheck: finding, linking and checking the claims in an article."""

import json
from pathlib import Path

import pytest

from .conftest import dump

CORPUS = Path(__file__).resolve().parent / "factcheck_corpus"
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def test_labelled_corpus_meets_its_targets(kb):
    result = kb("factcheck", "--eval", str(CORPUS), "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["articles"] >= 20
    assert scores["recall"] >= 0.9
    assert scores["precision"] >= 0.9
    assert scores["verdict_accuracy"] >= 0.9


def test_json_contract_and_offsets(kb, tmp_path):
    text = "GPT-3 cost $450 million to train. It has 175 billion parameters."
    path = tmp_path / "a.txt"
    path.write_text(text)
    claims = json.loads(kb("factcheck", str(path), "--json").stdout)["claims"]
    assert [c["quantity"] for c in claims] == ["training_cost_usd", "parameters"]
    for c in claims:
        assert {"text", "start", "end", "subject", "quantity", "low", "high", "scope", "verdict", "factor",
                "explanation"} <= set(c)
        assert text[c["start"]:c["end"]] == c["text"]
        assert c["subject"] == "gpt-3"  # the second through "It"
    assert claims[0]["verdict"] == "implausible"


def test_reads_standard_input(kb):
    result = kb("factcheck", "-", "--json", input="DeepSeek-V3 was trained for 2.788 million H800 GPU hours.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"][0]["quantity"] == "gpu_hours"


def test_names_resolve_through_aliases(kb):
    for name in ("GPT4", "GPT-4", "gpt 4"):
        out = json.loads(kb("factcheck", "-", "--json", input=f"{name} has 100 trillion parameters.").stdout)
        assert out["claims"][0]["subject"] == "gpt-4", name
        assert out["claims"][0]["verdict"] == "implausible"


def test_model_name_digits_are_not_quantities(kb):
    out = json.loads(kb("factcheck", "-", "--json",
                        input="Llama 2 70B was released in 2023 by a team of 500 people.").stdout)
    assert out["claims"] == []


def test_self_contradicting_article_is_caught(kb):
    text = "A 10B-parameter model trained on 200B tokens on A100s cost $40 million to train."
    out = json.loads(kb("factcheck", "-", "--json", input=text).stdout)
    cost = next(c for c in out["claims"] if c["quantity"] == "training_cost_usd")
    assert cost["verdict"] == "implausible", cost["explanation"]


def test_html_report_highlights_and_escapes(kb, tmp_path):
    article = tmp_path / "a.html"
    article.write_text('<p>GPT-3 cost $450 million to train.</p><p>&lt;script&gt;alert(1)&lt;/script&gt; '
                       '"onmouseover=alert(2) GPT-4 has 100 trillion parameters.</p>')
    out = tmp_path / "report.html"
    result = kb("factcheck", str(article), "--html", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count("<mark") == 2 and 'class="v-implausible"' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    import html5lib
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def test_add_stores_the_article_and_its_claims(kb, db_url, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Acme-1 has 10 billion parameters. Acme-1 cost $40 million to train on A100 GPUs.")
    result = kb("factcheck", str(path), "--add", "--title", "Acme story", "--url", "https://example.com/acme")
    assert result.exit_code == 0, result.output
    shown = json.loads(kb("source", "show", "acme-story", "--json").stdout)
    assert len(shown["claims"]) == 2
    assert json.loads(kb("subject", "show", "Acme-1", "--json").stdout)["kind"] == "model"


def test_add_with_a_bad_url_stores_nothing(kb, db_url, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("GPT-3 cost $4.6 million to train.")
    before = dump(db_url)
    result = kb("factcheck", str(path), "--add", "--title", "T", "--url", "javascript:alert(1)")
    assert result.exit_code == 1 and "not an http(s) URL" in result.stderr
    assert dump(db_url) == before


@pytest.mark.parametrize("content,words", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"\x00\x01\x02binary", "binary"), (b"\xff\xfe\xfa", "not UTF-8"),
])
def test_bad_articles_get_one_clear_line(kb, tmp_path, content, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = kb("factcheck", str(path))
    assert result.exit_code == 1
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_50mb_file_is_refused(kb, tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as f:
        f.truncate(50 * 1024 * 1024)
    result = kb("factcheck", str(path))
    assert result.exit_code == 1 and "larger than" in result.stderr


def test_no_claims_is_not_an_error(kb):
    result = kb("factcheck", "-", input="The weather was lovely and nobody trained anything.")
    assert result.exit_code == 0 and "no claims found" in result.stdout


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles live in ../shared/seeds")
def test_seed_articles_claims_are_found(kb):
    found = {}
    for seed in sorted(SEEDS.iterdir()):
        for c in json.loads(kb("factcheck", str(seed), "--json").stdout)["claims"]:
            found[(c["subject"], c["quantity"], c["low"], c["high"])] = c["verdict"]
    assert found[("gpt-3", "training_cost_usd", 1e6, 12e6)] == "consistent"
    assert found[("gpt-4", "training_cost_usd", 60e6, 100e6)] in ("consistent", "plausible")
    assert found[("gpt-4", "training_cost_usd", 50e6, None)] in ("consistent", "plausible")
    assert found[("gpt-4", "training_cost_usd", 1e8, 1e10)] in ("consistent", "plausible")
    assert found[("gpt-4", "parameters", 1e14, 1e14)] == "implausible"
    assert ("gpt-4", "gpu_hours", 876600.0, 8766000.0) in found
    assert found[("a100-40gb", "hardware_price_usd", 10_000, 15_000)] == "consistent"
    assert found[("h100-sxm", "hardware_price_usd", 25_000, 40_000)] == "consistent"
