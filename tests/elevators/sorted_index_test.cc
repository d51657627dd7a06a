// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// SortedIndex against std::multimap (whose insert keeps equal keys in
// insertion order, as the index must): random inserts, seeks followed by
// inserts, erases of arbitrary entries, neighbour queries, with small nodes
// so that splits, merges, redistribution and root changes happen often.

#include "sorted_index.h"

#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <random>
#include <utility>
#include <vector>

namespace iosched {
namespace {

struct Item {
  int id = 0;
};

using Model = std::multimap<uint64_t, Item*>;

template <class Index>
void ExpectSame(const Index& index, const Model& model) {
  ASSERT_EQ(index.CheckInvariants(), "");
  ASSERT_EQ(index.size(), model.size());
  std::vector<std::pair<uint64_t, Item*>> got;
  index.ForEach([&](uint64_t k, Item* v) { got.emplace_back(k, v); });
  std::vector<std::pair<uint64_t, Item*>> want(model.begin(), model.end());
  ASSERT_EQ(got, want);
}

template <class Index>
void RandomOps(uint64_t seed, uint64_t key_range, int ops, int max_size) {
  std::mt19937_64 rng(seed);
  Index index;
  Model model;
  std::vector<Item> items(static_cast<size_t>(max_size) + 1);
  std::vector<Item*> free_items;
  for (auto& it : items) free_items.push_back(&it);
  for (size_t i = 0; i < items.size(); ++i) items[i].id = static_cast<int>(i);

  auto random_entry = [&]() {
    auto it = model.begin();
    std::advance(it, static_cast<long>(rng() % model.size()));
    return it;
  };

  for (int op = 0; op < ops; ++op) {
    const uint64_t r = rng() % 100;
    // Grow towards max_size, then hover around it with bursts of erases.
    const bool grow =
        model.empty() || (static_cast<int>(model.size()) < max_size && (r < 55 || op % 997 < 300));
    if (grow && !free_items.empty()) {
      Item* v = free_items.back();
      free_items.pop_back();
      const uint64_t k = rng() % key_range;
      if (rng() % 2) {
        // Seek first, as the deadline elevator does before inserting.
        uint64_t key = 0;
        Item* got = index.Seek(k, &key);
        auto lb = model.lower_bound(k);
        if (lb == model.end()) {
          ASSERT_EQ(got, nullptr);
        } else {
          ASSERT_EQ(got, lb->second);
          ASSERT_EQ(key, lb->first);
        }
      }
      index.Insert(k, v);
      model.emplace(k, v);  // after equal keys
    } else if (!model.empty()) {
      auto it = random_entry();
      const uint64_t k = it->first;
      Item* v = it->second;
      // Neighbours of an arbitrary entry, then erase it.
      Item* want_next = std::next(it) == model.end() ? nullptr : std::next(it)->second;
      Item* want_prev = it == model.begin() ? nullptr : std::prev(it)->second;
      ASSERT_EQ(index.Next(k, v), want_next);
      ASSERT_EQ(index.Prev(k, v), want_prev);
      Item* next = reinterpret_cast<Item*>(&index);  // must be overwritten
      ASSERT_TRUE(index.Erase(k, v, &next));
      ASSERT_EQ(next, want_next);
      model.erase(it);
      free_items.push_back(v);
      ASSERT_FALSE(index.Erase(k, v));  // gone now
    }
    if (op % 64 == 0 || model.size() < 8) ExpectSame(index, model);
    if (!model.empty()) {
      ASSERT_EQ(index.Front(), model.begin()->second);
    } else {
      ASSERT_EQ(index.Front(), nullptr);
    }
  }
  ExpectSame(index, model);
  // Drain in random order down to nothing.
  while (!model.empty()) {
    auto it = random_entry();
    ASSERT_TRUE(index.Erase(it->first, it->second));
    model.erase(it);
  }
  ExpectSame(index, model);
  EXPECT_EQ(index.height(), 0);
}

TEST(SortedIndexTest, EmptyIndex) {
  SortedIndex<Item> index;
  Item a;
  uint64_t key = 7;
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.Front(), nullptr);
  EXPECT_EQ(index.Seek(0, &key), nullptr);
  EXPECT_EQ(key, 7u);
  EXPECT_FALSE(index.Erase(0, &a));
  EXPECT_EQ(index.Next(0, &a), nullptr);
  EXPECT_EQ(index.Prev(0, &a), nullptr);
  EXPECT_EQ(index.CheckInvariants(), "");
}

TEST(SortedIndexTest, EqualKeysKeepInsertionOrder) {
  SortedIndex<Item, 4, 4> index;
  std::vector<Item> items(40);
  for (int i = 0; i < 40; ++i) {
    items[i].id = i;
    index.Insert(i % 2 == 0 ? 10 : 20, &items[i]);  // long runs across leaves
  }
  std::vector<int> order;
  index.ForEach([&](uint64_t, Item* v) { order.push_back(v->id); });
  std::vector<int> want;
  for (int i = 0; i < 40; i += 2) want.push_back(i);
  for (int i = 1; i < 40; i += 2) want.push_back(i);
  EXPECT_EQ(order, want);
  EXPECT_EQ(index.Next(10, &items[38]), &items[1]);
  EXPECT_EQ(index.Prev(20, &items[1]), &items[38]);
  EXPECT_EQ(index.Next(20, &items[2]), nullptr);  // wrong key: no such entry
  EXPECT_FALSE(index.Erase(10, &items[1]));
  EXPECT_EQ(index.CheckInvariants(), "");
}

TEST(SortedIndexTest, AscendingAppendsAndFrontErases) {
  // The deadline elevator's sequential pattern: insert above the largest
  // key, take the smallest.
  SortedIndex<Item, 8, 4> index;
  Model model;
  std::vector<Item> items(200);
  uint64_t next_key = 0;
  for (int i = 0; i < 100; ++i) {
    index.Insert(next_key, &items[i]);
    model.emplace(next_key, &items[i]);
    next_key += 16;
  }
  for (int round = 0; round < 5000; ++round) {
    Item* front = index.Front();
    ASSERT_EQ(front, model.begin()->second);
    ASSERT_TRUE(index.Erase(model.begin()->first, front));
    model.erase(model.begin());
    index.Insert(next_key, front);
    model.emplace(next_key, front);
    next_key += 16;
    if (round % 100 == 0) ExpectSame(index, model);
  }
  ExpectSame(index, model);
}

TEST(SortedIndexTest, RandomAgainstMultimapTinyNodes) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    RandomOps<SortedIndex<Item, 4, 4>>(seed, /*key_range=*/64, 20000, 300);
    RandomOps<SortedIndex<Item, 4, 5>>(seed + 100, /*key_range=*/1u << 30, 20000, 300);
  }
}

TEST(SortedIndexTest, RandomAgainstMultimapDefaultNodes) {
  RandomOps<SortedIndex<Item>>(7, /*key_range=*/1000, 100000, 5000);
  RandomOps<SortedIndex<Item>>(8, /*key_range=*/uint64_t{1} << 40, 100000, 5000);
}

template <class Index>
void Sweeps(uint64_t seed, int size, int steps) {
  // The deadline elevator's pattern: erase an entry, then (after inserts
  // and erases elsewhere) the entry that followed it, which Erase
  // remembers.
  std::mt19937_64 rng(seed);
  Index index;
  Model model;
  std::vector<Item> items(static_cast<size_t>(size) * 2);
  std::vector<Item*> free_items;
  for (auto& it : items) free_items.push_back(&it);
  auto insert = [&]() {
    Item* v = free_items.back();
    free_items.pop_back();
    const uint64_t k = rng() % 512;  // plenty of equal keys
    index.Insert(k, v);
    model.emplace(k, v);
  };
  for (int i = 0; i < size; ++i) insert();
  Model::iterator at = model.begin();
  for (int step = 0; step < steps; ++step) {
    if (at == model.end()) at = model.begin();
    Item* next = nullptr;
    ASSERT_TRUE(index.Erase(at->first, at->second, &next));
    free_items.push_back(at->second);
    at = model.erase(at);
    ASSERT_EQ(next, at == model.end() ? nullptr : at->second);
    // Refill, sometimes more than one, sometimes with an erase elsewhere.
    const int adds = static_cast<int>(rng() % 3);
    for (int i = 0; i < adds && !free_items.empty(); ++i) insert();
    if (!model.empty() && (model.size() > static_cast<size_t>(size) || rng() % 8 == 0)) {
      auto victim = model.begin();
      std::advance(victim, static_cast<long>(rng() % model.size()));
      if (victim != at) {
        ASSERT_TRUE(index.Erase(victim->first, victim->second));
        free_items.push_back(victim->second);
        model.erase(victim);
      }
    }
    if (model.empty()) insert();
    // `at` may have been passed by inserts with its key: still the entry
    // to take next in the model, as in the elevator's next_rq.
    if (step % 32 == 0) ExpectSame(index, model);
  }
  ExpectSame(index, model);
}

TEST(SortedIndexTest, SweepsWithChangesInBetween) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Sweeps<SortedIndex<Item, 4, 4>>(seed, 200, 20000);
    Sweeps<SortedIndex<Item, 8, 5>>(seed + 10, 300, 20000);
  }
  Sweeps<SortedIndex<Item>>(99, 4096, 100000);
}

TEST(SortedIndexTest, ClearRecyclesNodes) {
  SortedIndex<Item, 4, 4> index;
  std::vector<Item> items(500);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 500; ++i) index.Insert(static_cast<uint64_t>(i * 7 % 500), &items[i]);
    EXPECT_EQ(index.size(), 500u);
    EXPECT_EQ(index.CheckInvariants(), "");
    index.clear();
    EXPECT_TRUE(index.empty());
    EXPECT_EQ(index.Front(), nullptr);
    EXPECT_EQ(index.CheckInvariants(), "");
  }
}

}  // namespace
}  // namespace iosched
