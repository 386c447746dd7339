"""Bad input: one clear line on stderr, a non-zero exit, and a database exactly as it was."""

import json

import pytest

from .conftest import dump

GOOD_SOURCE = ["--title", "T", "--kind", "article"]
CLAIM = [
    "claim",
    "add",
    "--source",
    "seed-cost-of-training-ai-models",
    "--quantity",
    "training_cost_usd",
    "--scope",
    "unspecified",
    "--quote",
    "q",
    "--claimant",
    "c",
]

BAD = [
    # (args, expected exit code, words the error must contain)
    ([*CLAIM, "--subject", "GPT5", "--value", "$1M"], 1, 'unknown subject "GPT5"'),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$1M", "--quantity", "cost"], 2, "Invalid value for '--quantity'"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$1–12QQ"], 1, "cannot parse"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$12 to $1 million"], 1, "above high"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "-$5M"], 1, "value"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "NaN"], 1, '"NaN"'),
    ([*CLAIM, "--subject", "GPT-4", "--value", "1e400 dollars"], 1, "too large"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "inf dollars"], 1, "cannot parse"),
    ([*CLAIM, "--subject", "GPT-4", "--value", ""], 1, "value"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--slug", "x'; DROP TABLE claim;--"], 1, "not a slug"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--claimant", "a\x1bb"], 1, "control"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--date", "2024-13-40"], 1, "not a real date"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--slug", "../../etc/passwd"], 1, "not a slug"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--slug", "seed-gpt-3-1-to-12m"], 1, "already exists"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--assume", "mfu=1.5"], 1, "MFU must be in (0, 1]"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--assume", "nonsense"], 1, "expected NAME=VALUE"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--quote", "a\u202eb"], 1, "bidirectional"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--quote", "x" * 3000], 1, "longer than"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--quote", "a\uffffb"], 1, "control"),  # XML cannot carry it
    (["claim", "retract", "seed-gpt-3-1-to-12m", "--reason", "a\u202eb"], 1, "bidirectional"),
    (["source", "add", *GOOD_SOURCE, "--url", "javascript:alert(1)"], 1, "not an http(s) URL"),
    (["source", "add", *GOOD_SOURCE, "--url", "/relative/path"], 1, "not an http(s) URL"),
    (["source", "add", *GOOD_SOURCE, "--url", "data:text/html,hi"], 1, "not an http(s) URL"),
    (["source", "add", *GOOD_SOURCE, "--slug", "seed-cost-of-training-ai-models"], 1, "already exists"),
    (["source", "add", *GOOD_SOURCE, "--published", "2024-13-40"], 1, "not a real date"),
    (["source", "add", "--title", "", "--kind", "article"], 1, "title: is required"),
    (["source", "add", "--title", "x" * 1_000_000, "--kind", "article"], 1, "longer than"),
    (["source", "add", *GOOD_SOURCE, "--url", "https://exa mple.com"], 1, "not an http(s) URL"),
    (["source", "add", *GOOD_SOURCE, "--author", "a\x00b"], 1, "control"),
    (["fact", "add", "GPT-3", "parameters", "lots", "--basis", "published", "--source", "x"], 1, "cannot parse"),
    (
        ["fact", "add", "GPT-3", "parameters", "175e9", "--basis", "published", "--source", "nope"],
        1,
        'unknown source "nope"',
    ),
    (
        [
            "fact",
            "add",
            "Nope-9",
            "parameters",
            "175e9",
            "--basis",
            "published",
            "--source",
            "seed-cost-of-training-ai-models",
        ],
        1,
        'unknown subject "Nope-9"',
    ),
    (["subject", "add", "GPT 4", "--kind", "model"], 1, "already"),
    (["claim", "edit", "no-such-claim", "--value", "$1M"], 1, 'unknown claim "no-such-claim"'),
    (["claim", "retract", "no-such-claim", "--reason", "x"], 1, 'unknown claim "no-such-claim"'),
    (["estimate", "--params", "175e9", "--tokens", "300e9", "--hardware", "Z80"], 1, 'unknown hardware "Z80"'),
    (
        ["estimate", "--params", "175e9", "--tokens", "300e9", "--hardware", "V100", "--mfu", "1.5"],
        2,
        "MFU cannot exceed 1",
    ),
    (["estimate", "--params", "NaN", "--tokens", "300e9"], 2, "--params"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$1e270"], 1, "beyond any real training run"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$1e-320"], 1, "too small to be a real figure"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--assume", "gpu_hours=1e300"], 1, "beyond any real"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "9" * 5000 + " dollars"], 1, "longer than"),
    ([*CLAIM, "--subject", "GPT-4", "--value", "$5M", "--quote", "a\ud800b"], 1, "control"),  # a lone surrogate
]


@pytest.mark.parametrize("args,code,words", BAD, ids=[" ".join(a)[:60] for a, _, _ in BAD])
def test_bad_input_is_refused_and_changes_nothing(kb, db_url, args, code, words):
    before = dump(db_url)
    result = kb(*args)
    assert result.exit_code == code, result.output
    assert words in result.stderr
    if code == 1:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("Error: ")
    assert dump(db_url) == before


BAD_FILES = [
    ("claims:\n  - [unclosed\n", "invalid YAML"),
    (
        "source: {slug: s, title: T, kind: article}\nclaims:\n  - subject: GPT-4\n    quantity: training_cost_usd\n"
        "    value: $1-12QQ\n    quote: q\n    scope: unspecified\n    claimant: c\n",
        "bad.yaml:5: claims[0].value: cannot parse",
    ),
    ("source: {slug: s, title: T, kind: article, url: 'javascript:alert(1)'}\n", "source.url"),
    ("source: {slug: s, title: T, kind: article, published: 2024-13-40}\n", "source.published"),
    ("a: &a [1, 2]\nb: *a\n", "aliases are not allowed"),
    (
        "source: {slug: s, title: T, kind: article}\nclaims:\n  - subject: Nope\n    quantity: training_cost_usd\n"
        "    value: $1M\n    quote: q\n    scope: unspecified\n    claimant: c\n",
        'unknown subject "Nope"',
    ),
    (
        "source: {slug: s, title: T, kind: article}\nclaims:\n  - subject: GPT-4\n    quantity: training_cost_usd\n"
        "    low: 5\n    high: 1\n    value: x\n    quote: q\n    scope: unspecified\n    claimant: c\n",
        "above high",
    ),
    (
        "source: {slug: s, title: T, kind: article}\nfacts:\n  - subject: GPT-4\n    quantity: parameters\n"
        "    low: .nan\n    basis: leak\n    confidence: low\n",
        "not a finite",
    ),
    ("source: {slug: s, title: T, kind: article}\nsurprise: 1\n", "unknown field"),
    ("claims: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),  # "nested too deeply" or libyaml's "nesting depth"
    ("source: {slug: s, title: T, kind: article, published: !!timestamp 2024-13-40}\n", "bad.yaml:1: invalid YAML"),
    ("source: {slug: s, title: T, kind: article, notes: !!int " + "9" * 5000 + "}\n", "bad.yaml:1: invalid YAML"),
    ("documents: []\nsource: {slug: s, title: T, kind: article}\n", "documents: unknown field"),
    (
        "source: {slug: s, title: T, kind: article}\nclaims:\n"
        + "  - {slug: d, subject: GPT-4, quantity: training_cost_usd, value: $1M, quote: q, scope: unspecified,"
        " claimant: c}\n" * 2,
        'slug "d" is also used',
    ),
    (  # "--" is how a claim's own assumptions are slugged: a global prior must not take one's place
        "source: {slug: s, title: T, kind: article}\nassumptions:\n  - slug: gpt-3-training-cost--0\n"
        "    name: mfu\n    value: 0.3\n",
        "not a slug",
    ),
]


@pytest.mark.parametrize("content,words", BAD_FILES)
def test_bad_import_files_are_refused_whole(kb, db_url, tmp_path, content, words):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    before = dump(db_url)
    result = kb("import", str(path))
    assert result.exit_code == 1, result.output
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert dump(db_url) == before


def test_invalid_utf8_is_refused(kb, db_url, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"source: {slug: s, title: \xff\xfe, kind: article}\n")
    before = dump(db_url)
    result = kb("import", str(path))
    assert result.exit_code == 1 and "not UTF-8" in result.stderr
    assert dump(db_url) == before


def test_a_good_file_with_one_bad_record_imports_nothing(kb, db_url, tmp_path):
    (tmp_path / "a.yaml").write_text("source: {slug: good-one, title: Good, kind: article}\n")
    (tmp_path / "b.yaml").write_text("source: {slug: bad-one, title: Bad, kind: article, url: 'ftp://x'}\n")
    before = dump(db_url)
    assert kb("import", str(tmp_path)).exit_code == 1
    assert dump(db_url) == before


def test_sql_metacharacters_in_text_are_stored_verbatim(kb, db_url):
    title = 'Robert\'); DROP TABLE claim;-- "quoted" % _'
    assert kb("source", "add", "--slug", "bobby", "--title", title, "--kind", "article").exit_code == 0
    import json

    assert json.loads(kb("source", "show", "bobby", "--json").stdout)["title"] == title
    assert len(dump(db_url)["claim"]) > 0


@pytest.mark.parametrize("content", [b"this is not a database", b"SQLite format 3\x00" + b"\x00" * 50])
def test_a_file_that_is_no_database_gets_one_line(kb, tmp_path, content):
    path = tmp_path / "broken.db"
    path.write_bytes(content)
    result = kb("claim", "list", url=f"sqlite:///{path}")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert path.read_bytes() == content


def test_an_upper_case_url_scheme_is_stored_lower_case(kb):
    result = kb(
        "source", "add", "--slug", "shouty", "--title", "T", "--kind", "article", "--url", "HTTPS://Example.com/A"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(kb("source", "show", "shouty", "--json").stdout)["url"] == "https://Example.com/A"
