// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SortedIndex: a compact ordered multimap from a 64-bit key to T*, a B+ tree
// whose leaves hold sorted (key, pointer) pairs (16 bytes an entry).
//
// Why: a sector-sorted intrusive rb-tree puts one node in every request, so a
// lookup at 4096 pending walks a dozen requests spread over more memory than
// the L2 cache holds. Here the same walk reads three or so small nodes that
// stay cached (4096 entries take about 100 KB of leaves).
//
// Order: ascending key; entries with equal keys keep insertion order (a new
// entry goes after every entry with its key, like std::multimap::insert and
// the kernel's rb-tree insert that walks right on equal keys). An entry is
// named by its (key, value) pair: Erase, Next and Prev find the entry whose
// key and pointer both match. A pair must not be in the index twice (equal
// keys with different pointers are fine).
//
// Units: the key is whatever the caller sorts on (512-byte sectors for the
// elevators). Ownership: the index never dereferences or frees the T* it
// stores; it owns its nodes, which are recycled through free lists, so once
// it has grown to its largest size it does not allocate again (nodes are
// allocated in chunks of 16, never returned to the heap before destruction;
// an empty index already holds one chunk of leaves, about 10 KB).
// Every operation is O(log n); nodes other than the root are kept at least a
// quarter full (leaves) or with at least max(2, fanout/4) children (inner
// nodes), so the height stays logarithmic whatever the workload.
//
// Thread-safety: none; one owner uses it at a time.

#ifndef IOSCHED_SRC_SORTED_INDEX_H_
#define IOSCHED_SRC_SORTED_INDEX_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace iosched {

template <class T, int kLeafCap = 32, int kInnerCap = 32>
class SortedIndex {
  static_assert(kLeafCap >= 4 && kInnerCap >= 4, "nodes too small to split and merge");

 public:
  SortedIndex() { root_ = NewLeaf(); }
  SortedIndex(const SortedIndex&) = delete;
  SortedIndex& operator=(const SortedIndex&) = delete;

  size_t size() const { return size_; }
  // Bytes of nodes the index holds (in use or free), excluding the object.
  size_t bytes() const {
    return leaf_chunks_.size() * kChunk * sizeof(Leaf) +
           inner_chunks_.size() * kChunk * sizeof(Inner);
  }
  bool empty() const { return size_ == 0; }

  // Removes every entry; the nodes go back to the free lists.
  void clear() {
    Release(root_, height_);
    height_ = 0;
    size_ = 0;
    root_ = NewLeaf();
    Changed();
    cursor_valid_ = false;
  }

  // The entry with the smallest key (the first inserted among equals), or
  // nullptr if empty.
  T* Front() const {
    const Node* x = root_;
    for (int d = 0; d < height_; ++d) x = static_cast<const Inner*>(x)->child[0];
    const Leaf* l = static_cast<const Leaf*>(x);
    return l->n == 0 ? nullptr : l->vals[0];
  }

  // The first entry whose key is >= k (lower_bound), or nullptr; its key is
  // stored in *key. Also remembers where an entry with key k would go: an
  // Insert of key k before any other change to the index reuses that spot
  // instead of searching again.
  T* Seek(uint64_t k, uint64_t* key) {
    Descend<false>(k, hint_);
    const Leaf* l = hint_.leaf;
    const Leaf* at = l;
    int slot = hint_.slot;
    if (slot == l->n) {
      at = l->next;
      slot = 0;
    }
    if (at == nullptr) {
      hint_valid_ = true;
      hint_key_ = k;
      return nullptr;
    }
    *key = at->keys[slot];
    // Before an equal key is not where a new entry goes (FIFO among equals).
    hint_valid_ = *key != k;
    hint_key_ = k;
    return at->vals[slot];
  }

  // Inserts (k, v) after every entry with key k.
  void Insert(uint64_t k, T* v) {
    if (!(hint_valid_ && hint_key_ == k)) Descend<true>(k, hint_);
    InsertAt(hint_, k, v);
  }

  // Removes the entry (k, v). Returns false (and changes nothing) if there
  // is no such entry. If `next` is given it receives the entry that followed
  // the removed one (nullptr if none), and `next_key`, if given, its key
  // (unchanged when there is none).
  //
  // The index remembers where the following entry is, so that erasing that
  // one next (a sweep in key order) needs no search, even if entries were
  // inserted elsewhere in between.
  bool Erase(uint64_t k, const T* v, T** next = nullptr, uint64_t* next_key = nullptr) {
    Path& p = cursor_;
    if (!AtCursor(k, v) && !Find(k, v, p)) {
      cursor_valid_ = false;
      return false;
    }
    if (next != nullptr) *next = After(p, next_key);
    const bool reshaped = EraseAt(p);
    // The entry that followed now sits where the erased one was.
    cursor_valid_ = !reshaped && (p.slot < p.leaf->n || NextLeaf(p));
    cursor_height_ = height_;
    return true;
  }

  // The entry after / before (k, v) in order, or nullptr if (k, v) is the
  // last / first entry or is not in the index.
  T* Next(uint64_t k, const T* v) const {
    Path p;
    return Find(k, v, p) ? After(p) : nullptr;
  }
  T* Prev(uint64_t k, const T* v) const {
    Path p;
    if (!Find(k, v, p)) return nullptr;
    if (p.slot > 0) return p.leaf->vals[p.slot - 1];
    const Leaf* l = p.leaf->prev;
    return l == nullptr ? nullptr : l->vals[l->n - 1];
  }

  // Visits every entry in order: f(key, value).
  template <class F>
  void ForEach(F&& f) const {
    const Node* x = root_;
    for (int d = 0; d < height_; ++d) x = static_cast<const Inner*>(x)->child[0];
    for (const Leaf* l = static_cast<const Leaf*>(x); l != nullptr; l = l->next) {
      for (int i = 0; i < l->n; ++i) f(l->keys[i], l->vals[i]);
    }
  }

  // For tests: checks the tree's invariants (order, separators, fill, leaf
  // links, size); returns "" or a description of the first violation.
  std::string CheckInvariants() const {
    std::string err;
    size_t count = 0;
    const Leaf* prev_leaf = nullptr;
    Check(root_, height_, 0, ~uint64_t{0}, true, &count, &prev_leaf, &err);
    if (err.empty() && prev_leaf != nullptr && prev_leaf->next != nullptr)
      err = "last leaf has next";
    if (err.empty() && count != size_) err = "size mismatch";
    return err;
  }
  int height() const { return height_; }

 private:
  static constexpr int kLeafMin = std::max(1, kLeafCap / 4);
  static constexpr int kInnerMin = std::max(2, kInnerCap / 4);
  // Inner nodes (other than the root) have >= 2 children: log2 of any size.
  static constexpr int kMaxDepth = 64;
  static constexpr int kChunk = 16;                 // nodes per allocation
  static constexpr uint64_t kNoKey = ~uint64_t{0};  // in every unused key slot
  // Key slots per node, rounded up to groups of 8 for Search.
  static constexpr int kLeafSlots = (kLeafCap + 7) / 8 * 8;
  static constexpr int kInnerSlots = (kInnerCap - 1 + 7) / 8 * 8;

  struct Node {
    int n = 0;  // leaf: entries; inner: children
  };
  // Keys are cache-line aligned: each group of 8 that Search scans is one
  // line.
  struct alignas(64) Leaf : Node {
    Leaf* prev = nullptr;
    Leaf* next = nullptr;
    alignas(64) uint64_t keys[kLeafSlots];
    T* vals[kLeafCap];
  };
  struct alignas(64) Inner : Node {
    // child[i] holds keys in [keys[i-1], keys[i]] (both ends inclusive: equal
    // keys may straddle a separator).
    alignas(64) uint64_t keys[kInnerSlots];
    Node* child[kInnerCap];
  };
  // A root-to-leaf path: node[d] is the inner node at depth d and idx[d] the
  // child taken; slot is a position in the leaf (may be leaf->n).
  struct Path {
    Inner* node[kMaxDepth];
    int idx[kMaxDepth];
    Leaf* leaf;
    int slot;
  };

  // Number of keys in [0, n) that are < k (kUpper: <= k), where keys has
  // kSlots entries (a multiple of 8) and the unused ones hold kNoKey. No
  // binary search: a count of the last key of each group of 8, then a count
  // within the group that holds the answer. Fixed trip counts (no
  // mispredicted loop exits), and each round's loads do not wait on each
  // other, so a node that fell out of the cache costs two misses at most.
  template <bool kUpper, int kSlots>
  static int Search(const uint64_t* keys, int n, uint64_t k) {
    static_assert(kSlots % 8 == 0);
    constexpr int kGroups = kSlots / 8;
    auto below = [k](uint64_t x) { return static_cast<int>(kUpper ? x <= k : x < k); };
    int g = 0;
    for (int j = 0; j < kGroups; ++j) g += below(keys[8 * j + 7]);
    g = std::min(g, kGroups - 1);  // all below: the last group counts 8
    const uint64_t* group = keys + 8 * g;
    int c = 0;
#pragma GCC unroll 8
    for (int i = 0; i < 8; ++i) c += below(group[i]);
    return std::min(8 * g + c, n);  // min: only k == kNoKey counts unused slots
  }
  template <bool kUpper>
  static int Search(const Leaf* l, uint64_t k) {
    return Search<kUpper, kLeafSlots>(l->keys, l->n, k);
  }
  template <bool kUpper>
  static int Search(const Inner* in, uint64_t k) {
    return Search<kUpper, kInnerSlots>(in->keys, in->n - 1, k);
  }
  // Fills the unused key slots with kNoKey (after a node shrank).
  static void Seal(Leaf* l) { std::fill(l->keys + l->n, l->keys + kLeafSlots, kNoKey); }
  static void Seal(Inner* in) {
    std::fill(in->keys + std::max(in->n - 1, 0), in->keys + kInnerSlots, kNoKey);
  }

  template <bool kUpper>
  void Descend(uint64_t k, Path& p) const {
    Node* x = root_;
    for (int d = 0; d < height_; ++d) {
      Inner* in = static_cast<Inner*>(x);
      const int i = Search<kUpper>(in, k);
      p.node[d] = in;
      p.idx[d] = i;
      x = in->child[i];
    }
    p.leaf = static_cast<Leaf*>(x);
    p.slot = Search<kUpper>(p.leaf, k);
  }

  // Moves `p` to the first slot of the next leaf; false at the last leaf.
  bool NextLeaf(Path& p) const {
    int d = height_ - 1;
    while (d >= 0 && p.idx[d] == p.node[d]->n - 1) --d;
    if (d < 0) return false;
    ++p.idx[d];
    Node* x = p.node[d]->child[p.idx[d]];
    for (++d; d < height_; ++d) {
      p.node[d] = static_cast<Inner*>(x);
      p.idx[d] = 0;
      x = p.node[d]->child[0];
    }
    p.leaf = static_cast<Leaf*>(x);
    p.slot = 0;
    return true;
  }

  // Points `p` at the entry (k, v); false if there is none.
  bool Find(uint64_t k, const T* v, Path& p) const {
    Descend<false>(k, p);
    while (true) {
      const Leaf* l = p.leaf;
      for (int i = p.slot; i < l->n; ++i) {
        if (l->keys[i] != k) return false;
        if (l->vals[i] == v) {
          p.slot = i;
          return true;
        }
      }
      if (!NextLeaf(p)) return false;
    }
  }

  // Points cursor_ at the entry (k, v) if it is still valid and the entry is
  // in the cursor's leaf (perhaps moved within it by inserts and erases):
  // every link from the root down to that leaf must still be in place (nodes
  // are never returned to the heap, so reading a stale one is safe).
  bool AtCursor(uint64_t k, const T* v) {
    if (!cursor_valid_ || cursor_height_ != height_) return false;
    Path& p = cursor_;
    const Node* x = root_;
    for (int d = 0; d < height_; ++d) {
      if (p.node[d] != x || p.idx[d] >= p.node[d]->n) return false;
      x = p.node[d]->child[p.idx[d]];
    }
    const Leaf* l = p.leaf;
    if (x != l) return false;
    if (p.slot < l->n && l->vals[p.slot] == v && l->keys[p.slot] == k) return true;
    for (int i = 0; i < l->n; ++i) {
      if (l->vals[i] == v && l->keys[i] == k) {
        p.slot = i;
        return true;
      }
    }
    return false;
  }

  // The entry after the one `p` points at; its key into `key` if given.
  static T* After(const Path& p, uint64_t* key = nullptr) {
    if (p.slot + 1 < p.leaf->n) {
      if (key != nullptr) *key = p.leaf->keys[p.slot + 1];
      return p.leaf->vals[p.slot + 1];
    }
    const Leaf* l = p.leaf->next;
    if (l == nullptr) return nullptr;
    if (key != nullptr) *key = l->keys[0];
    return l->vals[0];
  }

  void Changed() { hint_valid_ = false; }

  void InsertAt(Path& p, uint64_t k, T* v) {
    Changed();
    ++size_;
    Leaf* l = p.leaf;
    const int slot = p.slot;
    if (l->n < kLeafCap) {
      LeafInsert(l, slot, k, v);
      return;
    }
    Leaf* r = NewLeaf();
    r->prev = l;
    r->next = l->next;
    if (l->next != nullptr) l->next->prev = r;
    l->next = r;
    // Appending past the largest key (ascending arrivals) leaves the left
    // leaf as full as the fill rule allows rather than half empty.
    // (The new entry must land in the right leaf: h < kLeafCap.)
    const int h = slot == kLeafCap && r->next == nullptr ? kLeafCap - std::max(kLeafMin - 1, 1)
                                                         : kLeafCap / 2;
    r->n = kLeafCap - h;
    std::memcpy(r->keys, l->keys + h, sizeof(uint64_t) * r->n);
    std::memcpy(r->vals, l->vals + h, sizeof(T*) * r->n);
    l->n = h;
    Seal(l);
    if (slot <= h) {
      LeafInsert(l, slot, k, v);
    } else {
      LeafInsert(r, slot - h, k, v);
    }
    InsertChild(p, height_ - 1, r->keys[0], r);
  }

  static void LeafInsert(Leaf* l, int slot, uint64_t k, T* v) {
    const int tail = l->n - slot;
    if (tail > 0) {  // none for ascending arrivals
      std::memmove(l->keys + slot + 1, l->keys + slot, sizeof(uint64_t) * tail);
      std::memmove(l->vals + slot + 1, l->vals + slot, sizeof(T*) * tail);
    }
    l->keys[slot] = k;
    l->vals[slot] = v;
    ++l->n;
  }

  // Adds child `c` with separator `sep` right after child p.idx[d] of
  // p.node[d] (d < 0: above the root, which grows the tree).
  void InsertChild(Path& p, int d, uint64_t sep, Node* c) {
    if (d < 0) {
      Inner* root = NewInner();
      root->n = 2;
      root->child[0] = root_;
      root->child[1] = c;
      root->keys[0] = sep;
      root_ = root;
      ++height_;
      return;
    }
    Inner* in = p.node[d];
    const int i = p.idx[d];  // new child goes at i + 1, its separator at i
    if (in->n < kInnerCap) {
      const int nk = in->n - 1;
      std::memmove(in->keys + i + 1, in->keys + i, sizeof(uint64_t) * (nk - i));
      std::memmove(in->child + i + 2, in->child + i + 1, sizeof(Node*) * (in->n - i - 1));
      in->keys[i] = sep;
      in->child[i + 1] = c;
      ++in->n;
      return;
    }
    uint64_t keys[kInnerCap];
    Node* child[kInnerCap + 1];
    std::memcpy(keys, in->keys, sizeof(uint64_t) * i);
    keys[i] = sep;
    std::memcpy(keys + i + 1, in->keys + i, sizeof(uint64_t) * (kInnerCap - 1 - i));
    std::memcpy(child, in->child, sizeof(Node*) * (i + 1));
    child[i + 1] = c;
    std::memcpy(child + i + 2, in->child + i + 1, sizeof(Node*) * (kInnerCap - i - 1));
    Inner* r = NewInner();
    const int total = kInnerCap + 1;
    const int m = total / 2;  // children kept on the left
    in->n = m;
    std::memcpy(in->keys, keys, sizeof(uint64_t) * (m - 1));
    std::memcpy(in->child, child, sizeof(Node*) * m);
    Seal(in);
    r->n = total - m;
    std::memcpy(r->keys, keys + m, sizeof(uint64_t) * (r->n - 1));
    std::memcpy(r->child, child + m, sizeof(Node*) * r->n);
    InsertChild(p, d - 1, keys[m - 1], r);
  }

  // Removes the entry `p` points at; true if nodes were merged or shared
  // entries (the path no longer describes the tree).
  bool EraseAt(Path& p) {
    Changed();
    --size_;
    Leaf* l = p.leaf;
    const int tail = l->n - p.slot - 1;
    if (tail > 0) {
      std::memmove(l->keys + p.slot, l->keys + p.slot + 1, sizeof(uint64_t) * tail);
      std::memmove(l->vals + p.slot, l->vals + p.slot + 1, sizeof(T*) * tail);
    }
    --l->n;
    l->keys[l->n] = kNoKey;
    if (height_ == 0 || l->n >= kLeafMin) return false;
    // Underfull: merge with a sibling if both fit in one leaf, else share.
    const int d = height_ - 1;
    Inner* par = p.node[d];
    const int ci = p.idx[d];
    const int li = ci > 0 ? ci - 1 : 0;  // the pair is child[li], child[li + 1]
    Leaf* a = static_cast<Leaf*>(par->child[li]);
    Leaf* b = static_cast<Leaf*>(par->child[li + 1]);
    if (a->n + b->n <= kLeafCap) {
      std::memcpy(a->keys + a->n, b->keys, sizeof(uint64_t) * b->n);
      std::memcpy(a->vals + a->n, b->vals, sizeof(T*) * b->n);
      a->n += b->n;
      a->next = b->next;
      if (b->next != nullptr) b->next->prev = a;
      FreeLeaf(b);
      RemoveChild(p, d, li + 1);
      return true;
    }
    const int total = a->n + b->n;
    const int m = total / 2;
    if (a->n > m) {  // move a's tail to b's front
      const int mv = a->n - m;
      std::memmove(b->keys + mv, b->keys, sizeof(uint64_t) * b->n);
      std::memmove(b->vals + mv, b->vals, sizeof(T*) * b->n);
      std::memcpy(b->keys, a->keys + m, sizeof(uint64_t) * mv);
      std::memcpy(b->vals, a->vals + m, sizeof(T*) * mv);
    } else {  // move b's head to a's tail
      const int mv = m - a->n;
      std::memcpy(a->keys + a->n, b->keys, sizeof(uint64_t) * mv);
      std::memcpy(a->vals + a->n, b->vals, sizeof(T*) * mv);
      std::memmove(b->keys, b->keys + mv, sizeof(uint64_t) * (b->n - mv));
      std::memmove(b->vals, b->vals + mv, sizeof(T*) * (b->n - mv));
    }
    a->n = m;
    b->n = total - m;
    Seal(a);
    Seal(b);
    par->keys[li] = b->keys[0];
    return true;
  }

  // Removes child j >= 1 of p.node[d] (and the separator before it), then
  // restores the fill rule going up.
  void RemoveChild(Path& p, int d, int j) {
    Inner* in = p.node[d];
    std::memmove(in->keys + j - 1, in->keys + j, sizeof(uint64_t) * (in->n - 1 - j));
    std::memmove(in->child + j, in->child + j + 1, sizeof(Node*) * (in->n - 1 - j));
    --in->n;
    in->keys[in->n - 1] = kNoKey;
    if (d == 0) {
      if (in->n == 1) {  // the root has one child left: it becomes the root
        root_ = in->child[0];
        --height_;
        FreeInner(in);
      }
      return;
    }
    if (in->n >= kInnerMin) return;
    Inner* par = p.node[d - 1];
    const int ci = p.idx[d - 1];
    const int li = ci > 0 ? ci - 1 : 0;
    Inner* a = static_cast<Inner*>(par->child[li]);
    Inner* b = static_cast<Inner*>(par->child[li + 1]);
    // All children of the pair in order, with the keys between them.
    uint64_t keys[2 * kInnerCap];
    Node* child[2 * kInnerCap];
    const int total = a->n + b->n;
    std::memcpy(keys, a->keys, sizeof(uint64_t) * (a->n - 1));
    keys[a->n - 1] = par->keys[li];
    std::memcpy(keys + a->n, b->keys, sizeof(uint64_t) * (b->n - 1));
    std::memcpy(child, a->child, sizeof(Node*) * a->n);
    std::memcpy(child + a->n, b->child, sizeof(Node*) * b->n);
    if (total <= kInnerCap) {
      a->n = total;
      std::memcpy(a->keys, keys, sizeof(uint64_t) * (total - 1));
      std::memcpy(a->child, child, sizeof(Node*) * total);
      FreeInner(b);
      RemoveChild(p, d - 1, li + 1);
      return;
    }
    const int m = total / 2;
    a->n = m;
    std::memcpy(a->keys, keys, sizeof(uint64_t) * (m - 1));
    std::memcpy(a->child, child, sizeof(Node*) * m);
    b->n = total - m;
    std::memcpy(b->keys, keys + m, sizeof(uint64_t) * (b->n - 1));
    std::memcpy(b->child, child + m, sizeof(Node*) * b->n);
    Seal(a);
    Seal(b);
    par->keys[li] = keys[m - 1];
  }

  // ---- Node pool ---------------------------------------------------------
  Leaf* NewLeaf() {
    if (free_leaves_ == nullptr) {
      auto chunk = std::make_unique<Leaf[]>(kChunk);
      for (int i = 0; i < kChunk; ++i) FreeLeaf(&chunk[i]);
      leaf_chunks_.push_back(std::move(chunk));
    }
    Leaf* l = free_leaves_;
    free_leaves_ = l->next;
    l->n = 0;
    l->prev = nullptr;
    l->next = nullptr;
    Seal(l);
    return l;
  }
  void FreeLeaf(Leaf* l) {
    l->next = free_leaves_;
    free_leaves_ = l;
  }
  Inner* NewInner() {
    if (free_inners_ == nullptr) {
      auto chunk = std::make_unique<Inner[]>(kChunk);
      for (int i = 0; i < kChunk; ++i) FreeInner(&chunk[i]);
      inner_chunks_.push_back(std::move(chunk));
    }
    Inner* in = free_inners_;
    free_inners_ = static_cast<Inner*>(in->child[0]);
    in->n = 0;
    Seal(in);
    return in;
  }
  void FreeInner(Inner* in) {
    in->child[0] = free_inners_;
    free_inners_ = in;
  }
  void Release(Node* x, int h) {
    if (h == 0) {
      FreeLeaf(static_cast<Leaf*>(x));
      return;
    }
    Inner* in = static_cast<Inner*>(x);
    for (int i = 0; i < in->n; ++i) Release(in->child[i], h - 1);
    FreeInner(in);
  }

  void Check(const Node* x, int h, uint64_t lo, uint64_t hi, bool is_root, size_t* count,
             const Leaf** prev_leaf, std::string* err) const {
    if (!err->empty()) return;
    if (h == 0) {
      const Leaf* l = static_cast<const Leaf*>(x);
      if (!is_root && l->n < kLeafMin) *err = "leaf underfull";
      if (l->n > kLeafCap) *err = "leaf overfull";
      if (l->prev != *prev_leaf) *err = "leaf prev link";
      if (*prev_leaf != nullptr && (*prev_leaf)->next != l) *err = "leaf next link";
      for (int i = l->n; i < kLeafSlots; ++i) {
        if (l->keys[i] != kNoKey) *err = "unused leaf key slot not sealed";
      }
      for (int i = 0; i < l->n; ++i) {
        if (l->keys[i] < lo || l->keys[i] > hi) *err = "leaf key outside separators";
        if (i > 0 && l->keys[i - 1] > l->keys[i]) *err = "leaf keys out of order";
      }
      *count += l->n;
      *prev_leaf = l;
      return;
    }
    const Inner* in = static_cast<const Inner*>(x);
    if (in->n > kInnerCap) *err = "inner overfull";
    if (is_root ? in->n < 2 : in->n < kInnerMin) *err = "inner underfull";
    for (int i = in->n - 1; i < kInnerSlots; ++i) {
      if (in->keys[i] != kNoKey) *err = "unused inner key slot not sealed";
    }
    for (int i = 0; i < in->n && err->empty(); ++i) {
      const uint64_t clo = i == 0 ? lo : in->keys[i - 1];
      const uint64_t chi = i == in->n - 1 ? hi : in->keys[i];
      if (clo > chi) *err = "separators out of order";
      Check(in->child[i], h - 1, clo, chi, false, count, prev_leaf, err);
    }
  }

  Node* root_;
  int height_ = 0;  // inner levels above the leaves
  size_t size_ = 0;
  // Seek's path, reused by an Insert of hint_key_ while hint_valid_.
  Path hint_;
  uint64_t hint_key_ = 0;
  bool hint_valid_ = false;
  // Erase's path, left at the entry after the erased one while
  // cursor_valid_ (checked against the tree before use).
  Path cursor_;
  int cursor_height_ = 0;
  bool cursor_valid_ = false;
  Leaf* free_leaves_ = nullptr;
  Inner* free_inners_ = nullptr;
  std::vector<std::unique_ptr<Leaf[]>> leaf_chunks_;
  std::vector<std::unique_ptr<Inner[]>> inner_chunks_;
};

}  // namespace iosched

#endif  // IOSCHED_SRC_SORTED_INDEX_H_
