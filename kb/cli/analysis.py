"""kb check, kb estimate and kb calibrate: the compute model at work."""

from __future__ import annotations

import click

from kb import dollars
from kb.cli import KB, cli, db, echo_json, echo_table, evaluate, pass_kb, store
from kb.display import off_by, show, show_range
from kb.errors import KBError, ParseError
from kb.montecarlo import DEFAULT_SAMPLES, DEFAULT_SEED
from kb.quantities import COUNT, MONEY, label, unit_of
from kb.values import parse

seed_option = click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Random seed: the same seed gives the same numbers.",
)
samples_option = click.option(
    "--samples",
    type=click.IntRange(100, 10_000_000),
    default=DEFAULT_SAMPLES,
    show_default=True,
    help="Monte Carlo samples per estimate.",
)


@cli.command()
@click.option("--subject", "subject_name", help="Only claims about this subject.")
@click.option("--json", "as_json", is_flag=True, help='Print {"claims": [...]} as JSON.')
@click.option("--dry-run", is_flag=True, help="Do not store the evaluations.")
@seed_option
@samples_option
@pass_kb
def check(kb: KB, subject_name, as_json, dry_run, seed, samples):
    """Give every active claim a verdict; new or changed ones join the claim's verdict history.

    \b
    Verdicts: consistent (overlaps the model's 90% range), plausible (within 3×),
    doubtful (3–10×), implausible (over 10×, or physically impossible),
    unverifiable (an input is missing; the explanation says which).

    \b
    Example:
      kb check --subject GPT-4
      kb check --json | jq '.claims[] | select(.verdict == "implausible")'
    """
    with (db.reading if dry_run else db.transaction)(kb.engine()) as session:
        if subject_name:
            subject_name = store.subject(session, subject_name).slug
        results = evaluate.check_all(session, subject_name, seed, samples, store_results=False)
        recorded = 0 if dry_run else evaluate.record(session, results, seed)
        records = [
            {
                "slug": c.slug,
                "source": c.source_id,
                "text": c.quote,
                "subject": None,
                "quantity": c.quantity,
                "low": c.low,
                "high": c.high,
                "scope": c.scope,
                "value": c.value,
                **v.as_dict(),
            }
            for c, v in results
        ]
        sources, subjects = store.slugs(session, "source"), store.slugs(session, "subject")
        for record, (c, _) in zip(records, results):
            record["source"], record["subject"] = sources[c.source_id], subjects[c.subject_id]
    if as_json:
        echo_json({"claims": records})
        return
    echo_table(
        [
            [
                r["slug"][:38],
                r["subject"][:16],
                r["quantity"],
                r["value"][:28],
                r["verdict"],
                "" if r["factor"] is None or r["factor"] <= 1 else off_by(r["factor"]),  # 1: inside the range
            ]
            for r in records
        ],
        ["claim", "subject", "quantity", "as stated", "verdict", "factor"],
        verdict_column=4,
    )
    counts: dict[str, int] = {}
    for r in records:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    click.echo(", ".join(f"{n} {v}" for v, n in sorted(counts.items())), err=True)
    if not dry_run:
        click.echo(
            f"{recorded} new or changed verdict{'s' if recorded != 1 else ''} added to the history; "
            f"{len(records) - recorded} unchanged.",
            err=True,
        )


def _range(text: str | None, flag: str) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        r = parse(text, COUNT)
    except ParseError as e:
        raise click.BadParameter(str(e), param_hint=flag) from None
    if r.low is None or r.high is None or r.low <= 0:
        raise click.BadParameter(f'"{text}" must be a positive number or range like 0.2-0.4', param_hint=flag)
    return r.low, r.high


@cli.command(name="estimate")
@click.argument("subject_name", metavar="[SUBJECT]", required=False)
@click.option("--params", help="Parameters, e.g. 175e9 or 175B.")
@click.option("--active-params", help="Active parameters per token (mixture-of-experts).")
@click.option("--tokens", help="Training tokens, e.g. 300e9.")
@click.option("--hardware", help="Accelerator: A100, H100, V100, TPU v4, MI300X, …")
@click.option("--precision", type=click.Choice(["bf16", "fp16", "fp8", "tf32", "fp32"]))
@click.option("--mfu", help="Model FLOP utilization as a 90% range, e.g. 0.3-0.45.")
@click.option("--price", help="US dollars per accelerator-hour, e.g. 1.5-3.")
@click.option("--gpus", help="Number of accelerators (gives training days).")
@click.option("--year", type=click.IntRange(2010, 2100), help="Year, for catalogue prices.")
@click.option(
    "--dollars",
    "dollars_of",
    type=click.IntRange(2000, 2100),
    help="Show costs in dollars of this year (by the price index Epoch AI uses); default: the price quotes' year.",
)
@click.option("--json", "as_json", is_flag=True)
@seed_option
@samples_option
@pass_kb
def estimate_cmd(
    kb: KB,
    subject_name,
    params,
    active_params,
    tokens,
    hardware,
    precision,
    mfu,
    price,
    gpus,
    year,
    dollars_of,
    as_json,
    seed,
    samples,
):
    """Estimate training compute, time, cost and energy.

    From a subject's facts, or from the inputs you give; options override facts. Ranges are
    90% intervals ("0.2-0.4"); priors fill in what you leave out.

    \b
    Example:
      kb estimate GPT-3
      kb estimate --params 175e9 --tokens 300e9 --hardware V100 --year 2020 --gpus 1024
      kb estimate --params 70B --tokens 2T --hardware A100 --mfu 0.35-0.45 --price 1.5-2.5 --json
      kb estimate GPT-4 --dollars 2024
    """
    given = _given(
        {"parameters": params, "active_parameters": active_params, "training_tokens": tokens, "mfu": mfu},
        {"gpu_hour_price_usd": price, "num_gpus": gpus, "hardware": hardware, "precision": precision},
    )
    with db.reading(kb.engine()) as session:
        cat = evaluate.Catalogue(session)
        if hardware and cat.resolve(hardware) is None:
            known = sorted(s.name for s in cat.subjects.values() if s.kind == "hardware")
            raise KBError(f'unknown hardware "{hardware}"; known: {", ".join(known)}')
        slug = store.subject(session, subject_name).slug if subject_name else None
        if slug is None and not given:
            raise click.UsageError("Give a SUBJECT or at least --params and --tokens (see --help).")
        spec = evaluate.ClaimSpec("training_cost_usd", None, None, subject=slug, year=year, assumptions=given)
        ctx = evaluate.build_context(spec, cat)
        import numpy as np  # here, not at the top: only estimates need it

        results = evaluate.estimate_all(ctx, np.random.default_rng(seed), samples)
        in_dollars_of = ctx.dollars_year
        scale = 1.0
        if dollars_of and in_dollars_of and dollars_of != in_dollars_of:
            scale = dollars.convert(1.0, in_dollars_of, dollars_of, cat.price_index)
            in_dollars_of = dollars_of
    bands = _bands(results, scale)
    if as_json:
        echo_json({**bands, "inputs": _inputs(ctx), "dollars_of": in_dollars_of})
        return
    if not bands:
        raise KBError("these inputs determine nothing: give parameters and tokens, or accelerator-hours")
    echo_table(
        [[label(q), show(q, b["p5"]), show(q, b["p50"]), show(q, b["p95"])] for q, b in bands.items()],
        ["quantity", "p5", "median", "p95"],
    )
    click.echo("\ninputs:")
    for name, i in ctx.inputs.items():
        click.echo(f"  {label(name)}: {show_range(name, i.low, i.high)} ({i.label})")
    if ctx.hardware:
        click.echo(f"  hardware: {ctx.hardware_name}, {ctx.precision}, {ctx.year or 'year unknown'}")
    if in_dollars_of:
        converted = f", converted from {ctx.dollars_year} by the price index" if scale != 1.0 else ""
        click.echo(f"  costs in {in_dollars_of} US dollars{converted}")


FLAGS = {
    "parameters": "--params",
    "active_parameters": "--active-params",
    "training_tokens": "--tokens",
    "mfu": "--mfu",
    "gpu_hour_price_usd": "--price",
    "num_gpus": "--gpus",
}


def _given(*options: dict[str, str | None]) -> dict[str, evaluate.Given]:
    """The inputs given as options: ranges ("0.2-0.4") for numbers, names for hardware and precision."""
    given = {}
    for name, text in (item for group in options for item in group.items()):
        if not text:
            continue
        if name in ("hardware", "precision"):
            given[name] = evaluate.Given(None, None, text, stated=False)
            continue
        r = _range(text, FLAGS[name])
        if r:
            given[name] = evaluate.Given(*r, basis="given on the command line", stated=False)
    if "mfu" in given and (given["mfu"].high or 0) > 1:
        raise click.BadParameter("MFU cannot exceed 1 (the accelerator's peak)", param_hint="--mfu")
    return given


def _bands(results: dict, scale: float) -> dict[str, dict[str, float]]:
    """Each quantity's 5th, 50th and 95th percentiles; money in the dollars asked for."""
    from kb.compute import Estimate

    bands = {}
    for q, r in results.items():
        band = {"p5": r.p5, "p50": r.p50, "p95": r.p95} if isinstance(r, Estimate) else {
            "p5": r.low, "p50": r.median, "p95": r.high
        }  # fmt: skip
        bands[q] = {k: v * scale for k, v in band.items()} if unit_of(q) == MONEY else band
    return bands


def _inputs(ctx) -> dict:
    inputs = {name: {"low": i.low, "high": i.high, "source": i.label} for name, i in ctx.inputs.items()}
    if ctx.hardware:
        hardware = {"name": ctx.hardware_name, "slug": ctx.hardware, "precision": ctx.precision, "year": ctx.year}
        inputs["hardware"] = hardware
    return inputs


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--costs", is_flag=True, help="Calibrate cost instead: published cost estimates against ours, by method.")
@click.option("--runs/--summary", "show_runs", default=False, help="List every run, not only the summaries.")
@seed_option
@samples_option
@pass_kb
def calibrate(kb: KB, as_json, costs, show_runs, seed, samples):
    """How well the model predicts published training runs.

    For every run whose accelerator-hours are known (its developer's figure or Epoch AI's),
    predict them from its training compute (or parameters and tokens) and hardware alone, with
    the default priors, and print the share of known figures inside the 90% band and the median
    error, by hardware generation and by year. Runs whose compute was worked out from those
    hours, or whose hours imply an MFU above 100%, are listed but left out of the figures.

    With --costs: every published cost estimate of a final run whose method is known (cloud
    rental or amortised ownership) against the knowledge base's estimate by the same route.

    \b
    Example:
      kb calibrate
      kb calibrate --costs --runs
    """
    with db.reading(kb.engine()) as session:
        rows = (evaluate.calibrate_costs if costs else evaluate.calibrate)(session, seed, samples)
    groups = (
        {"method": lambda r: r.group}
        if costs
        else {"generation": lambda r: r.group, "year": lambda r: r.year or "unknown"}
    )
    summary = {
        "all": evaluate.calibration_summary(rows),
        **{f"by_{name}": evaluate.by_group(rows, key) for name, key in groups.items()},
    }
    if as_json:
        echo_json(
            {
                "runs": [
                    {
                        "subject": r.subject,
                        "hardware": r.hardware,
                        "group": r.group,
                        "year": r.year,
                        "p5": r.p5,
                        "p50": r.p50,
                        "p95": r.p95,
                        "published": r.published,
                        "ratio": r.ratio,
                        "inside": r.inside,
                        "left_out": r.left_out,
                        "source": r.source,
                    }
                    for r in rows
                ],
                **summary,
            }
        )
        return
    unit = "training_cost_usd" if costs else "gpu_hours"
    if show_runs:
        echo_table(
            [
                [
                    r.name,
                    r.hardware,
                    r.group,
                    show(unit, r.p5),
                    show(unit, r.p50),
                    show(unit, r.p95),
                    show(unit, r.published),
                    f"{r.ratio:.2f}",
                    f"left out: {r.left_out}" if r.left_out else "yes" if r.inside else "NO",
                ]
                for r in rows
            ],
            [
                "run",
                "hardware",
                "method" if costs else "generation",
                "p5",
                "p50",
                "p95",
                "published",
                "ratio",
                "inside",
            ],
        )
        click.echo()
    table = [["all", *_summary_cells(summary["all"])]]
    for name in groups:
        table += [[f"{name}: {group}", *_summary_cells(s)] for group, s in summary[f"by_{name}"].items()]
    echo_table(table, ["runs", "count", "inside 90% band", "median |log10 error|", "median published/ours"])
    if summary["all"]["left_out"]:
        click.echo(
            f"\n{summary['all']['left_out']:,} runs left out, as they cannot test the model: their compute was worked "
            "out from the same hours (Epoch's hardware method), or the hours imply an MFU above 100% (the compute "
            "counts work they did not do, such as a fine-tune's base model). kb calibrate --runs lists them."
        )


def _summary_cells(s: dict) -> list[str]:
    if not s["runs"]:
        return ["0", "", "", ""]
    return [f"{s['runs']:,}", f"{s['coverage']:.0%}", f"{s['median_abs_log10_error']:.2f}", f"{s['median_ratio']:.2f}"]
