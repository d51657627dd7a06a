// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Hand-computed checks of the mechanical pieces behind the DiskSim import:
// LBN → cylinder/head/sector under sector sparing, defects and zone gaps
// (with the skews), seek curves at table points and between, the rotational
// wait from a known angle, and the buffer/controller protocol of
// hdd_model.h on the HP C2247A (a hit on a sequential stream, the minimum
// seek delay, DiskSim's extra write disconnect).

#include <gtest/gtest.h>

#include <cmath>

#include "hdd_layout.h"
#include "hdd_mechanics.h"
#include "hdd_model.h"
#include "iosched/hdd_params.h"

namespace iosched::sim {
namespace {

constexpr double kRevNs5400 = 60e9 / 5400;

// One zone of 10 sectors per track, 2 heads, 10 cylinders, no overheads.
HddParams SmallDrive(HddSparing sparing, uint32_t spares, std::vector<uint32_t> slips) {
  HddParams p;
  p.name = "small";
  p.heads = 2;
  p.cylinders = 10;
  p.rpm = 6000;  // 10 ms per revolution, 1 ms per sector
  p.sparing = sparing;
  HddZone z;
  z.first_cylinder = 0;
  z.last_cylinder = 9;
  z.sectors_per_track = 10;
  z.track_skew = 2;
  z.cylinder_skew = 3;
  z.spares = spares;
  z.slips = std::move(slips);
  p.zones = {z};
  p.seek.kind = HddSeekCurve::Kind::kConstant;
  p.seek.constant_ms = 1.0;
  return p;
}

TEST(DiskSimLayoutTest, SectorsPerCylinderSparingWithASlip) {
  // 2 spare sectors per cylinder: 18 LBNs per cylinder. Sector 5 of
  // cylinder 0 is slipped: LBNs 5.. move up by one, the last LBN of the
  // cylinder lands in the first spare sector (head 1, sector 8).
  const HddParams p = SmallDrive(HddSparing::kSectorsPerCylinder, 2, {5});
  ASSERT_TRUE(ValidateHddParams(p).ok()) << ValidateHddParams(p);
  EXPECT_EQ(HddCapacitySectors(p), 10u * 18);
  ZonedLayout l(p);
  auto at = [&](uint64_t lbn) {
    const PhysicalSector s = l.Map(lbn);
    return std::make_tuple(s.cylinder, s.head, s.sector);
  };
  EXPECT_EQ(at(4), std::make_tuple(0u, 0u, 4u));
  EXPECT_EQ(at(5), std::make_tuple(0u, 0u, 6u));
  EXPECT_EQ(at(8), std::make_tuple(0u, 0u, 9u));
  EXPECT_EQ(at(9), std::make_tuple(0u, 1u, 0u));
  EXPECT_EQ(at(17), std::make_tuple(0u, 1u, 8u));
  EXPECT_EQ(at(18), std::make_tuple(1u, 0u, 0u));
  EXPECT_EQ(at(36), std::make_tuple(2u, 0u, 0u));
  // Angles: (head + (heads − 1)·cyl)·track skew + cyl·cylinder skew +
  // slips before this cylinder + sector, in sectors of 10.
  EXPECT_DOUBLE_EQ(l.StartAngle(l.Map(9)), 2.0 / 10);                     // head 1: one skew
  EXPECT_DOUBLE_EQ(l.StartAngle(l.Map(18)), (2.0 + 3.0 + 1.0) / 10);      // + slip of cyl 0
  EXPECT_DOUBLE_EQ(l.StartAngle(l.Map(20)), (2.0 + 3.0 + 1.0 + 2) / 10);  // sector 2
}

TEST(DiskSimLayoutTest, SectorsPerTrackSparing) {
  // 1 spare per track: 9 LBNs per track; a slip at sector 3 of track 0.
  const HddParams p = SmallDrive(HddSparing::kSectorsPerTrack, 1, {3});
  ASSERT_TRUE(ValidateHddParams(p).ok()) << ValidateHddParams(p);
  EXPECT_EQ(HddCapacitySectors(p), 10u * 2 * 9);
  ZonedLayout l(p);
  EXPECT_EQ(l.Map(2).sector, 2u);
  EXPECT_EQ(l.Map(3).sector, 4u);
  EXPECT_EQ(l.Map(8).sector, 9u);  // the spare sector holds the pushed LBN
  EXPECT_EQ(l.Map(9).head, 1u);
  EXPECT_EQ(l.Map(9).sector, 0u);
}

TEST(DiskSimLayoutTest, TrackSparingDefectMovesToItsSpare) {
  HddParams p = SmallDrive(HddSparing::kTrack, 2, {});
  p.zones[0].defects = {{1, 19}};  // track 1 (cyl 0, head 1) → spare track 19
  ASSERT_TRUE(ValidateHddParams(p).ok()) << ValidateHddParams(p);
  EXPECT_EQ(HddCapacitySectors(p), (20u - 2) * 10);
  ZonedLayout l(p);
  const PhysicalSector s = l.Map(10);  // logical track 1
  EXPECT_EQ(s.cylinder, 9u);
  EXPECT_EQ(s.head, 1u);
  EXPECT_EQ(l.Map(20).cylinder, 1u);  // logical track 2 stays put
}

TEST(DiskSimLayoutTest, CylindersBetweenZonesHoldNoData) {
  HddParams p = SmallDrive(HddSparing::kNone, 0, {});
  p.cylinders = 20;
  HddZone z2 = p.zones[0];
  z2.first_cylinder = 12;
  z2.last_cylinder = 19;
  z2.sectors_per_track = 8;
  p.zones.push_back(z2);
  ASSERT_TRUE(ValidateHddParams(p).ok()) << ValidateHddParams(p);
  ZonedLayout l(p);
  EXPECT_EQ(l.capacity_sectors(), 10u * 2 * 10 + 8u * 2 * 8);
  const PhysicalSector s = l.Map(200);
  EXPECT_EQ(s.zone, 1u);
  EXPECT_EQ(s.cylinder, 12u);
  EXPECT_EQ(s.sectors_per_track, 8u);
  // Overlapping zones are still an error.
  p.zones[1].first_cylinder = 9;
  EXPECT_FALSE(ValidateHddParams(p).ok());
}

TEST(DiskSimSeekTest, TableAtPointsAndBetween) {
  HddParams p = SmallDrive(HddSparing::kNone, 0, {});
  p.cylinders = 3000;
  p.zones[0].last_cylinder = 2999;
  p.seek.kind = HddSeekCurve::Kind::kTable;
  p.seek.table = {{1, 1.625627400},
                  {2, 2.026624800},
                  {10, 2.909090000},
                  {12, 3.021370700},
                  {2097, 21.777562500}};
  SeekModel s(p);
  EXPECT_NEAR(s.Curve(1).count(), 1'625'627.4, 1);
  EXPECT_NEAR(s.Curve(10).count(), 2'909'090.0, 1);
  EXPECT_NEAR(s.Curve(11).count(), (2.909090000 + 3.021370700) / 2 * 1e6, 1);
  EXPECT_NEAR(s.Curve(2097).count(), 21'777'562.5, 1);
  // Beyond the last point the last segment extends.
  const double slope = (21.777562500 - 3.021370700) / (2097 - 12);
  EXPECT_NEAR(s.Curve(2500).count(), (21.777562500 + slope * 403) * 1e6, 1);
}

TEST(DiskSimSeekTest, HplWithSingleCylinderValue) {
  HddParams p = SmallDrive(HddSparing::kNone, 0, {});
  p.cylinders = 2000;
  p.zones[0].last_cylinder = 1999;
  p.seek.kind = HddSeekCurve::Kind::kHpl;
  p.seek.boundary = 300;
  p.seek.sqrt_a_ms = 3.81;
  p.seek.sqrt_b_ms = 0.33;
  p.seek.linear_c_ms = 7.75;
  p.seek.linear_e_ms = 0.0059;
  p.seek.hpl_single_ms = 2.5;  // "V6"
  SeekModel s(p);
  EXPECT_EQ(s.Curve(1).count(), 2'500'000);
  EXPECT_EQ(s.Curve(4).count(), std::llround((3.81 + 0.33 * 2) * 1e6));
  EXPECT_EQ(s.Curve(1000).count(), std::llround((7.75 + 5.9) * 1e6));
  p.seek.hpl_single_ms = -1;  // d = 1 uses the equation
  EXPECT_EQ(SeekModel(p).Curve(1).count(), std::llround((3.81 + 0.33) * 1e6));
}

TEST(DiskSimMediaTest, RotationalWaitFromAKnownAngle) {
  const HddParams p = SmallDrive(HddSparing::kNone, 0, {});
  ZonedLayout layout(p);
  SeekModel seek(p);
  Spindle spindle(p.rpm);  // 10 ms per revolution
  MediaWalk walk(&layout, &seek, &spindle);
  // At t = 12.5 ms the platter is at 0.25 revolution. LBN 7 is sector 7 of
  // (0, 0), angle 0.7: 4.5 ms away; the head is already on the track.
  walk.Begin(Time{12'500'000}, Track{0, 0}, 7, Op::kRead, Duration{0});
  EXPECT_EQ(walk.seek_end(), Time{12'500'000});
  EXPECT_EQ(walk.earliest_pass(), Time{17'000'000});
  EXPECT_EQ(walk.Transfer(walk.earliest_pass()), Time{18'000'000});
  // LBN 10 is on head 1, skewed by 2 sectors: angle 0.2. The head switch
  // (0 ms here) starts when sector 9 ends at 20 ms (angle 0): 2 ms wait.
  walk.Transfer(walk.earliest_pass());  // LBN 8
  walk.Transfer(walk.earliest_pass());  // LBN 9, ends at 20 ms
  EXPECT_TRUE(walk.repositioning());
  EXPECT_EQ(walk.earliest_pass(), Time{22'000'000});
  // A sector whose data is not ready at its pass waits a whole revolution.
  EXPECT_EQ(walk.PassAtOrAfter(Time{22'000'001}), Time{32'000'000});
}

TEST(DiskSimMediaTest, ConsecutiveSectorsDoNotDriftAcrossATrack) {
  // 88 sectors per revolution at 5400 rpm is 126,262.6 ns per sector; each
  // sector ends at a rounded time, but the next starts at its own angle, so
  // a whole track is read in one revolution without losing one.
  HddParams p = HpC2247AParams();
  auto m = HddModel::Create(p);
  ASSERT_TRUE(m.ok());
  const uint64_t zone2 = (*m)->layout().zone_first_lbn(2);
  MediaWalk walk(&(*m)->layout(), &(*m)->seek(), &(*m)->spindle());
  const PhysicalSector first = (*m)->layout().Map(zone2);
  walk.Begin(Time{0}, Track{first.cylinder, first.head}, zone2, Op::kRead, Duration{0});
  const Time start = walk.earliest_pass();
  Time end{0};
  for (int i = 0; i < 88; ++i) end = walk.Transfer(walk.earliest_pass());
  EXPECT_NEAR((end - start).count(), kRevNs5400, 2);
}

// ---- The controller and buffer (hdd_model.h), HP C2247A ----------------------

constexpr int64_t kGap = 20'000'000;  // 20 ms: enough for any read-ahead

TEST(DiskSimCacheTest, SequentialStreamHitsTheReadAhead) {
  auto m = HddModel::Create(HpC2247AParams());
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const ServiceInfo a = d.Serve(Op::kRead, 100'000, 8, Time{0});
  EXPECT_EQ(d.last_command().hit, HitType::kNoMatch);
  EXPECT_FALSE(a.cache_hit);
  // The read-ahead (up to 128 sectors past the read) has the next 8 by now.
  const Time t = a.complete + Duration{kGap};
  const ServiceInfo b = d.Serve(Op::kRead, 100'008, 8, t);
  EXPECT_EQ(d.last_command().hit, HitType::kWhole);
  EXPECT_TRUE(d.last_command().served_at_once);
  EXPECT_TRUE(b.cache_hit);
  // Read hit overhead + data preparation, 8 sectors over the bus, completion.
  EXPECT_EQ((b.complete - t).count(), 953'430 + 25'190 + 8 * 170'100 + 56'650);
  EXPECT_EQ(b.seek.count(), 0);
  // Past the 128-sector read-ahead: a miss again.
  const Time t2 = b.complete + Duration{kGap};
  d.Serve(Op::kRead, 100'008 + 8 + 128, 8, t2);
  EXPECT_EQ(d.last_command().hit, HitType::kNoMatch);
}

TEST(DiskSimCacheTest, ReadWhileTheReadAheadRunsContinuesIt) {
  auto m = HddModel::Create(HpC2247AParams());
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const ServiceInfo a = d.Serve(Op::kRead, 100'000, 8, Time{0});
  // Right after the completion only a few sectors past the read are in; the
  // request's first sector is (a partial hit), its end is not yet.
  const ServiceInfo b = d.Serve(Op::kRead, 100'008, 40, a.complete);
  EXPECT_EQ(d.last_command().hit, HitType::kPartial);
  EXPECT_TRUE(d.last_command().read_ahead_continued);
  EXPECT_GT(b.complete - a.complete, Duration{953'430 + 25'190 + 40 * 170'100 + 56'650 - 1});
}

TEST(DiskSimCacheTest, WritesWaitForTheMinimumSeekDelay) {
  auto m = HddModel::Create(HpC2247AParams());
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const PhysicalSector p = d.layout().Map(200'000);
  d.SetHeadPosition(p.cylinder, p.head);
  // Same track: no seek, no settle, but DiskSim's minimum seek delay (0.6 ms).
  const ServiceInfo w = d.Serve(Op::kWrite, 200'000, 4, Time{0});
  EXPECT_EQ(w.seek.count(), 600'000);
  EXPECT_EQ(w.seek_cylinders, 0u);
  // A read on the same track (LBN 200,000 is sector 32 of its track, 200,008
  // sector 40) has no such floor.
  d.SetHeadPosition(p.cylinder, p.head);
  const ServiceInfo r = d.Serve(Op::kRead, 200'008, 4, w.complete + Duration{kGap});
  EXPECT_EQ(d.last_command().hit, HitType::kNoMatch);
  EXPECT_EQ(r.seek.count(), 0);
}

TEST(DiskSimCacheTest, ExtraWriteDisconnectOnTheSegmentOfThePreviousWrite) {
  auto m = HddModel::Create(HpC2247AParams());
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const ServiceInfo w1 = d.Serve(Op::kWrite, 300'000, 16, Time{0});
  EXPECT_FALSE(d.last_command().extra_write_disconnect);
  // Rewriting part of it: the clean segment holding w1's data (the most
  // recently used) is chosen, its last command was a write, and the new
  // write does not append to it: DiskSim's extra write disconnect.
  const Time t2 = w1.complete + Duration{kGap};
  const ServiceInfo w2 = d.Serve(Op::kWrite, 300'004, 8, t2);
  EXPECT_TRUE(d.last_command().extra_write_disconnect);
  // Its data phase starts after command + extradisc disconnect + inter-
  // disconnect delay + first reselect + data preparation.
  EXPECT_GE((w2.complete - t2).count(),
            642'440 + 45'510 + 428'850 + 162'490 + 25'190 + 8 * 186'860 + 128'830 + 50'450);
  // A write elsewhere takes the least recently used segment: no extra.
  d.Serve(Op::kWrite, 900'000, 8, w2.complete + Duration{kGap});
  EXPECT_FALSE(d.last_command().extra_write_disconnect);
}

TEST(DiskSimCacheTest, ReadHitOnWriteData) {
  auto m = HddModel::Create(HpC2247AParams());
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const ServiceInfo w = d.Serve(Op::kWrite, 400'000, 16, Time{0});
  const Time t = w.complete + Duration{kGap};
  const ServiceInfo r = d.Serve(Op::kRead, 400'004, 8, t);
  EXPECT_EQ(d.last_command().hit, HitType::kWhole);
  // "Read hit over. after write" applies.
  EXPECT_EQ((r.complete - t).count(), 953'430 + 25'190 + 8 * 170'100 + 56'650);
}

TEST(DiskSimCacheTest, NoCacheMeansNoHits) {
  HddParams p = HpC2247AParams();
  p.cache.segments = 0;
  auto m = HddModel::Create(p);
  ASSERT_TRUE(m.ok());
  HddModel& d = **m;
  const ServiceInfo a = d.Serve(Op::kRead, 100'000, 8, Time{0});
  d.Serve(Op::kRead, 100'008, 8, a.complete + Duration{kGap});
  EXPECT_EQ(d.last_command().hit, HitType::kNoMatch);
}

}  // namespace
}  // namespace iosched::sim
