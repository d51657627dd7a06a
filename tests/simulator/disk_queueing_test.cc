// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Conformance cases DQ1–DQ13 of docs/disk-queueing.md on a tiny
// drive, exact to the tick (0.1 ms): 6000 rpm, one surface, 100 cylinders
// of 100 sectors, LBN = 100·cylinder + sector, seek 1.0 ms + 0.1 ms per
// cylinder, no overheads, no bus time. The classic policies run both as
// host elevators (through the Dispatcher and the engine) and inside the
// drive (DriveQueue over the same HddModel).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "classic_elevator.h"
#include "drive_queue.h"
#include "engine.h"
#include "gtest/gtest.h"
#include "hdd_model.h"
#include "iosched/disk_model.h"
#include "iosched/disk_policy.h"
#include "iosched/dispatcher.h"
#include "iosched/registry.h"

namespace iosched {
namespace {

using sim::HddModel;

constexpr int64_t kTickNs = 100'000;  // 0.1 ms

HddParams TinyDrive() {
  HddParams p;
  p.name = "tiny";
  p.heads = 1;
  p.cylinders = 100;
  HddZone z;
  z.first_cylinder = 0;
  z.last_cylinder = 99;
  z.sectors_per_track = 100;
  p.zones = {z};
  p.sparing = HddSparing::kNone;
  p.rpm = 6000;
  p.seek.kind = HddSeekCurve::Kind::kHpl;  // boundary 0: c + e·d everywhere
  p.seek.boundary = 0;
  p.seek.linear_c_ms = 1.0;
  p.seek.linear_e_ms = 0.1;
  p.cache.segments = 1;
  p.cache.segment_sectors = 256;
  return p;
}

std::unique_ptr<HddModel> MakeTiny(uint32_t head_cylinder, double min_seek_ms = 0) {
  HddParams p = TinyDrive();
  p.overheads.minimum_seek_delay_ms = min_seek_ms;
  auto m = HddModel::Create(p);
  EXPECT_TRUE(m.ok()) << m.status();
  (*m)->SetHeadPosition(head_cylinder, 0);
  return std::move(*m);
}

struct Cmd {
  std::string name;
  uint32_t cyl = 0, sector = 0;
  int64_t arrive_tick = 0;
  Op op = Op::kRead;
  uint64_t lbn() const { return 100ull * cyl + sector; }
};

// "R3@17" for each served command, in completion order.
using Trace = std::vector<std::string>;

std::string Step(const std::string& name, Time complete) {
  return name + "@" + std::to_string(complete.count() / kTickNs);
}

// Host-queued: the elevator named `spec` holds every command and the drive
// serves one at a time. Commands arriving at tick 0 are submitted as one
// plugged batch, so the first choice sees them all.
Trace RunHost(const std::string& spec, uint32_t head_cyl, uint64_t pos, bool up,
              const std::vector<Cmd>& cmds) {
  std::unique_ptr<HddModel> model = MakeTiny(head_cyl);
  auto elevator = MakeElevator(spec);
  EXPECT_TRUE(elevator.ok()) << elevator.status();
  auto* classic = dynamic_cast<ClassicElevator*>(elevator->get());
  EXPECT_NE(classic, nullptr);
  classic->policy().SetPosition(pos, up);
  EXPECT_TRUE(SetElevatorPositionEstimator(**elevator, model->position_estimator()).ok());
  sim::Simulation sim(model.get());
  Dispatcher d(elevator->get(), &sim.device(), &sim.clock(), Dispatcher::Options{.depth = 1});
  sim.Attach(&d);
  sim.set_arrival_handler([&](Request& rq) { d.Submit(rq); });
  std::vector<std::unique_ptr<Request>> reqs;
  Trace out;
  d.set_completion([&](Request& rq) { out.push_back(Step(cmds[rq.id].name, sim.now())); });
  d.Plug();
  for (size_t i = 0; i < cmds.size(); ++i) {
    auto r = std::make_unique<Request>();
    r->id = i;
    r->op = cmds[i].op;
    r->sector = cmds[i].lbn();
    r->sectors = 1;
    if (cmds[i].arrive_tick == 0) {
      d.Submit(*r);
    } else {
      sim.ScheduleArrival(Time{cmds[i].arrive_tick * kTickNs}, r.get());
    }
    reqs.push_back(std::move(r));
  }
  d.Unplug();
  while (sim.Step()) {
  }
  return out;
}

// Drive-queued: every command waits in the drive's queue at tick 0 and the
// queue's policy picks one each time the arm is free.
Trace RunDrive(const std::string& policy, uint32_t head_cyl, uint64_t pos, bool up,
               const std::vector<Cmd>& cmds, int64_t weight = 0) {
  std::unique_ptr<HddModel> model = MakeTiny(head_cyl);
  HddQueueParams q;
  q.depth = 32;
  q.policy = policy;
  q.aging_weight = weight;
  sim::DriveQueue queue(q, model->position_estimator());
  queue.policy().SetPosition(pos, up);
  std::vector<std::unique_ptr<Request>> reqs;
  for (size_t i = 0; i < cmds.size(); ++i) {
    auto r = std::make_unique<Request>();
    r->id = i;
    r->op = cmds[i].op;
    r->sector = cmds[i].lbn();
    r->sectors = 1;
    r->ResetUnit();
    queue.Add(*r, Time{0});
    reqs.push_back(std::move(r));
  }
  Trace out;
  Time now{0};
  while (!queue.empty()) {
    Time arrived{0};
    Request& u = queue.Take(now, &arrived);
    now = model->ServeQueued(u.op, u.start(), u.nr_sectors(), now, arrived).complete;
    out.push_back(Step(cmds[u.id].name, now));
  }
  return out;
}

// Batch B1 (DQ1–DQ5): head at cylinder 50, position 5000 moving up.
const std::vector<Cmd> kB1 = {{"R1", 80, 50}, {"R2", 45, 7},  {"R3", 55, 16},
                              {"R4", 10, 66}, {"R5", 95, 11}, {"R6", 48, 58}};

const Trace kFcfs = {"R1@51", "R2@108", "R3@217", "R4@367", "R5@512", "R6@659"};
const Trace kSstf = {"R6@59", "R2@108", "R3@217", "R1@351", "R5@412", "R4@567"};
const Trace kLook = {"R3@17", "R1@151", "R5@212", "R6@359", "R2@408", "R4@467"};
const Trace kClook = {"R3@17", "R1@151", "R5@212", "R4@367", "R2@508", "R6@559"};
const Trace kSptf = {"R3@17", "R6@59", "R2@108", "R4@167", "R1@251", "R5@312"};

TEST(DiskQueueingTest, DQ1Fcfs) {
  EXPECT_EQ(RunHost("fcfs", 50, 5000, true, kB1), kFcfs);
  EXPECT_EQ(RunDrive("fcfs", 50, 5000, true, kB1), kFcfs);
}

TEST(DiskQueueingTest, DQ2SstfOnSectorsAndCylinders) {
  EXPECT_EQ(RunHost("sstf", 50, 5000, true, kB1), kSstf);
  EXPECT_EQ(RunHost("sdf", 50, 5000, true, kB1), kSstf);
  EXPECT_EQ(RunDrive("sstf", 50, 5000, true, kB1), kSstf);
  EXPECT_EQ(RunDrive("sdf", 50, 5000, true, kB1), kSstf);
}

TEST(DiskQueueingTest, DQ3Look) {
  EXPECT_EQ(RunHost("look", 50, 5000, true, kB1), kLook);
  EXPECT_EQ(RunDrive("look", 50, 5000, true, kB1), kLook);
}

TEST(DiskQueueingTest, DQ4Clook) {
  EXPECT_EQ(RunHost("clook", 50, 5000, true, kB1), kClook);
  EXPECT_EQ(RunDrive("clook", 50, 5000, true, kB1), kClook);
}

TEST(DiskQueueingTest, DQ5Sptf) {
  EXPECT_EQ(RunHost("sptf", 50, 5000, true, kB1), kSptf);
  EXPECT_EQ(RunDrive("sptf", 50, 5000, true, kB1), kSptf);
  // With positioning only (one-sector commands) SATF orders the same.
  EXPECT_EQ(RunHost("satf", 50, 5000, true, kB1), kSptf);
}

TEST(DiskQueueingTest, DQ5SptfKeysAtTheFirstDecision) {
  std::unique_ptr<HddModel> model = MakeTiny(50);
  DiskPolicy sptf(DiskPolicyKind::kSptf);
  sptf.set_estimator(model->position_estimator());
  std::vector<int64_t> keys;
  for (const Cmd& c : kB1) {
    keys.push_back(sptf.PositionKeyNs(DiskCandidate{Op::kRead, c.lbn(), 1, Time{0}}, Time{0}) /
                   kTickNs);
  }
  EXPECT_EQ(keys, (std::vector<int64_t>{50, 107, 16, 66, 111, 58}));
}

// DQ6: a snapshot at t = 10 ms, head on cylinder 50 at angle 0. A (cyl 30,
// sector 80) has waited 10 ms, B (cyl 60, sector 30) has just arrived.
TEST(DiskQueueingTest, DQ6AgedSptfKey) {
  std::unique_ptr<HddModel> model = MakeTiny(50);
  const Time now{100 * kTickNs};
  const std::vector<DiskCandidate> ab = {{Op::kRead, 3080, 1, Time{0}}, {Op::kRead, 6030, 1, now}};
  DiskPolicy sptf(DiskPolicyKind::kSptf);
  sptf.set_estimator(model->position_estimator());
  EXPECT_EQ(sptf.PositionKeyNs(ab[0], now), 80 * kTickNs);
  EXPECT_EQ(sptf.PositionKeyNs(ab[1], now), 30 * kTickNs);
  EXPECT_EQ(sptf.Choose(ab, now), 1u);
  for (auto [w, pick] : {std::pair<int64_t, size_t>{400, 1}, {600, 0}}) {
    DiskPolicy aged(DiskPolicyKind::kAgedSptf, w);
    aged.set_estimator(model->position_estimator());
    EXPECT_EQ(aged.Choose(ab, now), pick) << "W=" << w;
  }
}

// DQ7: O far away waits behind a stream of near requests unless aged.
std::vector<Cmd> Dq7() {
  std::vector<Cmd> c = {{"O", 90, 5, 0}};
  const uint32_t sectors[] = {30, 61, 92, 23, 54, 85, 16, 47};
  for (int i = 0; i < 8; ++i) {
    c.push_back({"N" + std::to_string(i + 1), 0, sectors[i], 31 * i});
  }
  return c;
}

TEST(DiskQueueingTest, DQ7AgingPreventsStarvation) {
  EXPECT_EQ(RunHost("sptf", 0, 0, true, Dq7()),
            (Trace{"N1@31", "N2@62", "N3@93", "N4@124", "N5@155", "N6@186", "N7@217", "N8@248",
                   "O@406"}));
  EXPECT_EQ(RunHost("aged-sptf:weight=1000", 0, 0, true, Dq7()),
            (Trace{"N1@31", "N2@62", "N3@93", "O@206", "N4@324", "N5@355", "N6@386", "N7@417",
                   "N8@448"}));
}

// DQ8: each policy's reference point after a 100-block request at 1000.
TEST(DiskQueueingTest, DQ8ReferencePoints) {
  const std::vector<DiskCandidate> last = {{Op::kRead, 1000, 100, Time{0}}};
  const std::vector<DiskCandidate> ab = {{Op::kRead, 950, 1, Time{0}},
                                         {Op::kRead, 1150, 1, Time{1}}};
  for (DiskPolicyKind k : {DiskPolicyKind::kSstf, DiskPolicyKind::kLook, DiskPolicyKind::kClook}) {
    DiskPolicy p(k);
    p.Choose(last, Time{0});
    EXPECT_EQ(p.Choose(ab, Time{0}), 1u) << DiskPolicyName(k);
  }
  DiskPolicy sstf(DiskPolicyKind::kSstf);
  sstf.Choose(last, Time{0});
  EXPECT_EQ(sstf.position(), 1100u);
}

// DQ9: SSTF's equal distances alternate between the upper and lower side.
TEST(DiskQueueingTest, DQ9SstfTieFlip) {
  DiskPolicy p(DiskPolicyKind::kSstf);
  p.Choose(std::vector<DiskCandidate>{{Op::kRead, 990, 10, Time{0}}}, Time{0});
  std::vector<DiskCandidate> w = {{Op::kRead, 900, 1, Time{0}}, {Op::kRead, 1100, 1, Time{0}}};
  ASSERT_EQ(p.Choose(w, Time{0}), 1u);  // B
  w.erase(w.begin() + 1);
  w.push_back({Op::kRead, 1302, 1, Time{0}});
  ASSERT_EQ(p.Choose(w, Time{0}), 0u);  // A
  w.erase(w.begin());
  EXPECT_EQ(p.Choose(w, Time{0}), 0u);  // C
}

// DQ10: the minimum seek delay is a floor on a write's estimate.
TEST(DiskQueueingTest, DQ10WriteFloorInEstimate) {
  // W: same cylinder, 10 ticks away (1.0 ms); R: 5 cylinders, then 10
  // ticks of rotation (2.5 ms).
  const std::vector<DiskCandidate> wr = {{Op::kWrite, 5010, 1, Time{0}},
                                         {Op::kRead, 5525, 1, Time{0}}};
  for (auto [floor_ms, pick] : {std::pair<double, size_t>{3.0, 1}, {0.0, 0}}) {
    std::unique_ptr<HddModel> model = MakeTiny(50, floor_ms);
    DiskPolicy p(DiskPolicyKind::kSptf);
    p.set_estimator(model->position_estimator());
    EXPECT_EQ(p.Choose(wr, Time{0}), pick) << "floor " << floor_ms;
  }
}

// DQ11: a read wholly in the cache has key 0 for the cache-aware variant.
TEST(DiskQueueingTest, DQ11CacheAwareSptf) {
  std::unique_ptr<HddModel> model = MakeTiny(50);
  const Time now = model->Serve(Op::kRead, 5000, 100, Time{0}).complete;  // caches 5000..5099
  const std::vector<DiskCandidate> hm = {{Op::kRead, 5090, 8, Time{0}},   // H: 9 ms away
                                         {Op::kRead, 5112, 1, Time{0}}};  // M: 1.2 ms away
  DiskPolicy sptf(DiskPolicyKind::kSptf), spctf(DiskPolicyKind::kSpctf);
  sptf.set_estimator(model->position_estimator());
  spctf.set_estimator(model->position_estimator());
  EXPECT_EQ(sptf.PositionKeyNs(hm[1], now), 12 * kTickNs);
  EXPECT_EQ(sptf.Choose(hm, now), 1u);
  EXPECT_EQ(spctf.Choose(hm, now), 0u);
}

// DQ12: with "Scheduling priority scheme = 1" a time-critical (synchronous)
// command waits in the priority sub-queue, served before the base queue
// whatever the keys; with scheme 0 the key alone decides.
TEST(DiskQueueingTest, DQ12PrioritySubQueue) {
  // Head at cylinder 50, angle 0. T: 5 cylinders away (1.5 ms seek), then
  // 75 ticks of rotation, key 9.0 ms; U: same cylinder, 10 ticks, key 1.0 ms.
  for (bool scheme : {true, false}) {
    std::unique_ptr<HddModel> model = MakeTiny(50);
    HddQueueParams q;
    q.depth = 4;
    q.policy = "sptf";
    q.priority_scheme = scheme;
    q.priority_policy = "sptf";
    sim::DriveQueue dq(q, model->position_estimator());
    Request t, u;
    t.id = 1;
    t.sector = 5590;
    t.sectors = 1;
    t.sync = true;  // time-critical (DiskSim's flag 0x80)
    u.id = 2;
    u.sector = 5010;
    u.sectors = 1;
    u.sync = false;
    t.ResetUnit();
    u.ResetUnit();
    EXPECT_EQ(dq.policy().PositionKeyNs({Op::kRead, 5590, 1, Time{0}}, Time{0}), 90 * kTickNs);
    EXPECT_EQ(dq.policy().PositionKeyNs({Op::kRead, 5010, 1, Time{0}}, Time{0}), 10 * kTickNs);
    dq.Add(u, Time{0});
    dq.Add(t, Time{0});
    EXPECT_EQ(dq.size(), 2u);
    Time arrived{0};
    EXPECT_EQ(dq.Take(Time{0}, &arrived).id, scheme ? 1u : 2u) << "scheme " << scheme;
    EXPECT_EQ(dq.Take(Time{0}, &arrived).id, scheme ? 2u : 1u);
    EXPECT_TRUE(dq.empty());
  }
  // The preset option and the DiskSim import turn it on.
  absl::StatusOr<HddParams> p = HddPresetParams("sata-7200:priority_policy=clook");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(p->queue.priority_scheme);
  EXPECT_EQ(p->queue.priority_policy, "clook");
}

// The tiny drive (head at cylinder 50) with a drive queue of `queue_depth`
// commands and `policy`, behind the host elevator `host` keeping up to 8
// units at the drive; the six kB1 commands submitted at t = 0, served to the
// end. Also checks that a queue exists exactly when its depth is above 1.
Trace RunDriveQueue(uint32_t queue_depth, const std::string& policy, const std::string& host) {
  HddParams p = TinyDrive();
  p.queue.depth = queue_depth;
  p.queue.policy = policy;
  auto model = HddModel::Create(p);
  EXPECT_TRUE(model.ok()) << model.status();
  if (!model.ok()) return {};
  (*model)->SetHeadPosition(50, 0);
  auto elevator = MakeElevator(host);
  EXPECT_TRUE(elevator.ok()) << elevator.status();
  sim::Simulation sim(model->get());
  Dispatcher d(elevator->get(), &sim.device(), &sim.clock(), Dispatcher::Options{.depth = 8});
  sim.Attach(&d);
  Trace out;
  d.set_completion([&](Request& rq) { out.push_back(Step(kB1[rq.id].name, sim.now())); });
  std::vector<std::unique_ptr<Request>> reqs;
  for (size_t i = 0; i < kB1.size(); ++i) {
    auto r = std::make_unique<Request>();
    r->id = i;
    r->sector = kB1[i].lbn();
    r->sectors = 1;
    d.Submit(*r);
    reqs.push_back(std::move(r));
  }
  while (sim.Step()) {
  }
  EXPECT_EQ(sim.device().drive_queue() != nullptr, queue_depth > 1);
  return out;
}

// DQ13 (engine side): a drive queue of depth N with FCFS serves exactly as
// the model alone does with N units issued to it in order: without a queue
// the dispatcher issues all six at once and the model serves them in issue
// order.
TEST(DiskQueueingTest, DQ13DriveFcfsEqualsIssueOrder) {
  EXPECT_EQ(RunDriveQueue(1, "fcfs", "noop"), kFcfs);
  EXPECT_EQ(RunDriveQueue(8, "fcfs", "noop"), kFcfs);
}

// The drive's own policy reorders what the host sends it: SPTF in the drive
// behind a FCFS host. The first command reaches an idle drive and starts at
// once (R1); the rest are chosen by SPTF each time the arm is free.
TEST(DiskQueueingTest, DriveSptfBehindHostFcfs) {
  const Trace out = RunDriveQueue(8, "sptf", "fcfs");
  // From R1 (cyl 80) at t = 51 the keys are R2 56, R5 60, R3 65, R6 107,
  // R4 115; from R2 (cyl 45) at 108: R6 50, R4 58, R5 103, R3 108.
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0], "R1@51");
  EXPECT_EQ(out[1], "R2@108");
  EXPECT_EQ(out[2], "R6@159");
}

TEST(DiskQueueingTest, PolicyNamesAndDiskSimCodes) {
  for (std::string_view n :
       {"fcfs", "clook", "look", "sstf", "sdf", "sptf", "spctf", "aged-sptf", "satf"}) {
    auto k = ParseDiskPolicy(n);
    ASSERT_TRUE(k.ok()) << n;
    EXPECT_EQ(DiskPolicyName(*k), n);
  }
  EXPECT_FALSE(ParseDiskPolicy("elevator").ok());
  EXPECT_EQ(DiskPolicyFromDiskSimCode(8), DiskPolicyKind::kSptf);
  EXPECT_EQ(DiskPolicyFromDiskSimCode(3), DiskPolicyKind::kClook);
  EXPECT_EQ(DiskPolicyFromDiskSimCode(27), std::nullopt);
}

TEST(DiskQueueingTest, PresetOptionsSetTheDriveQueue) {
  absl::StatusOr<HddParams> p = HddPresetParams(
      "sata-7200:queue_depth=4,queue_policy=clook,aging_weight=7,disksim_exact=1,"
      "preseek_level=1");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->queue.preseek_level, 1u);
  EXPECT_EQ(p->queue.depth, 4u);
  EXPECT_EQ(p->queue.policy, "clook");
  EXPECT_EQ(p->queue.aging_weight, 7);
  EXPECT_TRUE(p->queue.disksim_exact);
  EXPECT_EQ(Sata7200Params().queue.depth, 32u);
  EXPECT_EQ(Sas15kParams().queue.depth, 64u);
  EXPECT_TRUE(MakeDiskModel("sas-15k:queue_depth=1").ok());
  for (const char* bad :
       {"sata-7200:queue_depth=0", "sata-7200:queue_depth=x", "sata-7200:queue_policy=elevator",
        "sata-7200:speed=3", "sata-7200:", "ssd:queue_depth=4", "sata-7200:preseek_level=2"}) {
    absl::StatusOr<std::unique_ptr<DiskModel>> m = MakeDiskModel(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(MakeDiskModel("sata-7200:queue_depth=0").status().message(),
            "disk 'sata-7200:queue_depth=0': queue_depth='0': expected an integer in [1, 256]");
}

TEST(DiskQueueingTest, BadQueueParamsAreRefused) {
  HddParams p = TinyDrive();
  p.queue.policy = "elevator";
  auto m = HddModel::Create(p);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("unknown disk policy 'elevator'"), std::string::npos);
  p = TinyDrive();
  p.queue.depth = 0;
  EXPECT_FALSE(HddModel::Create(p).ok());
  p = TinyDrive();
  p.queue.preseek_level = 2;
  m = HddModel::Create(p);
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("preseek level must be 0 or 1"), std::string::npos);
}

}  // namespace
}  // namespace iosched
