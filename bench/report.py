"""The printed table and the JSON file of one run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.scale import ASSESSMENT_QUERIES, ENGINE_QUERIES
from bench.targets import bottleneck, evaluate

Row = tuple[str, float | None, str, float | None]  # figure, ours, raw bound, raw


def rows(r: dict[str, Any]) -> list[Row]:
    """Each of our figures next to the raw figure that bounds it (several bounds: several rows)."""
    ours, kafka, pg = r["ours"], r["raw_kafka"], r["raw_pg"]
    http, lag, tx = ours["http_latency_s"], ours["visible_lag_s"], pg["one_per_tx_latency_s"]
    one = f"pg insert 1 row/tx, {pg['connections']} conns, rows/s"
    return [
        ("sustained petitions/s", ours["sustained_per_s"], "kafka end-to-end msg/s", kafka["end_to_end_per_s"]),
        ("", None, "kafka consume msg/s", kafka["consume_per_s"]),
        ("", None, one, pg["one_per_tx_per_s"]),
        ("", None, f"pg insert batched ({pg['batch_rows']}/tx) rows/s", pg["batched_per_s"]),
        ("submit-only petitions/s", ours["submit_per_s"], one, pg["one_per_tx_per_s"]),
        ("", None, "kafka produce msg/s", kafka["produce_per_s"]),
        ("HTTP latency p50 ms", _ms(http["p50"]), "pg insert tx p50 ms", _ms(tx["p50"])),
        ("HTTP latency p99 ms", _ms(http["p99"]), "pg insert tx p99 ms", _ms(tx["p99"])),
        ("submit->visible lag p50 ms", _ms(lag["p50"]), "", None),
        ("submit->visible lag p99 ms", _ms(lag["p99"]), "", None),
        *_below_saturation_rows(r),
        *_mix_rows(r.get("mix")),
        *_replay_rows(r.get("replay_run"), "this run's"),
        *_replay_rows(r.get("replay"), "synthetic"),
        *_timer_rows(r.get("timers")),
        *append_rows(r.get("append")),
        *_scale_rows(r.get("scale")),
    ]


def append_rows(a: dict[str, Any] | None) -> list[Row]:
    """Our append paths beside raw asyncpg and `eventsourcing` (same database, same writers)."""
    if not a:
        return []
    ours, raw, es, w = a["ours"], a["raw_asyncpg"], a["eventsourcing"], a["writers"]
    one = f"raw asyncpg 1 row/commit, {w} writers, rows/s"
    batched = f"raw asyncpg batched ({a['batch']}/tx) rows/s"
    es_one, es_batched = "eventsourcing pg recorder 1/commit events/s", "eventsourcing pg recorder batched events/s"
    g, b = ours["group_commit_callers"], a["batch"]
    return [
        (f"event store append 1/commit, {w} writers, events/s", ours["one_per_commit_per_s"], one,
         raw["one_per_commit_per_s"]),
        ("", None, es_one, es["one_per_commit_per_s"]),
        (f"event store group commit, {g} callers, events/s", ours["group_commit_per_s"], batched, raw["batched_per_s"]),
        ("", None, es_batched, es["batched_per_s"]),
        (f"event store append_batch ({b}/tx), {w} writers, events/s", ours["batched_per_s"], batched,
         raw["batched_per_s"]),
        ("", None, es_batched, es["batched_per_s"]),
    ]  # fmt: skip


def append_table(a: dict[str, Any]) -> str:
    """The append figures alone (`python -m bench.append`)."""
    body = [("figure", "ours", "raw bound", "raw", "ours/raw")]
    compared: float | None = None
    for figure, mine, bound, raw in append_rows(a):
        compared = mine if figure else compared
        ratio = compared / raw if compared is not None and raw else None
        body.append((figure, _num(mine) if figure else "", bound, _num(raw), _ratio(ratio)))
    return "\n".join(_align(body, right={1, 3, 4}))


def _below_saturation_rows(r: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    if idle := r.get("idle"):
        rows += [("submit->visible at idle p50 ms", _ms(idle["lag_s"]["p50"]), "", None)]
        rows += [("submit->visible at idle p99 ms", _ms(idle["lag_s"]["p99"]), "", None)]
    if paced := r.get("paced"):
        rate = f"{paced['achieved_per_s']:.0f}/s ({'fixed' if paced.get('fixed_rate') else 'half'})"
        rows += [(f"submit->visible at {rate} p50 ms", _ms(paced["lag_s"]["p50"]), "", None)]
        rows += [(f"submit->visible at {rate} p99 ms", _ms(paced["lag_s"]["p99"]), "", None)]
    return rows


def _mix_rows(mix: dict[str, Any] | None) -> list[Row]:
    """Commands of whole lifecycles per wall second (no raw bound of its own: compare with the rows above)."""
    if not mix:
        return []
    return [
        (f"realistic mix commands/s ({mix['simulated_days']:g} sim days)", mix["commands_per_s"], "", None),
        ("realistic mix petitions", mix["petitions"], "", None),
        ("realistic mix officials' and petitioners' actions", mix["actions"], "", None),
    ]


def _replay_rows(replay: dict[str, Any] | None, history: str) -> list[Row]:
    if not replay:
        return []
    raw = f"kafka read of the same {replay['events']:,} events/s"
    return [
        (f"full rebuild events/s ({history} history)", replay["rebuild_per_s"], raw, replay["raw_read_per_s"]),
        ("", None, "... read and decoded events/s", replay["decoded_read_per_s"]),
    ]


def _scale_rows(scale: dict[str, Any] | None) -> list[Row]:
    """Query latency and RSS at each loaded size (targets: the engine's queries p99 under 50 ms and
    flat within 20%; the scorecard and the trend p99 under 200 ms at a million cases)."""
    if not scale:
        return []
    rows: list[Row] = []
    for step in scale["sizes"]:
        size = f"{step['events']:,} ev, {step['cases']:,} cases"
        rows.append((f"bulk load events/s ({size}, synthetic)", step["load_per_s"], "", None))
        for name in (*ENGINE_QUERIES, *ASSESSMENT_QUERIES):
            if figure := step.get(name):
                rows.append((f"{name} p50 / p99 ms ({size})", figure["p50_ms"], "p99 ms", figure["p99_ms"]))
        if answered := step.get("assessed"):  # what the timed answers held
            places, days = answered["scorecard_places_ranked"], answered["trend_days"]
            rows.append((f"  scorecard: cases received, {places} places ranked ({size})",
                         answered["scorecard_received"], "", None))  # fmt: skip
            rows.append((f"  trend: cases received over {days} days ({size})", answered["trend_received"], "", None))
        rows.append((f"projections RSS MiB ({size})", step["rss_kib"] / 1024 if step["rss_kib"] else None, "", None))
    return rows


def _timer_rows(timers: dict[str, Any] | None) -> list[Row]:
    """Timer lateness and memory at the full count of open clocks (no raw bound: a property of ours)."""
    if not timers:
        return []
    late, rss = timers["lateness"], timers["rss_kib"][str(timers["clocks"])]["after_passes"]
    biggest = [p for p in timers["passes"] if p["open"] == timers["clocks"]]
    rows: list[Row] = [
        ("timer lateness p50 ms", late["p50_ms"], "", None),
        ("timer lateness p99 ms", late["p99_ms"], "", None),
        (f"RSS MiB at {timers['clocks']:,} open clocks", rss / 1024, "", None),
    ]
    rows += [(f"firing pass ms, {p['due']:,} due of {p['open']:,}", p["ms_per_pass"], "", None) for p in biggest]
    return rows


def _kafka(kafka: dict[str, Any] | None) -> str:
    """The cluster the run went against, when it was one (older result files have no such entry)."""
    if not kafka or kafka["brokers"] == 1:
        return ""
    return (
        f"  kafka {kafka['brokers']} brokers, replication {kafka['replication_factor']}/{kafka['min_insync_replicas']}"
    )


def table(r: dict[str, Any]) -> str:
    m, ours = r["machine"], r["ours"]
    lines = [
        f"Pujiang bench  N={r['petitions']}  C={r['concurrency']}  nproc={m['nproc']}  "
        f"python {m['python']}  load {m['loadavg_at_start'][0]:.2f}  {r['started_at']}{_kafka(r.get('kafka'))}",
        f"record {r['raw_kafka']['record_bytes']} B on Kafka, row {r['raw_pg']['row_bytes']} B in PostgreSQL; "
        f"visible {ours['visible']}/{ours['accepted']}, HTTP answers {ours['statuses']}",
        "",
    ]
    body = [("figure", "ours", "raw bound", "raw", "ours/raw")]
    compared: float | None = None
    for figure, mine, bound, raw in rows(r):
        # A row without a figure of ours adds another bound to the figure above it.
        compared = mine if figure else compared
        ratio = compared / raw if compared is not None and raw else None
        body.append((figure, _num(mine) if figure else "", bound, _num(raw) if bound else "", _ratio(ratio)))
    lines += _align(body, right={1, 3, 4})
    return "\n".join([*lines, *_hops(r), *_resources(r), *_soak(r.get("soak")), *_targets(r)])


def _soak(soak: dict[str, Any] | None) -> list[str]:
    if not soak:
        return []
    first, last = soak["samples"][min(1, len(soak["samples"]) - 1)], soak["samples"][-1]
    rows = [("soak", "early", "last", "last/early")]
    for name in first["rss_kib"]:
        early, late = first["rss_kib"][name], last["rss_kib"][name]
        rows.append(
            (
                f"{name} RSS MiB",
                _num(early and early / 1024),
                _num(late and late / 1024),
                _ratio(soak["rss_growth"][name]),
            )
        )
    for schema in first["inbox_rows"]:
        rows.append(
            (
                f"{schema} inbox rows",
                _num(first["inbox_rows"][schema]),
                _num(last["inbox_rows"][schema]),
                _ratio(soak["inbox_growth"][schema]),
            )
        )
    head = f"soak: {soak['sent']:,} petitions at {soak['rate_per_s']:g}/s over {soak['minutes']:g} min"
    head += f", {soak['failed']} failed"
    return ["", head, *_align(rows, right={1, 2, 3})]


def _targets(r: dict[str, Any]) -> list[str]:
    rows = [("target", "bound", "measured", "")]
    for t in evaluate(r):
        verdict = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        rows.append((t["target"], t["bound"], _num(t["value"]) if t["value"] is not None else "-", verdict))
    missed = any(t["met"] is False for t in evaluate(r))
    tail = [f"what stopped it: {bottleneck(r)}"] if missed else []
    return ["", "targets (the engine issue's; issue 13's scorecard and trend)", *_align(rows, right={2}), *tail]


def _hops(r: dict[str, Any]) -> list[str]:
    lag = r["ours"]["visible_lag_s"]
    hop_rows = [("hop", "p50 ms", "p99 ms")]
    hop_rows += [(name, _num(_ms(s["p50"])), _num(_ms(s["p99"]))) for name, s in r["hops"]["hops_s"].items()]
    hop_rows.append(
        ("(client) submit -> visible, incl. HTTP + 50 ms poll", _num(_ms(lag["p50"])), _num(_ms(lag["p99"])))
    )
    lines = ["", f"where the lag goes ({r['hops']['cases_traced']} cases traced)", *_align(hop_rows, right={1, 2})]
    if (paced := r.get("paced")) and (traced := paced.get("hops")):
        rows = [("hop", "p50 ms", "p99 ms")]
        rows += [(name, _num(_ms(s["p50"])), _num(_ms(s["p99"]))) for name, s in traced["hops_s"].items()]
        rate = "fixed rate" if paced.get("fixed_rate") else "half rate"
        title = f"where the lag goes at {paced['achieved_per_s']:.0f}/s ({rate}, {traced['cases_traced']} cases traced)"
        lines += ["", title, *_align(rows, right={1, 2})]
    return lines


def _resources(r: dict[str, Any]) -> list[str]:
    rss = "  ".join(f"{name} {_num(kib / 1024 if kib else None)}" for name, kib in r["peak_rss_kib"].items())
    cpu = r["cpu_s"]
    ours = {name: s for name, s in cpu.items() if not name.startswith("machine")}
    # The rest of the busy time is PostgreSQL, Kafka and whatever else runs on this machine.
    ours["rest (pg, kafka, others)"] = cpu["machine busy"] - sum(s or 0 for s in ours.values())
    used = "  ".join(f"{name} {_num(s)}" for name, s in ours.items())
    busy = f"machine busy {_num(cpu['machine busy'])} of {_num(cpu['machine total'])}"
    top = [f"  {_num(p['cpu_s']):>7} s  pid {p['pid']:<7} {p['command']}" for p in r["top_cpu"]]
    lines = ["", f"peak RSS (VmHWM) MiB: {rss}", f"CPU-seconds while ours ran ({busy}): {used}"]
    return [*lines, "busiest processes meanwhile (PostgreSQL backends counted with their server):", *top]


def write(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")


def _ratio(ratio: float | None) -> str:
    return "" if ratio is None else f"{ratio:.3g}"


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.1f}"


def _align(table_rows: Sequence[tuple[str, ...]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in table_rows) for i in range(len(table_rows[0]))]
    out = []
    for row in table_rows:
        cells = [
            cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return out
