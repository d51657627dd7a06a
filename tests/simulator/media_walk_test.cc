// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// ZonedLayout::Map says how long a run of consecutive sectors is, and
// MediaWalk::TransferWhileBefore jumps along a run of sectors instead of
// walking it. These tests walk the same accesses both ways — the jump, and
// the sector-by-sector reference (PassAtOrAfter + Transfer) — on every
// layout the model handles differently, and require the same times to the
// nanosecond: every sector's end, the head, the next sector and its pass.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "hdd_layout.h"
#include "hdd_mechanics.h"
#include "hdd_params_variants.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {
namespace {

struct Layout {
  std::string name;
  HddParams params;
};

std::vector<Layout> Layouts() {
  HddParams defects = HpC2247AParams();
  defects.zones[0].defects = {{100, 7266}};  // track 100 moves to a spare track
  defects.expected_capacity_sectors = 0;
  defects.zones[0].spares += 1;
  // Sector sparing per zone, with surfaces in reverse order on odd cylinders.
  HddParams reversed = WithSparing(HpC2247AParams(), HddSparing::kSectorsPerZone, 400);
  reversed.mapping = 1;
  // Skews that are not whole sectors (angles computed, not tabulated).
  HddParams fractional = HpC2247AParams();
  for (HddZone& z : fractional.zones) {
    z.track_skew += 0.25;
    z.cylinder_skew += 0.5;
    z.first_block_offset += 0.125;
  }
  return {
      {"hp-c2247a", HpC2247AParams()},
      {"hp-c2247a-defect", defects},
      {"sect-per-cyl", WithSparing(HpC2247AParams(), HddSparing::kSectorsPerCylinder, 20)},
      {"sect-per-track", WithSparing(HpC2247AParams(), HddSparing::kSectorsPerTrack, 2)},
      {"sect-per-zone-reversed", reversed},
      {"sata-7200", Sata7200Params()},
      {"hp-fractional-skew", fractional},
  };
}

struct Outcome {
  std::vector<Time> ends;
  Track head;
  Time last_end{0};
  bool active = false;
  uint64_t next_lbn = 0;
  Time earliest_pass{0};
};

struct Access {
  Time begin{0};
  Track from;
  uint64_t lbn = 0;
  Op op = Op::kRead;
  uint32_t sectors = 0;
  Time deadline = kTimeNever;
  ReadyLine ready;
};

Outcome Finish(const MediaWalk& w, std::vector<Time> ends) {
  Outcome o;
  o.ends = std::move(ends);
  o.head = w.head();
  o.last_end = w.last_end();
  o.active = w.active();
  if (w.active()) {
    o.next_lbn = w.next_lbn();
    o.earliest_pass = w.earliest_pass();
  }
  return o;
}

// The reference: one sector at a time.
Outcome BySector(const ZonedLayout& l, const SeekModel& s, const Spindle& sp, const Access& a) {
  MediaWalk w(&l, &s, &sp);
  w.Begin(a.begin, a.from, a.lbn, a.op, Duration{0});
  std::vector<Time> ends;
  for (uint32_t i = 0; i < a.sectors && w.active(); ++i) {
    const Time pass = w.PassAtOrAfter(a.ready.At(i));
    if (pass + w.sector_time() > a.deadline) break;
    ends.push_back(w.Transfer(pass));
  }
  return Finish(w, std::move(ends));
}

// The jump, called again after each stop at a track's end.
Outcome ByRun(const ZonedLayout& l, const SeekModel& s, const Spindle& sp, const Access& a) {
  MediaWalk w(&l, &s, &sp);
  w.Begin(a.begin, a.from, a.lbn, a.op, Duration{0});
  std::vector<Time> ends(a.sectors);
  uint32_t done = 0;
  while (done < a.sectors && w.active()) {
    ReadyLine ready = a.ready;
    ready.base = a.ready.base + static_cast<int64_t>(done) * a.ready.step;
    const uint32_t n = w.TransferWhileBefore(a.sectors - done, a.deadline, &ends[done], ready);
    if (n == 0) break;
    done += n;
  }
  ends.resize(done);
  return Finish(w, std::move(ends));
}

TEST(MediaWalkTest, JumpingAlongRunsMatchesSectorBySectorToTheNanosecond) {
  for (const Layout& layout : Layouts()) {
    ASSERT_TRUE(ValidateHddParams(layout.params).ok()) << layout.name;
    const ZonedLayout l(layout.params);
    const SeekModel s(layout.params);
    const Spindle sp(layout.params.rpm);
    std::mt19937_64 rng(7);
    const uint64_t cap = l.capacity_sectors();
    const double rev = sp.revolution_ns();
    size_t sectors = 0, jumps_cut_by_deadline = 0, late_data = 0, near_pace = 0;
    for (int trial = 0; trial < 3000; ++trial) {
      Access a;
      a.begin = Time{static_cast<int64_t>(rng() % 4'000'000'000'000ULL)};
      a.from = Track{static_cast<uint32_t>(rng() % layout.params.cylinders),
                     static_cast<uint32_t>(rng() % layout.params.heads)};
      a.sectors = 1 + static_cast<uint32_t>(rng() % 700);
      a.lbn = rng() % (cap - 1);
      a.op = rng() % 3 == 0 ? Op::kWrite : Op::kRead;
      switch (rng() % 5) {
        case 0:  // reads: always ready
          break;
        case 1:  // data slower than the media (the HP's bus)
          a.ready.step =
              Duration{static_cast<int64_t>(rev / 60 + static_cast<double>(rng() % 90'000))};
          a.ready.base = a.begin + Duration{static_cast<int64_t>(rng() % 20'000'000)};
          a.ready.floor = a.ready.base + 10 * a.ready.step;
          break;
        case 2:  // data faster than the media
          a.ready.step = Duration{static_cast<int64_t>(rng() % 20'000)};
          a.ready.base = a.begin + Duration{static_cast<int64_t>(rng() % 20'000'000)};
          a.ready.floor = a.ready.base;
          break;
        case 3:  // the data is there at a fixed time
          a.ready.floor = a.begin + Duration{static_cast<int64_t>(rng() % 40'000'000)};
          break;
        case 4: {
          // Data within a few ns per sector of the media's pace, ready just
          // before the first sector passes: it falls behind the head a
          // nanosecond or a few per sector, and is late after tens or
          // hundreds of sectors (or never).
          const double exact = rev / l.Map(a.lbn).sectors_per_track;
          MediaWalk probe(&l, &s, &sp);
          probe.Begin(a.begin, a.from, a.lbn, a.op, Duration{0});
          a.ready.step =
              Duration{static_cast<int64_t>(exact) - 3 + static_cast<int64_t>(rng() % 8)};
          a.ready.base = probe.earliest_pass() - Duration{static_cast<int64_t>(rng() % 400)};
          a.ready.floor = a.ready.base + static_cast<int64_t>(rng() % 3) * a.ready.step;
          ++near_pace;
          break;
        }
      }
      if (rng() % 2 == 0) {
        a.deadline = a.begin + Duration{static_cast<int64_t>(rng() % 80'000'000)};
      }
      const Outcome want = BySector(l, s, sp, a);
      const Outcome got = ByRun(l, s, sp, a);
      ASSERT_EQ(got.ends, want.ends) << layout.name << " trial " << trial << " lbn " << a.lbn;
      ASSERT_EQ(got.head, want.head) << layout.name << " trial " << trial;
      ASSERT_EQ(got.last_end, want.last_end) << layout.name << " trial " << trial;
      ASSERT_EQ(got.active, want.active) << layout.name << " trial " << trial;
      ASSERT_EQ(got.next_lbn, want.next_lbn) << layout.name << " trial " << trial;
      ASSERT_EQ(got.earliest_pass, want.earliest_pass) << layout.name << " trial " << trial;
      sectors += want.ends.size();
      if (a.deadline != kTimeNever && want.ends.size() < a.sectors) ++jumps_cut_by_deadline;
      if (a.ready.step > Duration{0}) ++late_data;
    }
    // The trials exercised what they claim to.
    EXPECT_GT(sectors, 100'000u) << layout.name;
    EXPECT_GT(jumps_cut_by_deadline, 300u) << layout.name;
    EXPECT_GT(late_data, 1000u) << layout.name;
    EXPECT_GT(near_pace, 400u) << layout.name;
  }
}

TEST(MediaWalkTest, TrackAnglesMatchTheFormula) {
  // AngleOnTrack (ExactFmod's multiplication by 1 / spt and its
  // corrections) against the formula of hdd_params.h computed here with
  // std::fmod, bit for bit, for every sector of random tracks.
  for (const Layout& layout : Layouts()) {
    const ZonedLayout l(layout.params);
    std::mt19937_64 rng(5);
    for (int i = 0; i < 300; ++i) {
      const PhysicalSector p = l.Map(rng() % l.capacity_sectors());
      const ZonedLayout::TrackOrigin t = l.TrackStart(p);
      const double spt = static_cast<double>(t.sectors_per_track);
      for (uint32_t s = 0; s < p.sectors_per_track; ++s) {
        const double sectors = t.skew_sectors + static_cast<double>(s) + t.slips;
        double want = std::fmod(sectors, spt) / spt;
        if (want < 0) want += 1.0;
        if (want >= 1.0) want -= 1.0;
        ASSERT_EQ(ZonedLayout::AngleOnTrack(t, s), want) << layout.name << " sector " << s;
      }
    }
  }
}

TEST(MediaWalkTest, RunsFollowTheTrack) {
  // Map's run: every LBN of a run maps to the next sector of the same track.
  for (const Layout& layout : Layouts()) {
    const ZonedLayout l(layout.params);
    std::mt19937_64 rng(3);
    for (int i = 0; i < 2000; ++i) {
      const uint64_t lbn = rng() % l.capacity_sectors();
      uint32_t run = 0;
      const PhysicalSector p = l.Map(lbn, &run);
      ASSERT_GE(run, 1u);
      for (uint32_t k = 1; k < run; ++k) {
        const PhysicalSector q = l.Map(lbn + k);
        ASSERT_TRUE(q.SameTrack(p)) << layout.name << " lbn " << lbn << " +" << k;
        ASSERT_EQ(q.sector, p.sector + k) << layout.name << " lbn " << lbn << " +" << k;
      }
      // TrackEnd is the first LBN off the track.
      const uint64_t end = l.TrackEnd(lbn);
      ASSERT_GT(end, lbn);
      for (uint64_t k = lbn; k < end; ++k) ASSERT_TRUE(l.Map(k).SameTrack(p)) << layout.name;
      if (end < l.capacity_sectors()) {
        ASSERT_FALSE(l.Map(end).SameTrack(p)) << layout.name;
      }
    }
  }
}

}  // namespace
}  // namespace iosched::sim
