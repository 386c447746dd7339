"""kb factcheck: finding, linking and checking the claims in an article."""

import json
import re
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


def test_a_text_with_more_claims_than_are_checked_says_where_reading_stopped(kb, tmp_path, monkeypatch):
    monkeypatch.setattr("kb.factcheck.check.MAX_FINDINGS", 3)
    path = tmp_path / "data.txt"
    path.write_text("".join(f"GPT-3 cost ${n} million to train.\n" for n in range(1, 11)))
    result = kb("factcheck", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert [c["text"] for c in json.loads(result.stdout)["claims"]] == ["$1 million", "$2 million", "$3 million"]
    stopped = "Stopped after 3 claims, at line 4 of 10, 40% of the text: the rest was not read."
    assert stopped in result.stderr and stopped in kb("factcheck", str(path)).stderr


def test_json_contract_and_offsets(kb, tmp_path):
    text = "GPT-3 cost $450 million to train. It has 175 billion parameters."
    path = tmp_path / "a.txt"
    path.write_text(text)
    claims = json.loads(kb("factcheck", str(path), "--json").stdout)["claims"]
    assert [c["quantity"] for c in claims] == ["training_cost_usd", "parameters"]
    for c in claims:
        assert {
            "text",
            "start",
            "end",
            "subject",
            "quantity",
            "low",
            "high",
            "scope",
            "verdict",
            "factor",
            "explanation",
        } <= set(c)
        assert text[c["start"] : c["end"]] == c["text"]
        assert c["subject"] == "gpt-3"  # the second through "It"
    assert claims[0]["verdict"] == "implausible"


def test_reads_standard_input(kb):
    result = kb("factcheck", "-", "--json", input="DeepSeek-V3 was trained for 2.788 million H800 GPU hours.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"][0]["quantity"] == "gpu_hours"


def test_a_mixture_of_experts_is_not_said_to_be_short_of_tokens(kb):
    """6·N·D counts the parameters each token uses: DeepSeek-V3's 671B with 37B active is no model
    "that could be trained on only 1.26T tokens" (its report says 14.8T)."""
    (claim,) = factchecked(kb, "DeepSeek-V3 has 671B parameters.")
    assert claim["verdict"] == "consistent"
    assert "37B active parameters" in claim["explanation"] and "only" not in claim["explanation"]
    (dense,) = factchecked(kb, "GPT-3 has 175 billion parameters.")
    assert "could be trained on only" in dense["explanation"]


def test_names_resolve_through_aliases(kb):
    for name in ("GPT4", "GPT-4", "gpt 4"):
        out = json.loads(kb("factcheck", "-", "--json", input=f"{name} has 100 trillion parameters.").stdout)
        assert out["claims"][0]["subject"] == "gpt-4", name
        assert out["claims"][0]["verdict"] == "implausible"


def test_model_name_digits_are_not_quantities(kb):
    out = json.loads(
        kb("factcheck", "-", "--json", input="Llama 2 70B was released in 2023 by a team of 500 people.").stdout
    )
    assert out["claims"] == []


def test_self_contradicting_article_is_caught(kb):
    text = "A 10B-parameter model trained on 200B tokens on A100s cost $40 million to train."
    out = json.loads(kb("factcheck", "-", "--json", input=text).stdout)
    cost = next(c for c in out["claims"] if c["quantity"] == "training_cost_usd")
    assert cost["verdict"] == "implausible", cost["explanation"]


def test_html_text_after_the_last_tag_is_read(kb, tmp_path):
    path = tmp_path / "a.html"
    path.write_text("<p>Intro</p>GPT-3 cost $4.6 million to train, AT&T said")
    result = kb("factcheck", str(path), "--json")
    assert result.exit_code == 0, result.output
    (claim,) = json.loads(result.stdout)["claims"]
    assert claim["sentence"].endswith("AT&T said")


def test_a_saved_web_page_is_read_for_its_article_only(kb, tmp_path):
    page = tmp_path / "page.html"
    body = "The run used 3.14e23 FLOP on V100s; this paragraph is long enough to be the body of the page. " * 3
    page.write_text(
        "<html><head><title>What GPT-3 cost</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/plans'>GPT-4 training for $10 billion: our plans</a></nav>"
        f"<article><h1>What GPT-3 cost</h1><p>GPT-3 cost $4.6 million to train.</p><p>GPT-3 {body}</p>"
        "<table><tr><th>Model</th><th>Training cost</th></tr><tr><td>PaLM</td><td>$12M</td></tr></table></article>"
        "<aside>Related: GPT-4 cost $1 trillion to train, says a reader</aside>"
        "<footer>GPT-4 cost $2 trillion to train (a footer)</footer></body></html>"
    )
    found = {(c["subject"], c["text"]) for c in json.loads(kb("factcheck", str(page), "--json").stdout)["claims"]}
    assert found == {("gpt-3", "$4.6 million"), ("gpt-3", "3.14e23 FLOP"), ("palm", "$12M")}


def test_html_report_highlights_and_escapes(kb, tmp_path):
    article = tmp_path / "a.html"
    article.write_text(
        "<p>GPT-3 cost $450 million to train.</p><p>&lt;script&gt;alert(1)&lt;/script&gt; "
        '"onmouseover=alert(2) GPT-4 has 100 trillion parameters.</p>'
    )
    out = tmp_path / "report.html"
    result = kb("factcheck", str(article), "--html", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count("<mark") == 2 and 'class="v-implausible"' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    import html5lib

    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def test_html_report_renders_the_articles_markdown(kb, tmp_path):
    article = tmp_path / "a.md"
    article.write_text(
        "# What training cost\n\nGPT-3 cost **$4.6 million** to train ([source](https://example.com/gpt3), "
        "[not a link](javascript:alert(1))).\n\n| Model | Cost |\n|---|---|\n| GPT-4 | $78 million |\n\n"
        "<script>alert(1)</script> ![chart](https://example.com/chart.png)\n"
    )
    out = tmp_path / "report.html"
    assert kb("factcheck", str(article), "--html", str(out)).exit_code == 0
    html = out.read_text()
    assert "<h1>What training cost</h1>" in html and "<table>" in html and "| Model |" not in html
    assert re.search(r'<strong><mark class="v-\w+"[^>]*>\$4\.6 million<sup>1</sup></mark></strong>', html)
    assert re.search(r'<td><mark class="v-\w+"[^>]*>\$78 million<sup>2</sup></mark></td>', html)
    assert '<a href="https://example.com/gpt3">source</a>' in html and 'href="javascript' not in html
    assert "<script>alert" not in html and "<img" not in html  # no raw HTML; a report loads nothing
    assert "training cost (final run)" in html and "training_cost_usd" not in html and "cost usd" not in html
    import html5lib

    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def test_a_highlight_that_would_cross_the_markdowns_own_markup_shows_the_text_as_written():
    from kb.site.factcheck_page import rendered

    claim = {"n": 1, "verdict": {"key": "consistent", "name": "Consistent"}, "explanation": "Fine."}
    crossing = [{"text": "GPT-3 cost *$4.6", "claim": None}, {"text": " million* to", "claim": claim}]
    assert rendered(crossing) is None
    inside = [
        {"text": "GPT-3 cost *", "claim": None},
        {"text": "$4.6 million", "claim": claim},
        {"text": "*", "claim": None},
    ]
    assert rendered(inside) == (
        '<p>GPT-3 cost <em><mark class="v-consistent" tabindex="0" title="Consistent: Fine." '
        'aria-describedby="claim-1">$4.6 million<sup>1</sup></mark></em></p>\n'
    )


def test_add_stores_the_article_and_its_claims(kb, db_url, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("Acme-1 has 10 billion parameters. Acme-1 cost $40 million to train on A100 GPUs.")
    result = kb("factcheck", str(path), "--add", "--title", "Acme story", "--url", "https://example.com/acme")
    assert result.exit_code == 0, result.output
    shown = json.loads(kb("source", "show", "acme-story", "--json").stdout)
    assert len(shown["claims"]) == 2
    assert json.loads(kb("subject", "show", "Acme-1", "--json").stdout)["kind"] == "model"


def test_findings_are_drafts_until_a_person_accepts_them(kb, tmp_path, monkeypatch):
    path = tmp_path / "a.md"
    path.write_text(
        "GPT-3 cost $4.6 million to train. GPT-4 cost $63 million to train. PaLM has 540 billion parameters."
    )
    result = kb("factcheck", str(path), "--add", "--title", "Cost story", "--url", "https://example.com/cost")
    assert result.exit_code == 0 and "drafts" in result.stderr
    drafts = json.loads(kb("claim", "list", "--status", "draft", "--json").stdout)
    slugs = sorted(d["slug"] for d in drafts if d["source"] == "cost-story")
    assert len(slugs) == 3 and all(d["verdict"] for d in drafts)  # judged, with the sentence as quote
    assert kb("build", "--out", str(tmp_path / "site")).exit_code == 0
    assert not any((tmp_path / "site" / "claims" / f"{slug}.html").exists() for slug in slugs)  # never published

    assert kb("claim", "accept", slugs[0]).exit_code == 0
    rejected = kb("claim", "reject", slugs[1], "--reason", "a misreading")
    assert rejected.exit_code == 0
    again = kb("claim", "accept", slugs[1])
    assert again.exit_code == 1 and "not a draft" in again.output
    monkeypatch.setattr("kb.cli.claims.stdin_is_terminal", lambda: True)
    reviewed = kb("claim", "review", input="r\nper-model figure misread\n")
    assert reviewed.exit_code == 0, reviewed.output
    states = {
        c["slug"]: (c["status"], c["status_reason"])
        for c in json.loads(kb("claim", "list", "--json").stdout)
        if c["slug"] in slugs
    }
    assert states[slugs[0]][0] == "active" and states[slugs[1]] == ("rejected", "a misreading")
    assert states[slugs[2]] == ("rejected", "per-model figure misread")
    kb("factcheck", "-", "--add", "--title", "Second story", input="GPT-3 cost $4.6 million to train.")
    edited = kb("claim", "review", input="e\n$5 million\n")  # a misread value, corrected, then accepted
    assert edited.exit_code == 0, edited.output
    [fixed] = [c for c in json.loads(kb("claim", "list", "--json").stdout) if c["source"] == "second-story"]
    assert (fixed["status"], fixed["low"], fixed["value"]) == ("active", 5e6, "$5 million")
    assert kb("build", "--out", str(tmp_path / "site")).exit_code == 0
    published = {p.stem for p in (tmp_path / "site" / "claims").glob("*.html")}
    assert slugs[0] in published and not {slugs[1], slugs[2]} & published


def test_add_with_a_bad_url_stores_nothing(kb, db_url, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("GPT-3 cost $4.6 million to train.")
    before = dump(db_url)
    result = kb("factcheck", str(path), "--add", "--title", "T", "--url", "javascript:alert(1)")
    assert result.exit_code == 1 and "not an http(s) URL" in result.stderr
    assert dump(db_url) == before


@pytest.mark.parametrize(
    "content,words",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"\xff\xfe\xfa", "not UTF-8"),
    ],
)
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


def factchecked(kb, text: str) -> list[dict]:
    result = kb("factcheck", "-", "--json", input=text)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["claims"]


@pytest.mark.parametrize(
    "text",
    [
        "GPT-4 launched in 2023. Mistral Large cost $20 million to train.",  # a model named in the sentence
        "GPT-4 launched in 2023. A rival lab says its model cost $20 million to train.",  # "its" is the rival's
        "GPT-4 launched in 2023.\n\nTraining costs for frontier models now top $20 million.",  # no model named
        "Compared with GPT-4, the cost was $20 million.",  # a comparison, then a number about something else
        "GPT-5 needed about 3e25 FLOP, less than GPT-4 did.",  # a model the knowledge base does not know yet
        "GPT-4 launched in 2023. DeepSeek reported just $20 million for the final run of V3.",  # another party speaks
    ],
)
def test_a_number_is_never_pinned_on_a_model_named_elsewhere(kb, text):
    [claim] = factchecked(kb, text)
    assert claim["subject"] != "gpt-4"
    if claim["subject"] is None:
        assert claim["status"] in ("unattributed", "ambiguous") and claim["verdict"] == "unverifiable"
        assert claim["explanation"].startswith("Needs review")


def test_a_scaled_figure_takes_the_unit_of_the_one_coordinated_after_it(kb):
    text = (
        "GPT-3 and GPT-4 were trained on 300 billion and 13 trillion tokens respectively. In 2023 and 2024, 5,000 GPUs."
    )
    found = [(c["text"], c["quantity"], c["low"], c["subject"]) for c in factchecked(kb, text)]
    assert found[:2] == [
        ("300 billion", "training_tokens", 3e11, "gpt-3"),
        ("13 trillion tokens", "training_tokens", 1.3e13, "gpt-4"),
    ]
    assert [t for t, *_ in found[2:]] == ["5,000 GPUs"]  # a year is no figure


def test_a_relative_clause_is_about_the_name_it_follows(kb):
    """The comparison ("Unlike GPT-4") had left GPT-4's own figure for review."""
    text = "Unlike GPT-4, which reportedly cost over $100 million, Mistral 7B was trained for a fraction of that."
    assert [c["subject"] for c in factchecked(kb, text)] == ["gpt-4"]
    assert [c["subject"] for c in factchecked(kb, "GPT-3 (whose training cost $4.6 million) was a milestone.")] == [
        "gpt-3"
    ]


def test_hours_restated_as_money_are_a_training_cost(kb):
    text = "Stable Diffusion v1 took 150,000 A100 hours, or about $600,000 at market prices."
    found = {c["quantity"]: c["subject"] for c in factchecked(kb, text)}
    assert found == {"gpu_hours": "stable-diffusion-v1", "training_cost_usd": "stable-diffusion-v1"}


def test_a_paragraph_that_refers_back_keeps_referring_back(kb):
    """Only its first sentence reached back to the heading; "Training took…" was left for review."""
    text = (
        "## GPT-4\n\nThe model reportedly has 1.76 trillion parameters. Training took about 100 days on 25,000 A100s."
    )
    assert {c["subject"] for c in factchecked(kb, text)} == {"gpt-4"}


def test_a_figure_whose_unit_is_left_out_after_another_model_is_of_the_same_kind(kb):
    text = (
        "Grok 2 was trained on about 20,000 H100 GPUs, and Grok 3 on 100,000. "
        "Compared to Llama 2 70B's 1.7 million GPU hours, Llama 3 70B consumed 6.4 million. "
        "GPT-3 cost $4.6 million, and GPT-4 cost 100. "
        "Falcon 180B used 4,096 A100s for 60 days, and Falcon 40B used 384."
    )
    found = {(c["text"], c["quantity"], c["subject"]) for c in factchecked(kb, text)}
    assert {("100,000", "num_gpus", "grok-3"), ("6.4 million", "gpu_hours", "llama-3-70b")} <= found
    assert not {t for t, *_ in found} & {"100", "384"}  # no figure of another size, nor after a duration


def test_an_estimate_put_at_a_figure_is_a_cost_of_the_run_named_by_its_size(kb):
    text = "Meta trained Llama 3.1 405B for 54 days. Analysts put the 405B run at roughly $60 million."
    costs = [c for c in factchecked(kb, text) if c["quantity"] == "training_cost_usd"]
    assert [(c["text"], c["subject"]) for c in costs] == [("roughly $60 million", "llama-3-1-405b")]


def test_the_terminal_marks_the_figure_found_not_an_earlier_copy_of_it(kb):
    table = "| Model | Parameters |\n|---|---|\n| Llama 2 70B | 70B |\n"
    shown = kb("factcheck", "-", input=table + "\nGPT-4 has two trillion parameters.\n").output
    assert "| Llama 2 70B | [[70B]] |" in shown and "GPT-4 has [[two trillion parameters]]" in shown


def test_a_verdict_quotes_the_claim_without_the_article_s_markup(kb):
    [claim] = factchecked(kb, "GPT-4 could have cost upwards of **$100 million** to train.")
    assert claim["explanation"].startswith("The claim (upwards of $100 million)")


def test_a_successor_or_a_next_model_is_another_model(kb):
    """In an article about Llama 3 70B, its successor's 30T tokens were judged as Llama 3 70B's."""
    text = (
        "Llama 3 70B was trained on 15T tokens. Llama 3 70B is open.\n\n"
        "Its successor was trained on even more data, some 30T tokens. Meta's next model used 40T tokens."
    )
    found = [(c["text"], c["subject"]) for c in factchecked(kb, text)]
    assert found == [("15T tokens", "llama-3-70b"), ("some 30T tokens", None), ("40T tokens", None)]


def test_parameters_a_model_uses_per_token_are_its_active_ones(kb):
    text = "Mixtral 8x7B has 46.7B parameters in total but uses only 12.9B parameters per token."
    found = [(c["quantity"], c["low"]) for c in factchecked(kb, text)]
    assert found == [("parameters", 46.7e9), ("active_parameters", 12.9e9)]
    assert factchecked(kb, "GPT-3 needs 6 FLOPs per parameter per token.") == []  # a rate stays a rate


def test_a_run_s_cost_is_no_accelerator_s_price(kb):
    """ "… on 16,000 H100s, and the run cost $60 million" priced one H100 at $60 million: implausible."""
    [gpus, cost] = factchecked(kb, "Meta trained Llama 3.1 405B on 16,000 H100s, and the run cost $60 million.")
    assert (cost["quantity"], cost["subject"]) == ("training_cost_usd", "llama-3-1-405b")


def test_a_unit_price_before_a_cluster_s_worth_is_still_a_price(kb):
    """The cluster named after a chip's price dropped the price; the cluster's own worth is no claim."""
    text = "Each A100 costs roughly $10,000, so the cluster alone was worth $250 million."
    assert [(c["text"], c["quantity"]) for c in factchecked(kb, text)] == [("roughly $10,000", "hardware_price_usd")]
    assert factchecked(kb, "Each A100 at $9,900 means almost $10M to set up a cluster.")[-1]["text"] == "$9,900"


def test_money_spent_on_a_model_is_that_model_s(kb):
    """The $191M was GPT-4's (named before it, across the semicolon) and the $100M nobody's."""
    text = "OpenAI spent $100 million on GPT-4; Google spent $191 million on Gemini Ultra."
    assert [c["subject"] for c in factchecked(kb, text)] == ["gpt-4", "gemini-ultra"]


def test_a_family_is_no_article_s_one_model(kb):
    """An article naming only "Llama 3" was taken to be about Llama 3 70B, its largest member."""
    text = "Llama 3 was trained on 15T tokens. Llama 3 came out in April. Some 16,000 H100s were used on a cluster."
    found = factchecked(kb, text)
    assert [c["subject"] for c in found if c["quantity"] == "num_gpus"] == [None]


def test_the_model_named_before_a_comparison_is_the_subject(kb):
    [claim] = factchecked(kb, "Training the GPT-3 model like the one behind ChatGPT is said to need 3.14e23 FLOP.")
    assert claim["subject"] == "gpt-3"  # not ChatGPT's, and not left unattributed


def test_the_model_a_figure_went_into_is_its_subject(kb):
    text = "With over 200 million GPU-hours dedicated to training Grok 3, the cluster beats the one behind Grok 2."
    [claim] = factchecked(kb, text)
    assert claim["subject"] == "grok-3"


def test_an_hourly_price_belongs_to_the_one_accelerator_its_sentence_names(kb):
    [claim] = factchecked(kb, "Several clouds now rent out H100 GPUs by the hour; at $2.50 per hour the bill adds up.")
    assert (claim["quantity"], claim["subject"], claim["status"]) == ("gpu_hour_price_usd", "h100-sxm", "checked")
    [mixed] = factchecked(kb, "Clouds rent out H100 and A100 GPUs by the hour, and at $2.50 per hour the bill adds up.")
    assert mixed["subject"] is None and mixed["status"] == "unattributed"  # two accelerators: which one?


@pytest.mark.parametrize("rate", ["$1 per A100 GPU per hour", "1 US dollar per A100 GPU per hour"])
def test_a_rental_rate_beside_a_training_cost_is_no_purchase_price(kb, rate):
    """The cost was read as the A100's purchase price, and judged implausible by 2,500x."""
    found = factchecked(kb, f"Assuming about {rate}, GPT-4 cost $63 million.")
    assert {(c["quantity"], c["subject"]) for c in found} == {
        ("gpu_hour_price_usd", "a100-40gb"),
        ("training_cost_usd", "gpt-4"),
    }


def test_a_price_each_is_the_accelerator_s_whatever_the_sentence_trained(kb):
    """It was read as Llama 3's training cost, and judged implausible by 200x."""
    found = factchecked(kb, "Meta trained Llama 3 on 24,000 H100s, each costing about $30,000.")
    assert [(c["quantity"], c["subject"]) for c in found if c["low"] == 30_000] == [("hardware_price_usd", "h100-sxm")]


def test_a_machine_s_price_is_neither_a_chip_s_nor_a_training_cost(kb):
    """ "A DGX H100 server goes for $300,000" was reported as a training cost; a cluster of servers
    that a model was trained on still leaves the model's cost its own."""
    text = (
        "An H100 goes for $30,000, and a DGX H100 server goes for about $300,000. "
        "The DGX A100 costs $199,000. GPT-3 was trained on a cluster of DGX servers and cost $4.6 million."
    )
    found = {(c["text"], c["quantity"]) for c in factchecked(kb, text)}
    assert found == {("$30,000", "hardware_price_usd"), ("$4.6 million", "training_cost_usd")}


def test_a_price_tag_is_the_accelerator_s_and_a_model_s_is_its_training_cost(kb):
    """ "A $40K price tag" on a named chip went unread; on a model it stays the model's cost."""
    text = "The H100 carries a $40K price tag. The A100 is priced at $12,000. GPT-4 came with a $100 million price tag."
    found = {(c["text"], c["quantity"], c["subject"]) for c in factchecked(kb, text)}
    assert found == {
        ("$40K", "hardware_price_usd", "h100-sxm"),
        ("$12,000", "hardware_price_usd", "a100-40gb"),
        ("$100 million", "training_cost_usd", "gpt-4"),
    }


def test_each_price_takes_the_accelerator_of_its_own_clause(kb):
    """Two accelerators in one sentence, each with its price: neither was attributed before; where
    one clause names both, the price stays unattributed."""
    text = (
        "The A100 costs around $1.10 per hour on spot markets, while an H100 rents for $2-$3 an hour. "
        "An H100 sells for $30,000, whereas an A100 goes for $10,000 each. H100s and A100s rent at $2.50 per hour."
    )
    found = {(c["text"], c["subject"]) for c in factchecked(kb, text)}
    assert found == {
        ("around $1.10 per hour", "a100-40gb"),
        ("$2-$3 an hour", "h100-sxm"),
        ("$30,000", "h100-sxm"),
        ("$10,000", "a100-40gb"),
        ("$2.50 per hour", None),
    }


def test_a_mixture_named_without_its_experts_is_a_family_not_the_model_named_before_it(kb):
    """ "Mixtral" was no name at all, so its cost went to Mistral 7B, named earlier in the sentence."""
    text = "Mistral 7B was trained on an undisclosed number of tokens; Mixtral cost less than $500,000."
    [claim] = factchecked(kb, text)
    assert claim["subject"] is None and claim["verdict"] == "unverifiable"
    assert "Mixtral is a family (Mixtral 8x22B and Mixtral 8x7B)" in claim["explanation"]


def test_tokens_trained_are_not_the_dataset_s_size(kb):
    """Epoch AI's dataset size for Phi-2 (250B tokens) was taken as its training tokens, so the
    1.4T tokens its model card states were judged doubtful."""
    [claim] = factchecked(kb, "Phi-2 was trained on 1.4T tokens.")
    assert claim["verdict"] == "consistent" and "microsoft/phi-2 model card" in claim["explanation"]


def test_a_line_that_ends_a_sentence_ends_it_and_a_cluster_is_no_model(kb):
    """ "… $3 billion.\nxAI's …" ran on into the next line, which named Grok 3; and Colossus, xAI's
    cluster, was an alias of Grok 3."""
    found = factchecked(kb, "OpenAI's compute bill for 2024 was $3 billion.\nxAI's Colossus has 100,000 H100s.\n")
    assert all(c["subject"] is None for c in found)


def test_a_link_s_address_states_nothing(kb):
    text = (
        "See https://example.com/2024/phi-3-a-3-8b-parameter-model-on-3-3t-tokens for more. GPT-3 has 175B parameters."
    )
    assert [c["text"] for c in factchecked(kb, text)] == ["175B parameters"]


def test_totals_after_a_per_machine_count_and_ranges_across_scales(kb):
    text = (
        "BLOOM was trained on 48 nodes with 8 A100 GPUs per node, for 384 GPUs in all. "
        "GPT-4 is said to have 600B-1T parameters. While GPT-3's raw compute was ~$5M, "
        "its total cost including research was far higher."
    )
    found = {(c["subject"], c["quantity"]): (c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found[("bloom", "num_gpus")] == (384, 384)
    assert found[("gpt-4", "parameters")] == (600e9, 1e12)
    assert found[("gpt-3", "training_cost_usd")] == (5e6, 5e6)  # the compute, not the programme


def test_a_clear_antecedent_carries_the_model(kb):
    claims = factchecked(kb, "PaLM was announced in 2022. It was trained on 6,144 TPU v4 chips.")
    assert [(c["subject"], c["status"]) for c in claims] == [("palm", "checked")]
    described = factchecked(kb, "DBRX came out in 2024. It is a mixture-of-experts model with 132B parameters.")
    assert [(c["subject"], c["quantity"]) for c in described] == [("dbrx", "parameters")]
    run = factchecked(kb, "Training GPT-4 needed about 2e25 FLOP. At $1 an hour, this training run cost $63 million.")
    assert ("gpt-4", "training_cost_usd") in {(c["subject"], c["quantity"]) for c in run}
    introduced = factchecked(kb, "Meta has shown OPT-175B. This is its open model with 175 billion parameters.")
    assert [(c["subject"], c["quantity"]) for c in introduced] == [("opt-175b", "parameters")]
    done = factchecked(kb, "Meta has shown OPT-175B. Training was done on 992 A100 GPUs.")
    assert [(c["subject"], c["quantity"]) for c in done] == [("opt-175b", "num_gpus")]
    final = factchecked(kb, "GPT-4 is larger. OPT-175B was trained by Meta. The final model took 33 days to train.")
    assert [(c["subject"], c["quantity"]) for c in final] == [("opt-175b", "training_days")]
    total = factchecked(kb, "Arctic mixes a dense part with experts. That yields 480 billion total parameters.")
    assert [(c["subject"], c["quantity"]) for c in total] == [("arctic", "parameters")]


def test_a_known_name_inside_a_compound_is_that_model(kb):
    """German joins words: the "DeepSeek-V3-Bericht" is DeepSeek-V3's report, not an unknown model."""
    text = "Laut dem DeepSeek-V3-Bericht kostete der endgültige Trainingslauf 5,576 Millionen US-Dollar."
    [claim] = factchecked(kb, text)
    assert (claim["subject"], claim["verdict"]) == ("deepseek-v3", "consistent")


def test_bullets_run_into_one_line_are_quoted_one_by_one(kb):
    text = "- Analysts say frontier runs are dear. - One lists GPT-4 at roughly $78M in compute. - Costs rise."
    [claim] = factchecked(kb, text)
    assert claim["sentence"] == "- One lists GPT-4 at roughly $78M in compute."


def test_a_name_that_ends_a_sentence_is_still_a_name(kb):
    """ "…released BloombergGPT. It cost…": the model is BloombergGPT, not one named before it."""
    text = "OpenAI released GPT-4 last year. Bloomberg released BloombergGPT. It cost $3 million to train."
    [claim] = factchecked(kb, text)
    assert claim["subject"] == "bloomberggpt"


def test_an_article_about_one_model_owns_its_unnamed_figures(kb):
    text = (
        "# What BLOOM took\n\nBLOOM was trained in France on the Jean Zay cluster.\n\n"
        "- 384 A100 GPUs\n- 1.08 million GPU hours\n\nBLOOM is open."
    )
    claims = {c["quantity"]: c for c in factchecked(kb, text)}
    assert claims["num_gpus"]["subject"] == "bloom" and claims["num_gpus"]["status"] == "checked"
    assert claims["num_gpus"]["explanation"].startswith("Its sentence names no model, but BLOOM 176B is the only one")
    assert claims["gpu_hours"]["subject"] == "bloom"
    general = factchecked(kb, "BLOOM was trained in France. BLOOM is open.\n\nMost labs now train on 10,000 GPUs.")
    assert [c["subject"] for c in general] == [None]  # about labs in general, not the article's model
    passing = factchecked(kb, "BLOOM came out in 2022.\n\n- 384 A100 GPUs")
    assert [c["subject"] for c in passing] == [None]  # named once, in passing: not what the article is about
    two = factchecked(kb, "BLOOM and GPT-3 are both large. BLOOM is open.\n\n- 384 A100 GPUs")
    assert [c["subject"] for c in two] == [None]
    article = "BLOOM was trained in France. BLOOM is open.\n\n"
    [definite] = factchecked(kb, article + "The final model took 3.5 months to train.")
    assert definite["subject"] == "bloom"  # "the model" of an article about one model is that one
    [indefinite] = factchecked(kb, article + "A rival model took 3.5 months to train.")
    assert indefinite["subject"] is None


def test_an_unverifiable_claim_says_what_is_missing_in_plain_words(kb):
    [claim] = factchecked(kb, "Magistral Small cost $20 million to train.")
    assert claim["verdict"] == "unverifiable"
    assert claim["explanation"] == (
        "Not checked: the training cost (final run) of Magistral Small cannot be estimated without the hardware "
        "it was trained on, its number of accelerators or its training duration, and the knowledge base does "
        "not hold them."
    )


def test_a_duration_range_is_read_whole_and_a_gap_is_no_duration(kb):
    [run] = factchecked(kb, "Llama 3 70B took roughly 1-2 weeks to train.")
    assert (run["quantity"], run["low"], run["high"]) == ("training_days", 7, 14)
    [taken] = factchecked(kb, "Training GPT-3 is estimated to have taken 34 days.")
    assert (taken["quantity"], taken["low"]) == ("training_days", 34)
    assert factchecked(kb, "Claude 3.5 Sonnet was trained 9-12 months before DeepSeek-V3 was released.") == []
    [footnoted] = factchecked(kb, "DBRX took 2.5 months9 to train.")  # a footnote's number glued on
    assert (footnoted["text"], round(footnoted["low"])) == ("2.5 months", 76)


@pytest.mark.parametrize(
    "text",
    [
        "Models with over 100 billion parameters have changed the field.",  # a class of models
        "New chips enable single models with 100T+ parameters.",  # a class, bounded by a plus
        "Gemma 2 became the best model under 150 billion parameters.",
        "The lab's cloud spend for training and inference: $7B in 2024.",  # a company's spending
        "Its capex for training clusters reached $20 billion.",
        "Frontier training runs now cost over $100M per model.",  # what models cost in general
        "The estimate below is for a 400B parameter model.",  # what kind of model, no claim about one
        "GPT-4 is far larger than a 400B parameter model.",  # a yardstick, not GPT-4's size
        "Training cost, estimated for a 70B parameter model:\nOn H100s: ~$2M in compute\nOn A100s: ~$4M in compute",
        "Compute-optimal, for example:\n# 2B model → 40B tokens\n# 9B model → 180B tokens",  # worked examples
    ],
)
def test_classes_of_models_and_company_spending_are_not_claims(kb, text):
    assert factchecked(kb, text) == []


def test_a_size_in_apposition_to_a_name_is_a_claim_about_it(kb):
    [claim] = factchecked(kb, "GPT-3, a 175B parameter model, was trained in 2020.")
    assert (claim["subject"], claim["quantity"], claim["low"]) == ("gpt-3", "parameters", 175e9)


def test_a_size_in_brackets_after_a_name_is_a_claim_about_it(kb):
    claims = factchecked(kb, "Chinchilla (70B params, 1.4T tokens) matched Gopher (280B params).")
    found = {(c["subject"], c["quantity"], c["low"]) for c in claims}
    assert found == {
        ("chinchilla", "parameters", 70e9),
        ("chinchilla", "training_tokens", 1.4e12),
        ("gopher", "parameters", 280e9),
    }


def test_a_version_after_a_known_name_is_another_model(kb):
    [claim] = factchecked(kb, "Stable Diffusion v2 took 13 days to train on 256 A100 GPUs.")[:1]
    assert claim["subject"] is None or claim["subject_name"] == "Stable Diffusion v2"
    assert claim["verdict"] == "unverifiable"


def test_a_family_name_is_ambiguous_and_names_its_members(kb):
    [claim] = factchecked(kb, "Llama 2 cost $5 million to train.")
    assert claim["subject"] is None and claim["status"] == "ambiguous"
    assert "Llama 2 7B" in claim["explanation"] and "Llama 2 70B" in claim["explanation"]
    [sized] = factchecked(kb, "Llama 2 70B cost $5 million to train.")
    assert sized["subject"] == "llama-2-70b" and sized["status"] == "checked"


def test_a_size_that_names_one_member_of_a_family_is_about_that_member(kb):
    [member] = factchecked(kb, "It beats the 13 billion parameter Llama 2 model.")
    assert (member["subject"], member["status"]) == ("llama-2-13b", "checked")
    [rounded] = factchecked(kb, "It beats the larger 34 billion parameter LLaMA model.")  # as writers round 33B
    assert rounded["subject"] == "llama-33b"
    [unnamed] = factchecked(kb, "The 700 billion parameter Llama 2 is larger.")  # no member that size
    assert unnamed["subject"] is None and unnamed["status"] == "ambiguous"
    later = factchecked(kb, "Llama 2 is a family. The model was trained on 2 trillion tokens and has 70B parameters.")
    assert {(c["quantity"], c["subject"]) for c in later} == {
        ("training_tokens", "llama-2-70b"),  # the size it "has" says which member "the model" is
        ("parameters", "llama-2-70b"),
    }


def test_the_member_a_sized_reference_names_owns_the_nearest_figure_of_each_kind(kb):
    text = (
        "Llama 2 took 3.3M GPU-hours in all, of which 1.72M GPU-hours went to train the 70B model; "
        "at 0.4 utilization that is 7.7e23 FLOP."
    )
    found = {(c["text"], c["subject"]) for c in factchecked(kb, text)}
    assert found == {
        ("3.3M GPU-hours", None),  # the whole family's: the 1.72M stands between it and "the 70B model"
        ("1.72M GPU-hours", "llama-2-70b"),
        ("0.4 utilization", "llama-2-70b"),
        ("7.7e23 FLOP", "llama-2-70b"),
    }
    [alone] = factchecked(kb, "Llama 2 took 3.3M GPU-hours to train; the 7B model is its smallest.")
    assert alone["subject"] is None  # "the 7B model" is not what the number is about when farther off


def test_more_hours_of_training_than_a_run_lasts_are_accelerator_hours(kb):
    [claim] = factchecked(kb, "The bank gave 1.3 million hours of training time to BloombergGPT on A100 GPUs.")
    assert (claim["quantity"], claim["low"], claim["subject"]) == ("gpu_hours", 1.3e6, "bloomberggpt")
    assert factchecked(kb, "BloombergGPT saw 900 hours of training time on A100 GPUs.") == []  # could be a run's


def test_a_line_of_variants_is_a_family_and_a_variant_is_itself(kb):
    """Phi-3-mini and Phi-3-medium are named by variant, not size: "Phi-3" could be either."""
    [line] = factchecked(kb, "Microsoft's Phi-3 saw 5T tokens and fits on a phone.")
    assert line["subject"] is None and line["status"] == "ambiguous" and "Phi-3-mini" in line["explanation"]
    [variant] = factchecked(kb, "Also, a larger model, Phi-3-medium, with 14B parameters, was trained the same way.")
    assert variant["subject"] == "phi-3-medium"  # a size beside "a larger model" is still that model's
    [known] = factchecked(kb, "GPT-4 cost $100M to train.")
    assert known["subject"] == "gpt-4"  # a model's own name is never read as its line of variants


def test_a_method_applied_to_a_model_is_no_version_of_it():
    """Epoch lists studies as "model+method": "GPT-2" had become the family of three of them."""
    from kb.factcheck.link import families

    names = {"a": "Foo-2-Medium+Pixelfly", "b": "Foo-2 + Progressive LRD", "c": "Foo2-Large+LHOPT"}
    assert families(names) == {}
    assert families({"a": "Foo-2 Medium", "b": "Foo-2 Large"}) == {"foo2": ("a", "b")}


def test_a_product_name_its_versions_share_is_ambiguous(kb):
    """ "Stable Diffusion" was v1 in 2022 and 2 base in MosaicML's 2023 retraining: the bare name
    could be any version the knowledge base has, so nothing is pinned on one."""
    [bare] = factchecked(kb, "Training Stable Diffusion from scratch cost $160,000.")
    assert bare["subject"] is None and bare["status"] == "ambiguous"
    assert "Stable Diffusion v1" in bare["explanation"] and "Stable Diffusion 3" in bare["explanation"]
    [versioned] = factchecked(kb, "Stable Diffusion v1 cost $600,000 to train.")
    assert versioned["subject"] == "stable-diffusion-v1"


def test_a_size_picks_the_member_of_a_line_whose_published_size_it_is(kb):
    """Phi-3-mini's name states no size, but its published one (3.8B) picks it out of Phi-3, and a
    figure beside that size is its too; a size no member has is pinned on none of them."""
    found = factchecked(kb, "Phi-3 arrives: a 3.8 billion parameter model for phones, trained on 3.3T tokens.")
    assert [(c["subject"], c["quantity"]) for c in found] == [
        ("phi-3-mini", "parameters"),
        ("phi-3-mini", "training_tokens"),
    ]
    [other] = factchecked(kb, "Phi-3 arrives: a 5 billion parameter model for phones.")
    assert other["subject"] is None and "Phi-3 is a family" in other["explanation"]


def test_a_figure_the_article_repeats_is_the_named_models(kb):
    text = "DeepSeek-V3: the $5.6M training run. A small lab trained a frontier model for $5.6 million."
    repeat = factchecked(kb, text)[1]
    assert repeat["subject"] == "deepseek-v3" and "the same figure for DeepSeek-V3" in repeat["explanation"]
    two = factchecked(
        kb, "GPT-3 cost $4.6M to train. Llama 2 7B also cost $4.6M. One lab spent $4.6M to train its model."
    )
    assert two[2]["subject"] is None  # two models have that figure: the repeat is neither's
    headline = factchecked(kb, "A Bank Used 1.3 Million GPU Hours\n\nBloombergGPT took nearly 1.3 million GPU hours.")
    assert headline[0]["subject"] == "bloomberggpt"  # "nearly 1.3 million" states the headline's number
    what_if = factchecked(kb, "On 512 GPUs, GPT-4 would take 200 days. A lab's run took 200 days.")
    assert what_if[-1]["subject"] is None  # a what-if lends its figure to nobody
    chip = factchecked(kb, "This Chip Now Sells For $52,000\n\nThe H100 went on sale at $52,000 each.")
    assert chip[0]["subject"] == "h100-sxm" and "names no accelerator, but the article gives" in chip[0]["explanation"]


def test_a_line_of_models_is_a_family_even_with_one_sized_member(kb):
    """The knowledge base has one sized first Qwen (Qwen-72B) and numbered later ones (Qwen1.5,
    Qwen2): "Qwen" is the line, so a size picks its member and nothing else is pinned on it."""
    [sized] = factchecked(kb, "The original Qwen has 72 billion parameters.")
    assert sized["subject"] == "qwen-72b"
    [line] = factchecked(kb, "Qwen was trained on 3 trillion tokens.")
    assert line["subject"] is None and line["subject_name"] == "Qwen"


def test_a_list_of_a_family_s_sizes_names_each_member(kb):
    found = factchecked(kb, "Llama 3.1 is a family. Available in 8B, 70B and 405B sizes, these models are tuned.")
    assert [(c["subject"], c["low"]) for c in found] == [
        ("llama-3-1-8b", 8e9),
        ("llama-3-1-70b", 70e9),
        ("llama-3-1-405b", 405e9),
    ]
    # the first LLaMA came in 7B, 13B, 33B and 65B: this list is another family's, so it is no claim
    assert factchecked(kb, "Llama was released in 7B, 13B, 34B and 70B variants.") == []
    # unless the article named that family: "Llama" is then short for it
    after = factchecked(kb, "Meta has released Llama 2. Llama comes in 7B, 13B, 34B and 70B variants.")
    assert [c["subject"] for c in after] == ["llama-2-7b", "llama-2-13b", "llama-2-34b", "llama-2-70b"]


def test_a_chat_or_instruct_version_is_its_models(kb):
    """ "Llama 2-Chat" is Llama 2 tuned for chat, not the first LLaMA followed by a word."""
    for text in ("Llama 2-Chat has 70 billion parameters.", "We tested Llama 2-Chat. It has 70 billion parameters."):
        [claim] = factchecked(kb, text)
        assert (claim["subject"], claim["status"]) == ("llama-2-70b", "checked")


def test_a_models_smaller_versions_are_its_familys_members(kb):
    """PaLM is PaLM 540B; "smaller versions with 8 and 62 billion parameters" are PaLM 8B and 62B,
    and "PaLM in 8B, 62B and 540B" lists all three. Sizes a model's family lacks are no claim."""
    smaller = factchecked(kb, "Google also trained smaller versions of PaLM with 8 and 62 billion parameters.")
    assert [(c["subject"], c["low"]) for c in smaller] == [("palm-8b", 8e9), ("palm-62b", 62e9)]
    listed = factchecked(kb, "Google trained PaLM in 8B, 62B and 540B sizes.")
    assert [c["subject"] for c in listed] == ["palm-8b", "palm-62b", "palm"]
    assert factchecked(kb, "Google also trained smaller versions of PaLM with 9 and 62 billion parameters.") == []


def test_it_after_a_family_is_judged_for_the_family_where_every_member_agrees(kb):
    text = "Llama 2 is a family of models. It was trained on 2 trillion tokens. It used 3.3M GPU hours."
    tokens, hours = factchecked(kb, text)
    assert (tokens["subject_name"], tokens["verdict"]) == ("Llama 2", "consistent")
    assert hours["status"] == "ambiguous" and hours["explanation"].startswith("Needs review: Llama 2 is a family (")


def test_a_family_name_stands_for_the_one_member_the_article_names(kb):
    """ "Llama 3.1" after "Llama 3.1 405B" is that model written short, but a parameter count
    tells members apart, and two members named leave the family ambiguous."""
    one = "Meta trained Llama 3.1 405B on H100s. Llama 3.1 cost about $170 million to train."
    assert [(c["subject"], c["quantity"]) for c in factchecked(kb, one)] == [("llama-3-1-405b", "training_cost_usd")]
    size = "Meta trained Llama 3.1 405B on H100s. The smallest Llama 3.1 has 7.5 billion parameters."
    assert [c["subject"] for c in factchecked(kb, size)] == [None]
    two = "Llama 3.1 405B and Llama 3.1 8B are out. Llama 3.1 cost about $170 million to train."
    assert [c["subject"] for c in factchecked(kb, two)] == [None]


def test_these_models_after_several_is_ambiguous(kb):
    [claim] = factchecked(kb, "GPT-4 and Claude 3 Opus are large. These models cost $100 million to train.")
    assert claim["subject"] is None and claim["status"] == "ambiguous"


def test_a_claim_true_of_every_member_of_a_family_is_judged_for_the_family(kb):
    [claim] = factchecked(kb, "Llama 3.1 models were trained on over 15 trillion tokens.")
    assert (claim["subject"], claim["subject_name"], claim["status"]) == (None, "Llama 3.1", "checked")
    assert claim["verdict"] == "consistent" and "Llama 3.1 405B" in claim["explanation"]


def test_a_sentence_opening_with_trained_refers_back(kb):
    text = "Llama 3.1 405B was released in July 2024. Trained on H100 GPUs, requiring 30.84 million GPU hours."
    [claim] = factchecked(kb, text)
    assert (claim["subject"], claim["quantity"]) == ("llama-3-1-405b", "gpu_hours")


@pytest.mark.parametrize(
    "text",
    [
        "On 512 GPUs it would take about six months to train Llama 2 70B.",
        "For GPT-5, the plan is to finish training on 50,000 GPUs within 60 days.",
        "To train GPT-5 we'll be building a cluster of around 40,000 H100s.",
        "Trained to the optimum, GPT-3's data would be 3.5T tokens.",
        "If GPT-4 had been trained on H100s, it would have cost about $20 million.",  # was judged plausible
        "If Meta trains Llama 3.1 405B on 100,000 H100s, the run could cost $1 billion.",
        "Llama 3.1 405B's successor will likely be trained on 50,000 GPUs.",
    ],
)
def test_hypotheticals_are_reported_not_judged(kb, text):
    claims = factchecked(kb, text)
    assert claims and all(c["status"] == "hypothetical" and c["verdict"] == "unverifiable" for c in claims)


def test_rates_and_parts_are_not_totals(kb):
    text = (
        "GPT-4 has 16 experts, each with ~111B parameters. GPT-3 needs about 2 FLOPs per parameter per token. "
        "BLOOM used nodes with 8 A100 GPUs per node. Gopher also came in smaller versions with 8 and 62 billion "
        "parameters. GPT-3 fits on one DGX A100 server with 8 GPUs. For GPT-3, 300B tokens × 2 bytes is 600 GB. "
        "At $10,000 for each A100, that is $10 million to set up a cluster. Arctic has 128 experts at "
        "3.66 billion parameters each. Falcon-180B needs 8 A100 GPUs and 400GB of memory for inference. "
        "Nemotron-4 340B was trained in stages; the largest stage involved 7.6T tokens. "
        "In GPT-4, 55B parameters are used for attention. An H100 holds as many transistors as 9,000 iPhone 4 chips."
    )
    assert [(c["quantity"], c["text"]) for c in factchecked(kb, text)] == [("hardware_price_usd", "$10,000")]


def test_what_using_a_model_costs_is_no_training_claim(kb):
    """A price per token or per query is what using a model costs; the tokens it is per are no
    training data ("1M tokens" was GPT-4's training set, implausible by 7,800,000×)."""
    text = (
        "GPT-4o mini costs $0.15 per million input tokens. GPT-4 costs $30 / 1M tokens to use, "
        "but training GPT-4 cost over $100 million. Each ChatGPT answer costs about $0.01 a query."
    )
    assert [(c["quantity"], c["text"]) for c in factchecked(kb, text)] == [("training_cost_usd", "over $100 million")]


def test_what_a_company_owns_a_server_uses_or_a_product_allows_is_no_training_run(kb):
    text = (
        "DeepSeek operates about 50,000 GPUs, including 10,000 H800 units. Inflection currently has 3,500 H100s. "
        "If one DGX server runs at full power for an hour, it will consume 6.5 kWh.\n\n"
        "| Spec | H100 | B200 |\n|---|---|---|\n| Max cluster size | 256 GPUs | 10,000+ GPUs |\n"
    )
    assert factchecked(kb, text) == []


def test_a_range_is_read_whole_whatever_it_measures(kb):
    text = "GPT-4 needed between 1e25 and 1e26 FLOP over 90 to 100 days on 20,000 to 25,000 A100 GPUs."
    found = {c["quantity"]: (c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found == {"training_flop": (1e25, 1e26), "training_days": (90, 100), "num_gpus": (20_000, 25_000)}
    text = "Sora was estimated to need 4,200-10,500 Nvidia H100 GPUs for 1 month. GPT-3 took one week to train."
    found = [(c["quantity"], c["low"], c["high"]) for c in factchecked(kb, text)]
    assert ("num_gpus", 4_200, 10_500) in found  # not "500 Nvidia H100"
    assert [(q, round(low)) for q, low, _ in found if q == "training_days"] == [
        ("training_days", 30),
        ("training_days", 7),
    ]


def test_active_parameters_however_the_experts_are_counted(kb):
    text = "DBRX has 132 billion parameters; 36 billion parameters (4 of 16 experts) are active for each token."
    found = {c["quantity"]: c["low"] for c in factchecked(kb, text)}
    assert found == {"parameters": 132e9, "active_parameters": 36e9}
    elided = "Mixtral 8x7B holds 47 billion parameters in all, of which 13 billion active per token."
    assert {c["quantity"]: c["low"] for c in factchecked(kb, elided)} == {"parameters": 47e9, "active_parameters": 13e9}
    users = factchecked(kb, "Mistral 7B has 7 billion parameters and 2 billion active users.")
    assert [c["quantity"] for c in users] == ["parameters"]  # "active users" are no parameters


def test_a_published_token_count_beats_six_n_d_for_a_mixture_of_unknown_activity(kb):
    [claim] = factchecked(kb, "Llama 4 Behemoth was trained on more than 30 trillion tokens.")
    assert claim["quantity"] == "training_tokens" and claim["verdict"] == "consistent", claim["explanation"]


def test_numbers_as_people_write_them(kb):
    text = (
        "GPT-3 needed 3.14×10²³ FLOP. DeepSeek-V3 took 2’788’000 H800 GPU hours. "
        "Nemotron-4 340B ran at 41-42% MFU. DeepSeek-V3 has 37B active parameters."
    )
    found = {(c["subject"], c["quantity"]): (c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found[("gpt-3", "training_flop")] == pytest.approx((3.14e23, 3.14e23))
    assert found[("deepseek-v3", "gpu_hours")] == (2_788_000, 2_788_000)
    assert found[("nemotron-4-340b", "mfu")] == pytest.approx((0.41, 0.42))
    assert found[("deepseek-v3", "active_parameters")] == (37e9, 37e9)


def test_a_size_rumoured_in_a_sentence_about_parameters_is_a_parameter_count(kb):
    [claim] = factchecked(kb, "GPT-4's parameters are secret, rumored at 1.8T.")
    assert (claim["subject"], claim["quantity"], claim["low"]) == ("gpt-4", "parameters", 1.8e12)
    assert factchecked(kb, "GPT-4's data was rumored at 13T.") == []  # no word says what it counts


def test_fractions_of_a_scale_in_words_are_numbers_quoted_as_written(kb):
    text = (
        "GPT-3 cost about half a million dollars to train. BLOOM took one and a half million GPU hours. "
        "GPT-4 cost a quarter of a billion dollars to train. Half of the budget went to data."
    )
    found = {c["text"]: c for c in factchecked(kb, text)}
    assert {t: (c["low"], c["high"]) for t, c in found.items()} == {
        "about half a million dollars": (500_000, 500_000),
        "one and a half million GPU hours": (1_500_000, 1_500_000),
        "a quarter of a billion dollars": (250_000_000, 250_000_000),
    }
    assert "The claim (about half a million dollars)" in found["about half a million dollars"]["explanation"]


def test_a_bound_written_as_a_sign_or_in_words_is_one_end_of_a_range(kb):
    text = "Training GPT-3 Costs <$5M. It took an upper-bound of 3.6M GPU-hours."
    found = {(c["subject"], c["quantity"]): (c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found == {("gpt-3", "training_cost_usd"): (None, 5e6), ("gpt-3", "gpu_hours"): (None, 3.6e6)}


def test_more_ways_people_write_amounts_and_sizes(kb):
    text = (
        "DeepSeek-V3 was trained for under US$6 million. Arctic used less than 3,000 GPU weeks. "
        "Claude 3.5 Sonnet cost a few $10M's to train. Gemma 2 27B is a 27-billion-parameter model."
    )
    found = {(c["subject"], c["quantity"]): (c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found[("deepseek-v3", "training_cost_usd")] == (None, 6e6)
    assert found[("arctic", "gpu_hours")] == (None, 3_000 * 168)  # not 3,000 GPUs
    assert found[("claude-3-5-sonnet", "training_cost_usd")] == (1e7, 1e8)  # tens of millions
    assert found[("gemma-2-27b", "parameters")] == (27e9, 27e9)
    [vague] = factchecked(kb, "Claude 3 Opus reportedly cost a few hundred million dollars to train.")
    assert (vague["low"], vague["high"]) == (2e8, 9e8)  # not 100 million
    [zetta] = factchecked(kb, "Gopher took some 630 Zetta FLOPs to train.")
    assert (zetta["quantity"], zetta["low"]) == ("training_flop", 630e21)
    # "1,024x A100" is a cluster written as a multiple; "8x A100" is one server's configuration
    cluster = factchecked(kb, "GPT-3 was trained on 1,024x NVIDIA A100 GPUs. BLOOM ran on nodes of 8x A100 GPUs.")
    assert [(c["subject"], c["quantity"], c["low"]) for c in cluster] == [("gpt-3", "num_gpus", 1024)]
    # the unit named before the figure
    counts = factchecked(kb, "GPT-4 has a parameter count of about 1.8 trillion. PaLM (parameter count, 540 billion).")
    assert [(c["subject"], c["quantity"], c["low"]) for c in counts] == [
        ("gpt-4", "parameters", 1.8e12),
        ("palm", "parameters", 540e9),
    ]
    [tokens] = factchecked(kb, "The report gives 366B total training tokens for BLOOM.")
    assert (tokens["subject"], tokens["quantity"], tokens["low"]) == ("bloom", "training_tokens", 366e9)
    # a number word after digits is their scale: 3,600, not 1,000
    [scaled] = factchecked(kb, "GPT-4 was trained on around 3.6 thousand A100s.")
    assert (scaled["quantity"], scaled["low"]) == ("num_gpus", 3600)
    # active parameters are per token by definition: no rate
    [active] = factchecked(kb, "Mixtral 8x7B uses only 12.9 billion active parameters per token during inference.")
    assert (active["quantity"], active["low"]) == ("active_parameters", 12.9e9)
    # "est." is an estimate of what the run cost
    est = factchecked(kb, "- Llama 3.1 405B: ~$170M est., 3.8e25 FLOP of pre-training on H100s.")
    assert ("llama-3-1-405b", "training_cost_usd", 170e6) in {(c["subject"], c["quantity"], c["low"]) for c in est}
    # a compute budget is a cost, and a dash between two figures of different kinds is no range
    budget = factchecked(kb, "DBRX was trained on a compute budget of under $10 million - less than 3,000 GPU weeks.")
    assert {(c["quantity"], c["low"], c["high"]) for c in budget} == {
        ("training_cost_usd", None, 10e6),
        ("gpu_hours", None, 3_000 * 168),
    }


def test_the_dense_part_of_a_hybrid_is_not_the_model(kb):
    text = "Arctic pairs a 10-billion-parameter dense transformer with 128 experts."
    assert [c["quantity"] for c in factchecked(kb, text)] == []


def test_a_table_cell_is_about_its_column_and_measures_its_row(kb):
    text = (
        "| Metric | DeepSeek-V3 | GPT-4 |\n|---|---|---|\n| GPU Hours | 2.788M H800 | ~30M+ H100 |\n"
        "| Parameters (Active) | 37B | 280B |\n| Context length | 128K | 32K |\n"
    )
    found = {(c["subject"], c["quantity"], c["text"]) for c in factchecked(kb, text)}
    assert found == {
        ("deepseek-v3", "gpu_hours", "2.788M H800"),
        ("gpt-4", "gpu_hours", "~30M+ H100"),
        ("deepseek-v3", "active_parameters", "37B"),
        ("gpt-4", "active_parameters", "280B"),
    }
    quotes = {c["text"]: c["sentence"] for c in factchecked(kb, text)}
    assert quotes["37B"] == "| Parameters (Active) | 37B | 280B |"  # its row, not the whole table


def test_a_table_cell_that_qualifies_its_figure_gives_the_figure_to_its_row(kb):
    text = "| Release | Largest size |\n|---|---|\n| Qwen 2 | 72B (plus an MoE-57B-A14B) |\n| Qwen 2.5 | 72B, dense |\n"
    found = {(c["subject"], c["quantity"], c["text"]) for c in factchecked(kb, text)}
    assert found == {("qwen2-72b", "parameters", "72B"), ("qwen2-5-72b", "parameters", "72B")}

    what_if = factchecked(kb, "On 512 GPUs, GPT-4 would take 200 days. A lab's run took 200 days.")
    assert what_if[-1]["subject"] is None  # a what-if lends its figure to nobody
    chip = factchecked(kb, "This Chip Now Sells For $52,000\n\nThe H100 went on sale at $52,000 each.")
    assert chip[0]["subject"] == "h100-sxm" and "names no accelerator, but the article gives" in chip[0]["explanation"]

    """A table without outer borders, in an article about Llama 2: its "70B" row is Llama 2 70B."""
    text = (
        "Llama 2 was released by Meta in July 2023.\n\n"
        "Model | Training hours | Emissions |\n---|---|---|\n7B | 184,320 | 31 |\n70B | 1,720,320 | 291 |\n"
    )
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {("llama-2-7b", "gpu_hours", 184_320), ("llama-2-70b", "gpu_hours", 1_720_320)}


def test_a_table_that_names_no_model_is_about_the_article_s_one_model(kb):
    text = (
        "GPT-3 changed the field. GPT-3 was trained by OpenAI.\n\n"
        "| Fact | Value |\n|---|---|\n| Total parameters | 175 billion |\n"
    )
    [cell] = factchecked(kb, text)
    assert (cell["subject"], cell["quantity"], cell["low"]) == ("gpt-3", "parameters", 175e9)


def test_a_common_slip_in_a_model_s_name_is_an_alias(kb):
    [claim] = factchecked(kb, "Mistral-8X7B-v0.1 has 46.7B parameters.")  # the company's name for Mixtral's
    assert claim["subject"] == "mixtral-8x7b"


def test_a_compute_cost_row_is_money(kb):
    text = "GPT-3 is the subject. GPT-3 is large.\n\n| Item | Value |\n|---|---|\n| Compute cost | ~$4.6M – $5M |\n"
    [cell] = factchecked(kb, text)
    assert (cell["subject"], cell["quantity"], cell["low"], cell["high"]) == ("gpt-3", "training_cost_usd", 4.6e6, 5e6)


def test_a_model_page_s_spec_sheet_is_read_as_a_table(kb):
    """A label on one line and its value on the next, under the model's name; layer and expert
    counts are no parameter counts."""
    text = (
        "Llama 4 Behemoth\n\nTotal Parameters\n2T\nModality\nMultimodal\n"
        "Active Experts\n2\nHidden Dimension Size\n16384\nActive Parameters\n288B\n"
    )
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {
        ("llama-4-behemoth-preview", "parameters", 2e12),
        ("llama-4-behemoth-preview", "active_parameters", 288e9),
    }


def test_label_and_value_lines_of_a_worked_estimate_are_read_as_a_spec_sheet(kb):
    """ "Duration (D) = 90 days" lines, about the one model the note is about; a figure per server
    is no cluster, and a lone such line among prose is no sheet."""
    text = (
        "Estimating Gopher's training energy\n"
        "  1. Duration (D) = 90 days = 2160 hours\n"
        "  2. Number of TPUs (N) = 4096\n"
        "  3. Chips per server (C) = 4\n"
        "Assumption: Gopher was trained on TPU v3 chips."
    )
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {("gopher", "training_days", 90), ("gopher", "num_gpus", 4096)}
    assert factchecked(kb, "Assumption: Gopher was trained on TPU v3.\n1. Number of TPUs (N) = 4096\n") == []


def test_a_spec_sheet_value_keeps_its_thousands_and_its_chip(kb):
    """ "GPUs: 16,384 H100" is 16,384 accelerators, not 16 (judged implausible, off by 790×), in a
    bulleted sheet and in a worked estimate alike."""
    text = "## Llama 3.1 405B\n\n- Parameters: 405B\n- GPUs: 16,384 H100\n"
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {("llama-3-1-405b", "parameters", 405e9), ("llama-3-1-405b", "num_gpus", 16_384)}
    text = "Estimating Gopher's training energy\n  1. Duration (D) = 90 days\n  2. Number of TPUs (N) = 4,096\n"
    assert ("num_gpus", 4096) in {(c["quantity"], c["low"]) for c in factchecked(kb, text)}


def test_rows_of_aligned_text_are_read_as_a_table(kb):
    """A table set out in plain text: each row is about the model it names, each column header
    says what its numbers measure. Prose with two spaces after its full stops is still prose."""
    text = "Model        Tokens    GPU-hours\nBLOOM        366B      1,082,990\nOPT-175B     180B      809,472\n"
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {
        ("bloom", "training_tokens", 366e9),
        ("bloom", "gpu_hours", 1_082_990),
        ("opt-175b", "training_tokens", 180e9),
        ("opt-175b", "gpu_hours", 809_472),
    }
    prose = "GPT-3 is a language model.  It is large.\nGPT-3 cost $4.6M.  It used 10,000 V100 GPUs.\n"
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, prose)}
    assert found == {("gpt-3", "training_cost_usd", 4.6e6), ("gpt-3", "num_gpus", 10_000)}


def test_a_model_of_the_topics_size_is_the_topic(kb):
    """In an article about Llama 2 70B, "a 70B model" is that model; "a 7B model" is not."""
    about = "Llama 2 70B is our subject. We ran Llama 2 70B for weeks.\n\n"
    [same] = factchecked(kb, about + "A 70B model trained on 2 trillion tokens is costly.")
    assert (same["subject"], same["quantity"]) == ("llama-2-70b", "training_tokens")
    [other] = factchecked(kb, about + "A 7B model trained on 2 trillion tokens is cheap.")
    assert other["subject"] is None


def test_mfu_named_with_its_expansion(kb):
    [claim] = factchecked(kb, "GPT-4's MFU (model FLOPs utilization) for training was 32%.")
    assert (claim["quantity"], claim["low"]) == ("mfu", 0.32)
    worked = factchecked(kb, "GPT-3 took 312 TFLOP/s * 3.5M hours * 0.35 utilization = 3.8e23 FLOP.")
    assert ("mfu", 0.35) in {(c["quantity"], c["low"]) for c in worked}  # an operand, but the run's own MFU


def test_a_duration_row_of_a_table_is_a_training_duration(kb):
    text = "GPT-3 at a glance\n\n| Item | Value |\n|---|---|\n| Duration | about 40 days (with 2,048 GPUs) |\n"
    found = {(c["quantity"], c["text"]) for c in factchecked(kb, text)}
    assert ("training_days", "about 40 days") in found
    [estimate] = factchecked(kb, "GPT-3 was trained on V100s. Later estimates of 34 days assumed A100 GPUs.")
    assert (estimate["quantity"], estimate["low"]) == ("training_days", 34)
    scaled = factchecked(kb, "Scaling out\n\n- At 2,048 GPUs (256 nodes): 3-4 weeks.")
    assert ("training_days", 21, 28) in {(c["quantity"], c["low"], c["high"]) for c in scaled}


def test_a_model_named_once_is_the_articles_topic_only_if_the_article_says_it_was_trained(kb):
    trained = "The whole run took 90 days on 4,096 chips.\n\nWe assume Gopher was trained on TPU v3."
    assert {c["subject"] for c in factchecked(kb, trained)} == {"gopher"}
    in_passing = "The whole run took 90 days on 4,096 chips.\n\nEvery ChatGPT answer is served by a GPU."
    assert {c["subject"] for c in factchecked(kb, in_passing)} == {None}


def test_a_price_row_prices_each_accelerator_its_column_names(kb):
    text = "| Spec | H100 | B200 |\n|---|---|---|\n| List price (estimated) | $25,000-30,000 | $30,000-40,000 |\n"
    found = {(c["subject"], c["quantity"], c["low"], c["high"]) for c in factchecked(kb, text)}
    assert found == {
        ("h100-sxm", "hardware_price_usd", 25_000, 30_000),
        ("b200", "hardware_price_usd", 30_000, 40_000),
    }


def test_a_price_list_in_a_numbered_list_prices_configurations(kb):
    """Its columns line up after the list marker, and its chip counts are no training cluster; a
    configuration of several chips is priced as a whole, so its price is no chip's hourly price."""
    rows = "| v5e-8 | 8 | $9.60 / hour |\n| v5e-1 | 1 | $1.20 / hour |\n"
    text = "1. | Slice | Chips | On-demand price (USD) |\n| --- | --- | --- |\n" + rows
    assert [(c["quantity"], c["text"]) for c in factchecked(kb, text)] == [("gpu_hour_price_usd", "$1.20 / hour")]


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"


@pytest.mark.skipif(not REAL.is_dir(), reason="the real-article corpus lives in ../shared/corpus/real")
def test_real_articles_score_at_least_as_well_as_before(kb):
    """Thresholds only go up as the fact-checker improves (see the issue's before figures:
    recall 0.31, precision 0.36, 42 misattributions, 55 false positives). No verdict may contradict
    a label; a verdict of "unverifiable" where the label knows better (the knowledge base holds no
    figure for GPT-5) costs accuracy but no credibility."""
    scores = json.loads(kb("factcheck", "--eval", str(REAL), "--json").stdout)
    assert scores["recall"] >= 0.85 and scores["precision"] >= 0.86
    # accuracy counts "unverifiable" as wrong where the label has a verdict, e.g. where the article is
    # itself the knowledge base's only source for the figure; no verdict may contradict a label
    assert scores["verdict_accuracy"] >= 0.91 and scores["confidently_wrong"] == 0
    assert scores["misattributions"] <= 1 and scores["false_positives"] <= 6
    assert scores["false_positives_judged"] == 0  # a distractor is at most left for review, never judged


def test_the_evaluation_states_false_positives_and_misattributions_per_25_articles(kb, tmp_path):
    """The unit issue 11's targets are set in (at most 2 of each per 25 articles), whatever the size
    of the corpus measured."""
    for n in range(2):
        (tmp_path / f"{n}.txt").write_text("GPT-3 cost $4.6 million to train.\n")
        labels = "distractors:\n  - {quantity: training_cost_usd, value: 4600000}\n" if n == 0 else "claims: []\n"
        (tmp_path / f"{n}.labels.yaml").write_text(labels)
    report = kb("factcheck", "--eval", str(tmp_path)).stdout
    assert "false positives 1 (1 given a verdict, 0 reported as hypothetical; 12.5 per 25 articles)" in report
    assert "misattributions 0 (0.0 per 25 articles)" in report


def test_what_it_adds_up_to_to_run_a_cluster_for_a_time_is_a_runs_cost(kb):
    text = "Falcon 180B was trained by TII. At $2 an hour, it adds up to $3,400,000 to run 4,096 A100 GPUs for 17 days."
    [cost] = [c for c in factchecked(kb, text) if c["quantity"] == "training_cost_usd"]
    assert (cost["subject"], cost["low"], cost["high"]) == ("falcon-180b", 3_400_000, 3_400_000)


def test_six_n_d_without_a_unit_is_training_compute(kb):
    found = factchecked(kb, "Nemotron-4 340B saw 9T tokens, so 6 * 340B * 9T = 1.8E25.")
    assert ("training_flop", 1.8e25) in {(c["quantity"], c["low"]) for c in found}


def test_a_total_training_cost_is_one_runs_cost(kb):
    run = factchecked(kb, "GPT-3 had a total training cost of about $4.6 million.")
    programme = factchecked(kb, "GPT-3 cost a total of $30 million to develop, including research and staff.")
    assert [c["quantity"] for c in run] == ["training_cost_usd"]
    assert [c["quantity"] for c in programme] == ["total_cost_usd"]


def test_a_cost_said_to_be_a_fraction_of_the_total_is_not_the_total(kb):
    text = (
        "The $6 million DeepSeek-V3 figure covers the GPU cost of one training run, "
        "a small fraction of the model's total cost."
    )
    assert [c["quantity"] for c in factchecked(kb, text)] == ["training_cost_usd"]


def test_explanations_name_models_as_readers_know_them(kb):
    [claim] = factchecked(kb, "Mistral 7B has 7.3B active parameters.")
    assert claim["verdict"] == "unverifiable"
    assert "of Mistral 7B" in claim["explanation"] and "mistral-7b" not in claim["explanation"]


def test_figures_of_a_model_the_article_does_not_name_need_review_when_nothing_checks_them(kb):
    found = factchecked(kb, "We are looking at a model with 600B parameters trained on 4T tokens.")
    assert [(c["status"], c["verdict"], c["subject"]) for c in found] == [("unattributed", "unverifiable", None)] * 2
    assert all(c["explanation"].startswith("Needs review: the sentence names no model") for c in found)


def test_a_price_whose_sentence_names_no_accelerator_says_so(kb):
    text = "GPT-4 was trained at scale.\n- Cloud GPU rentals: $1-4 per hour for consumer GPUs.\n"
    [price] = factchecked(kb, text)
    assert (price["quantity"], price["status"]) == ("gpu_hour_price_usd", "unattributed")
    assert price["explanation"] == "Needs review: the sentence names no accelerator, so the price is not pinned on one."
    assert "NEEDS REVIEW  no accelerator named · price per accelerator-hour" in kb("factcheck", "-", input=text).stdout


def test_spec_sheet_wordings(kb):
    text = (
        "BLOOM was trained on 384 active GPUs. BLOOM consumed 1,082,990 compute hours. "
        "Nemotron-4 340B reports its model FLOP utilization (MFU), which was 41-42%."
    )
    found = {(c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {("num_gpus", 384), ("gpu_hours", 1_082_990), ("mfu", 0.41)}


def test_a_currency_written_after_the_figure_in_english_or_german(kb):
    text = (
        "GPT-3 cost 5 million dollars to train. "
        "DeepSeek hat für das Vortraining von DeepSeek-V3 etwa 5,576 Millionen US-Dollar ausgegeben."
    )
    found = {(c["subject"], c["quantity"], c["low"]) for c in factchecked(kb, text)}
    assert found == {("gpt-3", "training_cost_usd", 5e6), ("deepseek-v3", "training_cost_usd", 5_576_000)}
    spend = "Für das Training von DeepSeek-V3 rund 5,6 Millionen US-Dollar auszugeben, ist wenig."
    assert [(c["subject"], c["low"]) for c in factchecked(kb, spend)] == [("deepseek-v3", 5_600_000)]
