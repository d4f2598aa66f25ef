"""The Merkle tree against RFC 6962's test vectors (as transparency-dev/merkle publishes them) and brute force."""

from __future__ import annotations

import hashlib
import random

import pytest

from shared.audit.merkle import (
    EMPTY_ROOT,
    CompactTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    leaf_hashes,
    mth_over,
    node_hash,
    perfect_root,
    root_of,
    verify_consistency,
    verify_inclusion,
)

pytestmark = pytest.mark.unit

# The eight leaves and the roots of the trees of their first 1..8, from transparency-dev/merkle
# (proof/verify_test.go), the reference vectors of RFC 6962's tree.
LEAVES = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f"]]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# (old size, new size, proof)
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

HASHED = [leaf_hash(d) for d in LEAVES]


def test_the_empty_tree_hashes_to_sha256_of_nothing() -> None:
    assert root_of([]) == hashlib.sha256(b"").digest() == EMPTY_ROOT == CompactTree().root()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_rfc_vectors(size: int) -> None:
    assert root_of(HASHED[:size]).hex() == ROOTS[size - 1]
    tree = CompactTree()
    for h in HASHED[:size]:
        tree.append(h)
    assert tree.root().hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_rfc_vectors(index: int, size: int, proof: list[str]) -> None:
    made = inclusion_proof(mth_over(HASHED), index, size)
    assert [h.hex() for h in made] == proof
    verify_inclusion(index, size, HASHED[index], made, bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize(("old", "size", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_rfc_vectors(old: int, size: int, proof: list[str]) -> None:
    made = consistency_proof(mth_over(HASHED), old, size)
    assert [h.hex() for h in made] == proof
    verify_consistency(old, size, bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[size - 1]), made)


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_a_corrupted_inclusion_proof_fails(index: int, size: int, proof: list[str]) -> None:
    good = [bytes.fromhex(h) for h in proof]
    root = bytes.fromhex(ROOTS[size - 1])
    wrong: list[tuple[int, int, bytes, list[bytes]]] = [
        (index + 1, size, HASHED[index], good),
        (index, size * 2, HASHED[index], good),
        (index, size, leaf_hash(b"WrongLeaf"), good),
        (index, size, HASHED[index], [*good, root]),
        (index, size, HASHED[index], [root, *good]),
        (index, size, HASHED[index], good[:-1]),
    ]
    for i in range(len(good)):
        flipped = list(good)
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        wrong.append((index, size, HASHED[index], flipped))
    for probe in wrong:
        with pytest.raises(ProofError):
            verify_inclusion(*probe, root)


@pytest.mark.parametrize(("old", "size", "proof"), CONSISTENCY)
def test_a_corrupted_consistency_proof_fails(old: int, size: int, proof: list[str]) -> None:
    good = [bytes.fromhex(h) for h in proof]
    r1, r2 = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[size - 1])
    wrong: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
        (old - 1, size, r1, r2, good),
        (old + 1, size, r1, r2, good),
        (old, size * 2, r1, r2, good),
        (old, size, r2, r1, good),
        (old, size, r1, r2, []),
        (old, size, r1, r2, [*good, r1]),
        (old, size, r1, r2, [r2, *good]),
        (old, size, r1, r2, good[:-1]),
    ]
    for i in range(len(good)):
        flipped = list(good)
        flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
        wrong.append((old, size, r1, r2, flipped))
    for probe in wrong:
        with pytest.raises(ProofError):
            verify_consistency(*probe)


def _naive_root(hashes: list[bytes]) -> bytes:
    """RFC 6962's definition, written out as directly as possible (the independent check)."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node_hash(_naive_root(hashes[:k]), _naive_root(hashes[k:]))


def test_every_proof_of_trees_up_to_70_leaves_verifies() -> None:
    rng = random.Random(6962)
    hashes = [leaf_hash(rng.randbytes(rng.randrange(40))) for _ in range(70)]
    mth = mth_over(hashes)
    tree = CompactTree()
    roots = []
    for h in hashes:
        tree.append(h)
        roots.append(tree.root())
    for size in range(1, 71):
        assert roots[size - 1] == _naive_root(hashes[:size])
        for index in range(size):
            verify_inclusion(index, size, hashes[index], inclusion_proof(mth, index, size), roots[size - 1])
        for old in range(1, size + 1):
            proof = consistency_proof(mth, old, size)
            verify_consistency(old, size, roots[old - 1], roots[size - 1], proof)


def test_a_leaf_of_another_tree_is_not_included() -> None:
    mth = mth_over(HASHED)
    proof = inclusion_proof(mth, 3, 8)
    with pytest.raises(ProofError):
        verify_inclusion(3, 8, HASHED[4], proof, bytes.fromhex(ROOTS[7]))


@pytest.mark.parametrize("size", [1, 2, 4, 64, 256])
def test_a_perfect_root_a_level_at_a_time_is_the_mth(size: int) -> None:
    leaves = [leaf_hash(bytes([i % 251]) * 32) for i in range(size)]
    assert perfect_root(leaves) == root_of(leaves)


@pytest.mark.parametrize("size", [0, 3, 6, 255])
def test_a_perfect_root_refuses_a_count_not_a_power_of_two(size: int) -> None:
    with pytest.raises(ValueError, match="power-of-two"):
        perfect_root([leaf_hash(b"x" * 32)] * size)


def test_leaf_hashes_of_concatenated_hashes_are_each_ones_leaf_hash() -> None:
    hashes = [bytes([i]) * 32 for i in range(5)]
    assert leaf_hashes(b"".join(hashes)) == [leaf_hash(h) for h in hashes]
