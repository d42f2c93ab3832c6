//! Compiling a WordPiece vocab into the matcher of [`super::encode`] (LinMaxMatch, "Fast
//! WordPiece Tokenization", Song et al. 2021): two byte-level tries in one double array,
//! trie A over every vocab entry (the first piece of a word) and trie B over the entries
//! that start with the continuing-subword prefix, prefix stripped (every later piece);
//! then, for every node, its failure link `f(v)` and failure pops `F(v)`.
//!
//! [`super::encode`] states the rule and how the matcher walks these tables; this module
//! only builds them: a pointer trie from sorted keys, the failure links breadth-first, and
//! the double-array layout (`base[v] + byte`, checked by `check`).

use std::collections::VecDeque;
use std::sync::atomic::AtomicBool;

use crate::progress::{check, now_and_then};
use crate::{Error, Result};

/// The memory the failure pops of one vocab may take unless `SUBWORD_MAX_POPS_BYTES`
/// says otherwise: 256 MiB, thousands of times what real vocabularies need (47k ids,
/// under 200 KB, for bert-base-uncased).
pub const DEFAULT_MAX_POPS_BYTES: usize = 256 << 20;

/// The budget of failure pops, in ids: `SUBWORD_MAX_POPS_BYTES` (when set to a number)
/// or [`DEFAULT_MAX_POPS_BYTES`], over 4 bytes an id, and below the u32 range limit.
pub fn max_pops() -> usize {
    let bytes = std::env::var("SUBWORD_MAX_POPS_BYTES")
        .ok()
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_POPS_BYTES);
    (bytes / 4).min(NONE as usize - 1)
}

fn pops_over_budget(budget: usize) -> Error {
    Error::InvalidInput(format!(
        "the vocab cannot be compiled within its memory budget: its failure pops need more \
         than {} MiB (tokens thousands of characters long whose prefixes are tokens too; \
         set SUBWORD_MAX_POPS_BYTES to allow more)",
        (budget * 4) >> 20
    ))
}

/// "No node": a missing failure link, or the `check` of a free or root slot.
pub(super) const NONE: u32 = u32::MAX;
/// Slot of the root of trie A (the first piece of a word starts here).
pub(super) const ROOT_A: u32 = 0;
/// Slot of the root of trie B (every later piece starts here).
pub(super) const ROOT_B: u32 = 1;

/// One double-array slot: the edge `v --byte--> t` exists iff
/// `t = units[v].base + byte` and `units[t].check == v`.
#[derive(Clone, Copy)]
pub(super) struct Unit {
    pub(super) base: u32,
    pub(super) check: u32,
}

/// What the matcher needs only when a byte has no edge (kept apart from [`Unit`] so the
/// hot array stays small).
#[derive(Clone, Copy)]
pub(super) struct Failure {
    /// `f(v)`, a node of trie B, or [`NONE`] when the greedy match gets stuck (unk).
    pub(super) link: u32,
    /// `F(v)` as a range of the model's `pops`.
    pub(super) start: u32,
    pub(super) len: u32,
}

/// A pointer-based trie: the build-time form, compiled into the double array.
pub(super) struct Trie {
    /// Children sorted by byte.
    children: Vec<Vec<(u8, u32)>>,
    /// The token id a node spells, or [`NONE`].
    token: Vec<u32>,
}

impl Trie {
    /// Tries A (rooted at node [`ROOT_A`]) and B (rooted at [`ROOT_B`]) for `vocab`.
    /// Building and [compiling](Trie::compile) stop with [`Error::Interrupted`] once
    /// `stop` is set.
    pub(super) fn build(vocab: &[String], prefix: &str, stop: &AtomicBool) -> Result<Self> {
        let mut trie = Trie {
            children: vec![Vec::new(), Vec::new()],
            token: vec![NONE, NONE],
        };
        let mut all: Vec<(&[u8], u32)> = vocab
            .iter()
            .enumerate()
            .map(|(id, token)| (token.as_bytes(), id as u32))
            .collect();
        // The bare prefix is never a later piece (a piece is at least one char).
        let mut suffixes: Vec<(&[u8], u32)> = vocab
            .iter()
            .enumerate()
            .filter_map(|(id, token)| {
                let rest = token.strip_prefix(prefix)?;
                (!rest.is_empty()).then_some((rest.as_bytes(), id as u32))
            })
            .collect();
        trie.insert_sorted(ROOT_A, &mut all, stop)?;
        trie.insert_sorted(ROOT_B, &mut suffixes, stop)?;
        Ok(trie)
    }

    /// Inserts distinct keys under `root`. Sorted keys share their path with the key
    /// before them up to the common prefix, and a new child is always the greatest so far,
    /// so insertion is linear and leaves children sorted without any search.
    fn insert_sorted(
        &mut self,
        root: u32,
        keys: &mut [(&[u8], u32)],
        stop: &AtomicBool,
    ) -> Result<()> {
        keys.sort_unstable();
        check(stop)?;
        let mut path = vec![root];
        let mut previous: &[u8] = &[];
        for (index, &(key, id)) in keys.iter().enumerate() {
            if now_and_then(index) {
                check(stop)?;
            }
            let common = key.iter().zip(previous).take_while(|(a, b)| a == b).count();
            path.truncate(common + 1);
            for &byte in &key[common..] {
                let node = self.children.len() as u32;
                self.children.push(Vec::new());
                self.token.push(NONE);
                let parent = *path.last().expect("the root is never popped");
                self.children[parent as usize].push((byte, node));
                path.push(node);
            }
            self.token[*path.last().expect("non-empty") as usize] = id;
            previous = key;
        }
        Ok(())
    }

    fn child(&self, node: u32, byte: u8) -> Option<u32> {
        let children = &self.children[node as usize];
        children
            .binary_search_by_key(&byte, |&(b, _)| b)
            .ok()
            .map(|i| children[i].1)
    }

    /// Nodes of `root`'s trie, parents before children, with their parent and edge byte.
    fn breadth_first(&self, root: u32) -> Vec<(u32, u32, u8)> {
        let mut order = Vec::new();
        let mut queue = VecDeque::from([root]);
        while let Some(parent) = queue.pop_front() {
            for &(byte, child) in &self.children[parent as usize] {
                order.push((child, parent, byte));
                queue.push_back(child);
            }
        }
        order
    }

    /// The failure link and pops of every node (pops as ranges of the returned pool).
    ///
    /// For a node `v` reached from `u` by byte `c`:
    /// - if `v` spells a token, `F(v) = [token]` and `f(v) = ROOT_B` (nothing is left);
    /// - otherwise the longest token prefix of `v`'s string is that of `u`'s, so popping
    ///   starts as for `u`: `F(v) = F(u)` and we stand at `z = f(u)` with `c` still to
    ///   read; while `z` has no edge by `c`, the rest `str(z) + c` is no trie node, so no
    ///   token extends past `str(z)` and greedy must pop `F(z)` and move to `f(z)`. When
    ///   `z` has the edge, `f(v)` is its target; when the chain ends (`f = NONE`), no
    ///   token can start at some position: the word is unk.
    ///
    /// Links of trie B point into trie B at shallower nodes, and links of trie A point
    /// into trie B, so doing B breadth-first and then A sees every link it follows already
    /// computed.
    ///
    /// Storage: a node whose pops equal its parent's shares them; for the real BERT vocab
    /// (73k slots) the pool holds 47k ids. A contrived vocab of long tokens whose every
    /// prefix pops a little more can make the pool grow with the square of the token
    /// length (one 16k-character token: half a gigabyte), so the pool has a budget
    /// ([`max_pops`]) and a vocab past it fails with an error.
    fn failures(&self, stop: &AtomicBool) -> Result<(Vec<Failure>, Vec<u32>)> {
        let budget = max_pops();
        let none = Failure {
            link: NONE,
            start: 0,
            len: 0,
        };
        let mut failures = vec![none; self.children.len()];
        let mut pool: Vec<u32> = Vec::new();
        let mut pops: Vec<u32> = Vec::new();
        for root in [ROOT_B, ROOT_A] {
            for (v, u, byte) in self.breadth_first(root) {
                // A contrived vocab spends seconds here within the budget, a node's chain
                // of pops at a time: stoppable at each node.
                check(stop)?;
                let token = self.token[v as usize];
                let parent = failures[u as usize];
                let failure = if token != NONE {
                    pops.clear();
                    pops.push(token);
                    Some(ROOT_B)
                } else if parent.link == NONE {
                    None
                } else if let Some(link) = self.child(parent.link, byte) {
                    // The usual case: `F(v) = F(u)`, so share its storage. Along a long
                    // path of non-token nodes this keeps the pool from growing with the
                    // square of the path length.
                    failures[v as usize] = Failure { link, ..parent };
                    continue;
                } else {
                    pops.clear();
                    let mut failure = parent;
                    let mut link = None;
                    while failure.link != NONE {
                        let range = failure.start as usize..(failure.start + failure.len) as usize;
                        pops.extend_from_slice(&pool[range]);
                        if let Some(next) = self.child(failure.link, byte) {
                            link = Some(next);
                            break;
                        }
                        failure = failures[failure.link as usize];
                    }
                    link
                };
                if let Some(link) = failure {
                    failures[v as usize] = Failure {
                        link,
                        start: pool.len() as u32,
                        len: pops.len() as u32,
                    };
                    pool.extend_from_slice(&pops);
                    // Only a contrived vocab (long tokens whose every prefix pops a few
                    // more pieces) gets near the budget; it must fail fast and clearly,
                    // not take gigabytes or wrap the u32 ranges.
                    if pool.len() > budget {
                        return Err(pops_over_budget(budget));
                    }
                }
            }
        }
        Ok((failures, pool))
    }

    /// Lays the tries out as a double array; returns the units, the failures indexed by
    /// slot and the pops pool.
    pub(super) fn compile(&self, stop: &AtomicBool) -> Result<(Vec<Unit>, Vec<Failure>, Vec<u32>)> {
        let (node_failures, pool) = self.failures(stop)?;
        let mut slot_of = vec![NONE; self.children.len()];
        slot_of[ROOT_A as usize] = ROOT_A;
        slot_of[ROOT_B as usize] = ROOT_B;
        let mut free = FreeSlots::default();
        free.take(ROOT_A as usize);
        free.take(ROOT_B as usize);
        let mut bases = vec![0u32; self.children.len()];
        let mut queue = VecDeque::from([ROOT_A, ROOT_B]);
        let mut laid_out = 0;
        while let Some(node) = queue.pop_front() {
            laid_out += 1;
            if now_and_then(laid_out) {
                check(stop)?;
            }
            let children = &self.children[node as usize];
            let Some(&(first, _)) = children.first() else {
                continue;
            };
            // The lowest base at which every child lands on a free slot.
            let mut slot = free.find(first as usize);
            let base = loop {
                let base = slot - first as usize;
                if children[1..]
                    .iter()
                    .all(|&(byte, _)| free.is_free(base + byte as usize))
                {
                    break base;
                }
                slot = free.find(slot + 1);
            };
            if base + 256 >= NONE as usize {
                return Err(Error::InvalidInput(
                    "the vocab is too large to compile (more than 2**32 trie slots)".into(),
                ));
            }
            bases[node as usize] = base as u32;
            for &(byte, child) in children {
                free.take(base + byte as usize);
                slot_of[child as usize] = (base + byte as usize) as u32;
                queue.push_back(child);
            }
        }
        let max_base = bases.iter().copied().max().unwrap_or(0) as usize;
        let max_slot = slot_of.iter().copied().max().unwrap_or(ROOT_B) as usize;
        // Room for `base + 255` from any base, so a step never indexes out of range.
        let size = (max_base + 256).max(max_slot + 1);
        let mut units = vec![
            Unit {
                base: 0,
                check: NONE,
            };
            size
        ];
        let mut failures = vec![
            Failure {
                link: NONE,
                start: 0,
                len: 0,
            };
            size
        ];
        for (node, children) in self.children.iter().enumerate() {
            let slot = slot_of[node] as usize;
            units[slot].base = bases[node];
            for &(_, child) in children {
                units[slot_of[child as usize] as usize].check = slot as u32;
            }
            let mut failure = node_failures[node];
            if failure.link != NONE {
                failure.link = slot_of[failure.link as usize];
            }
            failures[slot] = failure;
        }
        Ok((units, failures, pool))
    }
}

/// The free slots of the double array under construction: `next[p] == p` iff `p` is
/// free; otherwise `next[p]` points towards the next free slot (union-find with path
/// compression), so finding a free slot skips runs of taken ones in near-constant time.
#[derive(Default)]
struct FreeSlots {
    next: Vec<u32>,
}

impl FreeSlots {
    fn grow(&mut self, p: usize) {
        while self.next.len() <= p {
            self.next.push(self.next.len() as u32);
        }
    }

    fn is_free(&mut self, p: usize) -> bool {
        self.grow(p);
        self.next[p] as usize == p
    }

    /// The first free slot at or after `p`.
    fn find(&mut self, p: usize) -> usize {
        let mut root = p;
        loop {
            self.grow(root);
            let next = self.next[root] as usize;
            if next == root {
                break;
            }
            root = next;
        }
        let mut p = p;
        while p != root {
            let next = self.next[p] as usize;
            self.next[p] = root as u32;
            p = next;
        }
        root
    }

    fn take(&mut self, p: usize) {
        self.grow(p + 1);
        self.next[p] = (p + 1) as u32;
    }
}
