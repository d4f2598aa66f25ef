"""The offline verifier: a sound bundle passes; each way of tampering is named (exit 1)."""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from shared.audit.bundle import LogProofs, ProvenEvent, case_bundle, event_json, event_leaf
from shared.audit.checkpoint import Signer, public_key_json
from shared.audit.merkle import consistency_proof, inclusion_proof, mth_over
from shared.audit.verify import BundleError, canonical, verify_bundle
from shared.events import Metadata, SystemClockMoved
from shared.events.base import GENESIS_HASH, RecordedEvent
from shared.eventstore.records import record

pytestmark = pytest.mark.unit

CASE = "case-1"
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _log(source: str, signer: Signer, streams: list[tuple[str, str]], per_stream: int) -> tuple[LogProofs, list[str]]:
    """A log whose events alternate between streams, checkpoints at half and at the end."""
    heads = {s: (0, GENESIS_HASH) for s, _ in streams}
    events: list[RecordedEvent] = []
    meta = Metadata(correlation_id=uuid.uuid4(), actor="official:李", actor_unit="330726")
    for i in range(per_stream):
        for stream, subject in streams:
            version, prev = heads[stream]
            [event] = record(source, stream, version, [SystemClockMoved(offset_ms=i, now=T0)], meta, subject,
                             T0 + timedelta(seconds=len(events)), prev)  # fmt: skip
            heads[stream] = (event.version, event.hash)
            events.append(event)
    leaves = [event_leaf(e.hash) for e in events]
    mth = mth_over(leaves)
    half, size = len(leaves) // 2, len(leaves)
    checkpoints = [signer.sign(source, n, mth(0, n), f"2026-12-01T08:0{j}:00Z") for j, n in enumerate((half, size))]
    proven = [
        ProvenEvent(event_json(e), i, size, inclusion_proof(mth, i, size))
        for i, e in enumerate(events)
        if e.subject == CASE
    ]
    subjects = [e.subject for e in events]
    return LogProofs(source, checkpoints, [consistency_proof(mth, half, size)], proven, [signer.public_key]), subjects


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()


@pytest.fixture
def bundle(signer: Signer) -> dict[str, Any]:
    intake, _ = _log("/pujiang/intake", signer, [("petition-1", CASE), ("petition-2", "case-2")], 5)
    routing, _ = _log("/pujiang/routing", signer, [("case-1", CASE), ("case-3", "case-3"), ("x", "case-4")], 4)
    return case_bundle(CASE, [intake.to_json(), routing.to_json()], "2026-12-01T09:00:00Z")


def _events(bundle: dict[str, Any], log: int = 0) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = bundle["logs"][log]["events"]
    return entries


def _fails(bundle: dict[str, Any], *words: str, trusted: dict[str, bytes] | None = None) -> str:
    with pytest.raises(BundleError) as failure:
        verify_bundle(bundle, trusted)
    message = str(failure.value)
    for word in words:
        assert word in message
    return message


def test_a_sound_bundle_verifies(bundle: dict[str, Any], signer: Signer) -> None:
    report = verify_bundle(bundle, {signer.key_id: signer.public_key})
    assert (report.logs, report.events, report.checkpoints) == (2, 9, 4)


def test_the_stdlib_canonical_form_is_the_one_the_store_hashes(bundle: dict[str, Any]) -> None:
    for entry in _events(bundle) + _events(bundle, 1):
        event = entry["event"]
        fields = {k: v for k, v in event.items() if k != "hash"}
        assert canonical(event) == orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def test_an_event_changed_is_named(bundle: dict[str, Any]) -> None:
    target = _events(bundle)[2]["event"]
    target["actor"] = "official:someone-else"
    _fails(bundle, str(target["id"]), "does not match its hash")


def test_an_event_changed_with_its_chain_recomputed_is_named_by_its_proof(bundle: dict[str, Any]) -> None:
    """The operator's rewrite: content changed and every hash after it recomputed."""
    entries = _events(bundle)
    target = entries[1]["event"]
    target["data"]["offset_ms"] = 999
    prev = target["prev_hash"]
    for entry in entries[1:]:
        event = entry["event"]
        if event["stream_id"] != target["stream_id"]:
            continue
        event["prev_hash"] = prev
        event["hash"] = prev = hashlib.sha256(canonical(event)).hexdigest()
    _fails(bundle, str(target["id"]), "inclusion proof fails")


def test_an_event_removed_is_named(bundle: dict[str, Any]) -> None:
    entries = _events(bundle)
    removed = entries.pop(1)["event"]
    message = _fails(bundle, str(entries[1]["event"]["id"]), "missing")
    assert f"version {removed['version'] + 1}" in message


def test_events_reordered_are_named(bundle: dict[str, Any]) -> None:
    entries = _events(bundle, 1)
    entries[0], entries[1] = entries[1], entries[0]
    _fails(bundle, str(entries[0]["event"]["id"]), "out of order")


def test_events_reordered_with_their_leaf_indexes_swapped_fail_their_proofs(bundle: dict[str, Any]) -> None:
    entries = _events(bundle, 1)
    a, b = entries[0], entries[1]
    a["event"], b["event"] = b["event"], a["event"]
    a["event"]["version"], b["event"]["version"] = b["event"]["version"], a["event"]["version"]
    with pytest.raises(BundleError):
        verify_bundle(bundle)


def test_a_forged_proof_is_named(bundle: dict[str, Any]) -> None:
    entry = _events(bundle)[3]
    entry["proof"][0] = "00" * 32
    _fails(bundle, str(entry["event"]["id"]), "inclusion proof fails")


def test_a_proof_for_another_leaf_index_fails(bundle: dict[str, Any]) -> None:
    entry = _events(bundle)[0]
    entry["leaf_index"] += 1
    _fails(bundle, str(entry["event"]["id"]), "inclusion proof fails")


def test_a_checkpoint_signed_with_the_wrong_key_is_named(bundle: dict[str, Any], signer: Signer) -> None:
    forger = Signer.generate()
    cp = bundle["logs"][0]["checkpoints"][1]
    forged = forger.sign(cp["log"], cp["size"], bytes.fromhex(cp["root"]), cp["time"]).to_json()
    bundle["logs"][0]["checkpoints"][1] = {**forged, "key_id": signer.key_id}
    _fails(bundle, f"/pujiang/intake@{cp['size']}", "signature does not verify")


def test_a_forger_shipping_their_own_key_fails_against_the_trusted_keys(bundle: dict[str, Any], signer: Signer) -> None:
    forger = Signer.generate()
    log = bundle["logs"][0]
    log["checkpoints"] = [
        forger.sign(c["log"], c["size"], bytes.fromhex(c["root"]), c["time"]).to_json() for c in log["checkpoints"]
    ]
    bundle["keys"].append(public_key_json(forger.public_key))
    verify_bundle(copy.deepcopy(bundle))  # consistent in itself
    _fails(bundle, forger.key_id, "not one of the trusted keys", trusted={signer.key_id: signer.public_key})


def test_a_checkpoint_that_does_not_extend_the_previous_is_named(bundle: dict[str, Any], signer: Signer) -> None:
    log = bundle["logs"][1]
    old = log["checkpoints"][0]
    log["checkpoints"][0] = signer.sign(old["log"], old["size"], b"\x11" * 32, old["time"]).to_json()
    _fails(bundle, "does not extend", f"/pujiang/routing@{old['size']}")


def test_old_checkpoints_verify_after_the_key_is_rotated(signer: Signer) -> None:
    rotated = Signer.generate()
    log, _ = _log("/pujiang/sla", signer, [("clock-1", CASE)], 6)
    section = log.to_json()
    last = log.checkpoints[-1]  # the same tree, signed again after the rotation
    newer = rotated.sign("/pujiang/sla", last.size, last.root, "2026-12-02T00:00:00Z")
    section["checkpoints"].append(newer.to_json())
    section["consistency"].append([])
    section["keys"].append(public_key_json(rotated.public_key))
    bundle = case_bundle(CASE, [section], "2026-12-02T00:00:01Z")
    assert {k["key_id"] for k in bundle["keys"]} == {signer.key_id, rotated.key_id}
    verify_bundle(bundle, {signer.key_id: signer.public_key, rotated.key_id: rotated.public_key})


def test_the_command_line_exits_non_zero_naming_the_bad_event(bundle: dict[str, Any], tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(bundle))
    target = _events(bundle)[0]["event"]
    target["data"]["offset_ms"] = 12345
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bundle))
    run = [sys.executable, "-m", "shared.audit.verify"]
    ok = subprocess.run([*run, str(good)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK case case-1: 9 events")
    failed = subprocess.run([*run, str(bad)], capture_output=True, text=True, check=False)
    assert failed.returncode == 1
    assert str(target["id"]) in failed.stdout
    unreadable = subprocess.run([*run, str(tmp_path / "none.json")], capture_output=True, text=True, check=False)
    assert unreadable.returncode == 2


def test_the_verifier_imports_nothing_but_the_stdlib_and_cryptography() -> None:
    probe = (
        "import sys, shared.audit.verify as v; "
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'pydantic','orjson','asyncpg','aiokafka','fastapi',"
        "'structlog','httpx','faststream'}); "
        "own = sorted(m for m in sys.modules if m.startswith('shared.') and not m.startswith('shared.audit')); "
        "print(bad, own)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] []"
