"""A log's Merkle tree kept as block roots: what a store holds so proofs never need every leaf.

Leaves are grouped in blocks of BLOCK (256) in leaf order; a store keeps one row per complete
block (its root and where its last leaf lies in the global order), and re-reads a block's
leaves only to prove something inside it. Every subtree an RFC 6962 proof asks for either lies
inside one block or starts on a block boundary (a subtree of more than BLOCK leaves starts at a
multiple of a power of two above its size), so a proof needs the block roots and at most the
leaves of the blocks its leaf and tree sizes fall in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared.audit.merkle import EMPTY_ROOT, CompactTree, node_hash, perfect_root, split_point, subtree_root

BLOCK = 256


class BlockedTree:
    """The growing tree as a checkpointer builds it: the complete blocks' edge and the open block's."""

    def __init__(self, block_roots: Sequence[bytes] = (), open_leaves: Sequence[bytes] = ()) -> None:
        if len(open_leaves) >= BLOCK:
            raise ValueError("an open block holds fewer than BLOCK leaves")
        self._blocks = CompactTree()
        for root in block_roots:
            self._blocks.append(root)
        self._open = CompactTree()
        self.open_leaves: list[bytes] = []
        for leaf in open_leaves:
            self._open.append(leaf)
            self.open_leaves.append(leaf)

    @property
    def size(self) -> int:
        return self._blocks.size * BLOCK + self._open.size

    def append(self, leaf: bytes) -> bytes | None:
        """Add a leaf hash; the root of the block it completes, if it completes one."""
        self._open.append(leaf)
        self.open_leaves.append(leaf)
        if self._open.size < BLOCK:
            return None
        root = self._open.root()
        self._blocks.append(root)
        self._open = CompactTree()
        self.open_leaves = []
        return root

    def extend(self, leaves: Sequence[bytes]) -> list[tuple[int, bytes, list[bytes]]]:
        """Add many leaf hashes; for each block they complete: the index in `leaves` of its last
        leaf, its root and its leaves. Whole blocks are hashed a level at a time (perfect_root);
        only leaves that share a block with earlier ones go through the open block one by one."""
        completed: list[tuple[int, bytes, list[bytes]]] = []
        i, n = 0, len(leaves)
        while i < n:
            if not self.open_leaves and n - i >= BLOCK:
                block = list(leaves[i : i + BLOCK])
                root = perfect_root(block)
                self._blocks.append(root)
                i += BLOCK
                completed.append((i - 1, root, block))
                continue
            opened = self.open_leaves  # the list the open block fills; `append` starts a new one when it completes
            if (completes := self.append(leaves[i])) is not None:
                completed.append((i, completes, opened))
            i += 1
        return completed

    def root(self) -> bytes:
        # n's perfect subtrees, largest first: the blocks' (bits >= 8 of n), then the open block's.
        edge = [*self._blocks.edge(), *self._open.edge()]
        if not edge:
            return EMPTY_ROOT
        r = edge[-1]
        for h in reversed(edge[:-1]):
            r = node_hash(h, r)
        return r


class TreeView:
    """`mth(start, end)` of a tree from its block roots and the leaves of a few blocks.

    `leaves[b]` holds block b's leaf hashes (all it has so far: a block may be the open one).
    Perfect block-aligned subtrees are remembered, so the same view answers many proofs cheaply.
    """

    def __init__(self, block_roots: Sequence[bytes], leaves: Mapping[int, Sequence[bytes]]) -> None:
        self._roots = block_roots
        self._leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def mth(self, start: int, end: int) -> bytes:
        first, last = start // BLOCK, (end - 1) // BLOCK
        if first == last:
            if start % BLOCK == 0 and end - start == BLOCK and first < len(self._roots):
                return self._roots[first]
            leaves = self._leaves.get(first)
            if leaves is None or len(leaves) < end - first * BLOCK:
                raise LookupError(f"the leaves of block {first} are needed and not loaded")
            return subtree_root(leaves, start - first * BLOCK, end - first * BLOCK)
        if start % BLOCK:
            raise LookupError(f"a subtree [{start}, {end}) across blocks must start on a block boundary")
        if end % BLOCK == 0:
            return self._blocks_root(first, end // BLOCK)
        k = split_point(end - start)
        return node_hash(self.mth(start, start + k), self.mth(start + k, end))

    def _blocks_root(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 1:
            return self._roots[start]
        key = (start, end)
        if (found := self._memo.get(key)) is not None:
            return found
        k = split_point(n)
        root = node_hash(self._blocks_root(start, start + k), self._blocks_root(start + k, end))
        if n & (n - 1) == 0:  # only perfect subtrees are shared by later trees
            self._memo[key] = root
        return root


def blocks_needed_for_inclusion(index: int, size: int) -> set[int]:
    """The blocks whose leaves an inclusion proof of `index` in a tree of `size` reads."""
    needed = {index // BLOCK}
    if size % BLOCK:
        needed.add(size // BLOCK)
    return needed


def blocks_needed_for_consistency(old_size: int, size: int) -> set[int]:
    needed = set()
    if old_size % BLOCK:
        needed.add(old_size // BLOCK)
    if size % BLOCK:
        needed.add(size // BLOCK)
    return needed
