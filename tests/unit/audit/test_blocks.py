"""Proofs from block roots and a few blocks' leaves are the proofs from every leaf."""

from __future__ import annotations

import random

import pytest

from shared.audit.blocks import (
    BLOCK,
    BlockedTree,
    TreeView,
    blocks_needed_for_consistency,
    blocks_needed_for_inclusion,
)
from shared.audit.merkle import consistency_proof, inclusion_proof, leaf_hash, mth_over, root_of

pytestmark = pytest.mark.unit

rng = random.Random(9162)
LEAVES = [leaf_hash(rng.randbytes(32)) for _ in range(5 * BLOCK + 37)]


def _view(size: int, blocks: set[int]) -> TreeView:
    """What a store would load: the complete blocks' roots (of the tree now) and some blocks' leaves."""
    complete = len(LEAVES) // BLOCK
    roots = [root_of(LEAVES[b * BLOCK : (b + 1) * BLOCK]) for b in range(complete)]
    return TreeView(roots, {b: LEAVES[b * BLOCK : min((b + 1) * BLOCK, len(LEAVES))] for b in blocks})


def test_the_blocked_tree_has_the_root_of_the_whole_tree_at_every_size() -> None:
    tree = BlockedTree()
    completed = []
    for n, leaf in enumerate(LEAVES, start=1):
        if (root := tree.append(leaf)) is not None:
            completed.append(root)
        if n % 17 == 0 or n % BLOCK in (0, 1, BLOCK - 1):
            assert tree.root() == root_of(LEAVES[:n]), n
    assert tree.size == len(LEAVES)
    assert completed == [root_of(LEAVES[b * BLOCK : (b + 1) * BLOCK]) for b in range(len(LEAVES) // BLOCK)]
    reloaded = BlockedTree(completed, tree.open_leaves)
    assert reloaded.root() == tree.root()
    assert reloaded.size == tree.size


SIZES = [1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 3 * BLOCK + 5, 4 * BLOCK, 5 * BLOCK + 37]


@pytest.mark.parametrize("open_first", [0, 1, 100, BLOCK - 1])
def test_extending_by_many_leaves_is_appending_them_one_by_one(open_first: int) -> None:
    """The checkpointer's fast path (whole blocks a level at a time) gives the same blocks and root."""
    one_by_one, many = BlockedTree(), BlockedTree()
    for leaf in LEAVES[:open_first]:
        one_by_one.append(leaf)
        many.append(leaf)
    expected = []
    for i, leaf in enumerate(LEAVES[open_first:]):
        before = [*one_by_one.open_leaves, leaf]
        if (root := one_by_one.append(leaf)) is not None:
            expected.append((i, root, before))
    completed = []
    rest, cut = LEAVES[open_first:], 0
    for size in (3, BLOCK, 2 * BLOCK + 5, len(LEAVES)):  # runs of several sizes, as reads come
        run = rest[cut : cut + size]
        completed += [(cut + i, root, leaves) for i, root, leaves in many.extend(run)]
        cut += len(run)
    assert completed == expected
    assert many.root() == one_by_one.root() == root_of(LEAVES)
    assert many.open_leaves == one_by_one.open_leaves
    assert many.size == len(LEAVES)


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_proofs_from_blocks_equal_those_from_every_leaf(size: int) -> None:
    full = mth_over(LEAVES)
    for index in sorted({0, size // 2, size - 1, *(rng.randrange(size) for _ in range(5))}):
        view = _view(size, blocks_needed_for_inclusion(index, size))
        assert inclusion_proof(view.mth, index, size) == inclusion_proof(full, index, size)


@pytest.mark.parametrize("size", SIZES)
def test_consistency_proofs_from_blocks_equal_those_from_every_leaf(size: int) -> None:
    full = mth_over(LEAVES)
    for old in sorted({1, size // 3, size - 1, BLOCK, *(rng.randrange(1, size + 1) for _ in range(5))}):
        if not 0 < old <= size:
            continue
        view = _view(size, blocks_needed_for_consistency(old, size))
        assert consistency_proof(view.mth, old, size) == consistency_proof(full, old, size)


def test_a_proof_needing_leaves_not_loaded_says_so() -> None:
    with pytest.raises(LookupError):
        inclusion_proof(_view(3 * BLOCK, set()).mth, 5, 3 * BLOCK)
