// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// docs/elevators.md §12.7, user-space orderings (U1–U4), for the `inode`,
// `physical` and `fibmap` elevators, through the real Dispatcher with the
// tick harness. Keys come from a scripted ProbeOs (exact inode numbers and
// FIBMAP answers, as the spec states them) and, where the machine allows,
// from real files in the temp dir. Plus the sweep (C-LOOK), merging within a
// file, the sector fallback for block requests, and the registry entries.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_probe_os.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness.h"
#include "iosched/layout_probe.h"
#include "test_files.h"

namespace iosched::testing {
namespace {

using ::testing::ElementsAre;

// A harness whose elevator asks a probe over `os`.
class UserSortHarness {
 public:
  UserSortHarness(const std::string& spec, ProbeOs* os) : h_(spec) {
    if (os != nullptr) {
      probe_ = std::make_shared<SystemLayoutProbe>(SystemLayoutProbe::Options{.os = os});
      EXPECT_TRUE(SetElevatorLayoutProbe(h_.elevator(), probe_).ok());
    }
    h_.Plug();
  }
  // Submits a read of `length` bytes at `offset` of file `fd`. The
  // scheduling sector is the file offset (as on the real path), placed in a
  // per-file window so that different files never look contiguous.
  Request& File(int fd, uint64_t offset, uint32_t length = 4096) {
    Request& r = h_.Make(Op::kRead, static_cast<uint64_t>(fd) * 1000000 + offset / 512,
                         (length + 511) / 512);
    r.fd = fd;
    r.offset = offset;
    r.length = length;
    h_.dispatcher().Submit(r);
    return r;
  }
  // Runs everything; returns the ids of the dispatched units in order.
  std::vector<uint64_t> Run() {
    h_.Unplug();
    h_.RunToEnd();
    h_.ExpectAllCompletedOnce();
    std::vector<uint64_t> ids;
    for (const auto& e : h_.dispatched()) ids.push_back(e.id);
    return ids;
  }
  int64_t Counter(const std::string& name) {
    for (const auto& [n, v] : h_.elevator().Counters()) {
      if (n == name) return v;
    }
    ADD_FAILURE() << "no counter " << name;
    return -1;
  }
  Harness& h() { return h_; }

 private:
  Harness h_;
  std::shared_ptr<SystemLayoutProbe> probe_;
};

// ---- U1 inode ------------------------------------------------------------

TEST(UserSort, U1_InodeOrder) {
  FakeProbeOs os;
  os.Add(10, 1, 40);
  os.Add(11, 1, 7);
  os.Add(12, 1, 19);
  UserSortHarness u("inode", &os);
  const uint64_t a = u.File(10, 0).id, b = u.File(11, 0).id, c = u.File(12, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(b, c, a));  // inodes 7, 19, 40
  EXPECT_EQ(u.Counter("keyed_inode"), 3);
}

TEST(UserSort, U1_EqualInodesKeepSubmissionOrder) {
  FakeProbeOs os;
  os.Add(10, 1, 7);
  os.Add(11, 1, 7);  // the same file open twice
  os.Add(12, 1, 3);
  UserSortHarness u("inode", &os);
  const uint64_t a = u.File(10, 8192).id, b = u.File(11, 8192).id, c = u.File(12, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(c, a, b));
}

TEST(UserSort, U1_RequestsInOneFileByOffset) {
  FakeProbeOs os;
  os.Add(10, 1, 5);
  UserSortHarness u("inode", &os);
  // Not byte-contiguous, so nothing merges.
  const uint64_t a = u.File(10, 65536).id, b = u.File(10, 0).id, c = u.File(10, 16384).id;
  EXPECT_THAT(u.Run(), ElementsAre(b, c, a));
}

// ---- U2 fibmap -----------------------------------------------------------

TEST(UserSort, U2_FibmapOrder) {
  FakeProbeOs os;
  os.Add(20, 1, 1).blocks[0] = 9000;
  os.Add(21, 1, 2).blocks[0] = 120;
  os.Add(22, 1, 3).blocks[0] = 4500;
  for (const std::string spec : {"fibmap", "physical"}) {
    UserSortHarness u(spec, &os);
    const uint64_t a = u.File(20, 0).id, b = u.File(21, 0).id, c = u.File(22, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(b, c, a)) << spec;  // 120, 4500, 9000
    EXPECT_EQ(u.Counter("keyed_position"), 3) << spec;
  }
}

TEST(UserSort, U2_FibmapAsksTheRequestsBlockOrBlockZeroInBookMode) {
  FakeProbeOs os;
  FakeProbeOs::File& f = os.Add(20, 1, 1);
  f.blocks = {{0, 9000}, {3, 100}};
  os.Add(21, 1, 2).blocks[0] = 5000;
  {
    // Per-request: the request at 3*4096+100 asks logical block 3 (-> 100)
    // and goes before file 21 (5000).
    UserSortHarness u("fibmap", &os);
    const uint64_t a = u.File(20, 3 * 4096 + 100).id, b = u.File(21, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(a, b));
    EXPECT_EQ(os.fibmap_calls().front(), (std::pair<int, uint64_t>{20, 3}));
  }
  {
    // Book mode: always logical block 0 (-> 9000): after file 21.
    UserSortHarness u("fibmap:first_block=1", &os);
    const size_t before = os.fibmap_calls().size();
    const uint64_t a = u.File(20, 3 * 4096 + 100).id, b = u.File(21, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(b, a));
    EXPECT_EQ(os.fibmap_calls()[before], (std::pair<int, uint64_t>{20, 0}));
  }
}

TEST(UserSort, U2_PerRequestKeysFollowAFragmentedFile) {
  FakeProbeOs os;
  // File 30: block 0 at 100, block 10 at 900. File 31: block 0 at 500.
  os.Add(30, 1, 1).blocks = {{0, 100}, {10, 900}};
  os.Add(31, 1, 2).blocks = {{0, 500}};
  UserSortHarness u("physical", &os);
  const uint64_t late = u.File(30, 10 * 4096).id, other = u.File(31, 0).id,
                 early = u.File(30, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(early, other, late));
}

// ---- U3 fallback ---------------------------------------------------------

TEST(UserSort, U3_UnmappedFilesGoAfterByInode) {
  FakeProbeOs os;
  os.Add(40, 1, 3).fibmap_error = EPERM;   // no CAP_SYS_RAWIO
  os.Add(41, 1, 9).blocks[0] = 500;        // mapped
  os.Add(42, 1, 1).fibmap_error = EINVAL;  // no ->bmap
  os.Add(43, 1, 2);                        // FIBMAP returns 0
  os.Add(44, 1, 8).blocks[0] = 70;         // mapped
  UserSortHarness u("fibmap", &os);
  const uint64_t eperm = u.File(40, 0).id, m500 = u.File(41, 0).id, einval = u.File(42, 0).id,
                 zero = u.File(43, 0).id, m70 = u.File(44, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(m70, m500, einval, zero, eperm));  // inodes 1, 2, 3
  EXPECT_EQ(u.Counter("keyed_position"), 2);
  EXPECT_EQ(u.Counter("keyed_inode"), 3);
  EXPECT_EQ(u.Counter("fallback_eperm"), 1);
  EXPECT_EQ(u.Counter("fallback_unsupported"), 1);
  EXPECT_EQ(u.Counter("fallback_hole"), 1);
}

TEST(UserSort, U3_PhysicalTriesFiemapBeforeTheInode) {
  FakeProbeOs os;
  FakeProbeOs::File& a = os.Add(40, 1, 3);
  a.fibmap_error = EPERM;
  a.extents = {{0, 4096 * 300, 1 << 20, kExtentLast}};
  FakeProbeOs::File& b = os.Add(41, 1, 1);
  b.fibmap_error = EPERM;
  b.fiemap_error = EOPNOTSUPP;
  FakeProbeOs::File& c = os.Add(42, 1, 2);
  c.fibmap_error = EPERM;
  c.extents = {{0, 4096 * 200, 1 << 20, kExtentLast | kExtentDelalloc | kExtentUnknown}};
  UserSortHarness u("physical", &os);
  const uint64_t x = u.File(40, 0).id, y = u.File(41, 0).id, z = u.File(42, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(x, y, z));  // position, then inodes 1, 2
  EXPECT_EQ(u.Counter("fallback_eperm"), 3);
  EXPECT_EQ(u.Counter("fallback_unsupported"), 1);
  EXPECT_EQ(u.Counter("fallback_unknown_extent"), 1);
}

// ---- An explicit fallback chain (SetElevatorProbeChain) -------------------

TEST(UserSort, ExplicitProbeChainWinsOverTheTunables) {
  FakeProbeOs os;
  // FIBMAP and FIEMAP disagree: FIBMAP puts 60 first, FIEMAP puts 61 first.
  FakeProbeOs::File& a = os.Add(60, 1, 1);
  a.blocks[0] = 100;
  a.extents = {{0, 4096 * 900, 1 << 20, kExtentLast}};
  FakeProbeOs::File& b = os.Add(61, 1, 2);
  b.blocks[0] = 800;
  b.extents = {{0, 4096 * 50, 1 << 20, kExtentLast}};
  {
    UserSortHarness u("physical", &os);  // the tunables: fibmap -> fiemap -> inode
    const uint64_t x = u.File(60, 0).id, y = u.File(61, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(x, y));
  }
  {
    UserSortHarness u("physical", &os);
    ASSERT_TRUE(SetElevatorProbeChain(u.h().elevator(), {ProbeMethod::kFiemap, ProbeMethod::kFibmap,
                                                         ProbeMethod::kInode})
                    .ok());
    const size_t fibmaps = os.fibmap_calls().size();
    const uint64_t x = u.File(60, 0).id, y = u.File(61, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(y, x));
    EXPECT_EQ(os.fibmap_calls().size(), fibmaps) << "FIEMAP answered; FIBMAP was not needed";
    EXPECT_EQ(u.Counter("keyed_position"), 2);
  }
  {
    // Just the inode, although the tunables ask for FIBMAP and FIEMAP.
    UserSortHarness u("physical:fibmap=1,fiemap=1", &os);
    ASSERT_TRUE(SetElevatorProbeChain(u.h().elevator(), {ProbeMethod::kInode}).ok());
    const uint64_t y = u.File(61, 0).id, x = u.File(60, 0).id;
    EXPECT_THAT(u.Run(), ElementsAre(x, y));  // inodes 1, 2
    EXPECT_EQ(u.Counter("keyed_inode"), 2);
  }
}

TEST(UserSort, ExplicitProbeChainErrors) {
  using M = ProbeMethod;
  auto code = [](const std::string& spec, std::vector<ProbeMethod> chain) {
    auto e = MakeElevator(spec);
    EXPECT_TRUE(e.ok()) << e.status();
    return SetElevatorProbeChain(**e, std::move(chain)).code();
  };
  constexpr auto kOk = absl::StatusCode::kOk;
  constexpr auto kBad = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code("noop", {M::kInode}), kBad);
  EXPECT_EQ(code("deadline", {}), kBad);
  EXPECT_EQ(code("inode", {M::kInode}), kOk);
  EXPECT_EQ(code("inode", {M::kFiemap, M::kInode}), kBad);  // that is `physical`
  EXPECT_EQ(code("fibmap", {M::kFibmap, M::kFiemap, M::kInode}), kOk);
  EXPECT_EQ(code("fibmap", {M::kFiemap, M::kInode}), kBad);  // FIBMAP is forced there
  EXPECT_EQ(code("physical", {M::kFiemap}), kOk);
  EXPECT_EQ(code("physical", {}), kOk);  // back to the tunables' chain
  EXPECT_EQ(code("physical", {M::kPath, M::kInode}), kBad);
  EXPECT_EQ(code("physical", {M::kInode, M::kFiemap, M::kInode}), kBad);
  auto e = MakeElevator("inode");
  const absl::Status st = SetElevatorProbeChain(**e, {M::kFibmap, M::kInode});
  EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("'fibmap,inode'"));
  EXPECT_TRUE(CheckProbeChain(DefaultProbeChain()).ok());
  EXPECT_FALSE(CheckProbeChain({}).ok());
  EXPECT_EQ(ProbeChainName(DefaultProbeChain()), "fibmap,fiemap,inode");
}

// ---- U4 multi-device -----------------------------------------------------

TEST(UserSort, U4_GroupedByDeviceFirst) {
  FakeProbeOs os;
  os.Add(50, 2, 1).blocks[0] = 10;    // dev 2, low position
  os.Add(51, 1, 99).blocks[0] = 800;  // dev 1, high position
  os.Add(52, 2, 2).blocks[0] = 5;
  os.Add(53, 1, 98).blocks[0] = 400;
  UserSortHarness u("physical", &os);
  const uint64_t a = u.File(50, 0).id, b = u.File(51, 0).id, c = u.File(52, 0).id,
                 d = u.File(53, 0).id;
  EXPECT_THAT(u.Run(), ElementsAre(d, b, c, a));
  UserSortHarness v("inode", &os);
  const uint64_t e = v.File(50, 0).id, f = v.File(51, 0).id, g = v.File(53, 0).id;
  EXPECT_THAT(v.Run(), ElementsAre(g, f, e));
}

// ---- Sweep, merging, block requests --------------------------------------

TEST(UserSort, BlockRequestsSweepByLbaLikeCLook) {
  for (const std::string spec : {"inode", "physical", "fibmap"}) {
    Harness h(spec, /*service_ticks=*/2);
    h.Read(500);
    h.Read(100);
    h.Read(300);  // 500 is issued at once; 100, 300 wait
    h.RunUntil(1);
    h.Read(700);
    h.Read(200);
    h.RunToEnd();
    // After 500 the sweep goes up to 700, then wraps to 100, 200, 300.
    EXPECT_EQ(h.DispatchedSectors(), (std::vector<uint64_t>{500, 700, 100, 200, 300})) << spec;
    h.ExpectAllCompletedOnce();
  }
}

TEST(UserSort, MergesOnlyWithinAFileAndByteContiguous) {
  FakeProbeOs os;
  os.Add(60, 1, 1).blocks = {{0, 100}, {1, 101}, {2, 102}};
  os.Add(61, 1, 2).blocks = {{0, 50}};
  UserSortHarness u("physical", &os);
  u.File(60, 0);
  u.File(60, 4096);  // back merge into the first
  u.File(61, 0);
  u.File(60, 8192);  // back merge again
  EXPECT_EQ(u.h().elevator().Pending(), 2u);
  u.Run();
  ASSERT_EQ(u.h().dispatched().size(), 2u);
  EXPECT_EQ(u.h().dispatched()[0].sectors, 8u);   // file 61 (position 50) first
  EXPECT_EQ(u.h().dispatched()[1].sectors, 24u);  // file 60, three members
}

TEST(UserSort, FrontMergeRekeysTheUnit) {
  FakeProbeOs os;
  os.Add(70, 1, 1).blocks = {{0, 100}, {1, 300}};
  os.Add(71, 1, 2).blocks = {{0, 200}};
  UserSortHarness u("physical", &os);
  const uint64_t tail = u.File(70, 4096).id;  // key 300
  u.File(70, 0);                              // front merge: key becomes 100
  const uint64_t other = u.File(71, 0).id;    // key 200
  EXPECT_EQ(u.h().elevator().Pending(), 2u);
  const std::vector<uint64_t> ids = u.Run();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], other) << "the merged unit starts at block 0 (100) and must go first";
  EXPECT_EQ(u.h().dispatched()[0].sectors, 16u);
  (void)tail;
}

TEST(UserSort, RegistryEntriesAndTunables) {
  for (const std::string name : {"inode", "physical", "fibmap"}) {
    auto e = MakeElevator(name);
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ((*e)->Name(), name);
  }
  EXPECT_EQ((*MakeElevator("physical"))->GetTunable("fiemap").value(), "1");
  EXPECT_EQ((*MakeElevator("fibmap"))->GetTunable("fiemap").value(), "0");
  // fibmap forces the FIBMAP step: it cannot be switched off there.
  auto no_fibmap = MakeElevator("fibmap:fibmap=0");
  EXPECT_EQ(no_fibmap.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(MakeElevator("physical:fibmap=0").ok());
  EXPECT_TRUE(MakeElevator("physical:first_block=1,fiemap=0").ok());
  EXPECT_FALSE(MakeElevator("inode:first_block=1").ok());
  auto noop = MakeElevator("noop");
  EXPECT_EQ(SetElevatorLayoutProbe(**noop, nullptr).code(), absl::StatusCode::kInvalidArgument);
}

// ---- Real files ----------------------------------------------------------

class RealFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = tmp_.path();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override {
    for (int fd : fds_) ::close(fd);
  }
  int Create(const std::string& name, size_t bytes) {
    const int fd = ::open((dir_ + "/" + name).c_str(), O_RDWR | O_CREAT, 0644);
    std::string data(bytes, 'z');
    EXPECT_EQ(::pwrite(fd, data.data(), data.size(), 0), static_cast<ssize_t>(bytes));
    EXPECT_EQ(::fsync(fd), 0);
    fds_.push_back(fd);
    return fd;
  }
  testing_util::TempDir tmp_;  // removed with the fixture
  std::string dir_;
  std::vector<int> fds_;
};

TEST_F(RealFiles, U1_InodeOrderFromFstat) {
  std::map<uint64_t, int> by_ino;
  for (int i = 0; i < 4; ++i) {
    const int fd = Create("f" + std::to_string(i), 8192);
    struct stat st;
    ASSERT_EQ(::fstat(fd, &st), 0);
    by_ino[st.st_ino] = fd;
  }
  UserSortHarness u("inode", nullptr);  // the elevator's own SystemLayoutProbe
  std::map<uint64_t, uint64_t> id_by_ino;
  for (auto it = by_ino.rbegin(); it != by_ino.rend(); ++it) {
    id_by_ino[it->first] = u.File(it->second, 0).id;  // highest inode first
  }
  std::vector<uint64_t> want;
  for (const auto& [ino, id] : id_by_ino) want.push_back(id);
  EXPECT_EQ(u.Run(), want);
}

TEST_F(RealFiles, U2_PhysicalOrderFromTheFilesystem) {
  std::vector<std::pair<uint64_t, int>> by_pos;
  for (int i = 0; i < 4; ++i) {
    const int fd = Create("p" + std::to_string(i), 16384);
    auto map = MapFile(fd, ProbeMethod::kFiemap);
    if (FailureOf(map.status()) == ProbeFailure::kUnsupported) {
      GTEST_SKIP() << "no FIEMAP in " << dir_;
    }
    ASSERT_TRUE(map.ok() && !map->extents.empty());
    by_pos.emplace_back(map->extents[0].physical, fd);
  }
  std::sort(by_pos.rbegin(), by_pos.rend());  // submit the highest first
  UserSortHarness u("physical", nullptr);
  std::vector<uint64_t> ids;
  for (const auto& [pos, fd] : by_pos) ids.push_back(u.File(fd, 0).id);
  std::reverse(ids.begin(), ids.end());
  EXPECT_EQ(u.Run(), ids);
  EXPECT_EQ(u.Counter("keyed_position"), 4);
}

TEST_F(RealFiles, U3_U4_TmpfsFileFallsBackToItsInodeInItsOwnDeviceGroup) {
  struct stat shm;
  if (::stat("/dev/shm", &shm) != 0) GTEST_SKIP() << "no /dev/shm";
  const int ext = Create("mapped", 8192);
  const std::string tpath = "/dev/shm/iosched_usersort_" + std::to_string(::getpid());
  const int tmp = ::open(tpath.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(tmp, 0);
  ::unlink(tpath.c_str());
  fds_.push_back(tmp);
  ASSERT_EQ(::pwrite(tmp, "abcd", 4, 0), 4);
  struct stat a, b;
  ASSERT_EQ(::fstat(ext, &a), 0);
  ASSERT_EQ(::fstat(tmp, &b), 0);
  if (a.st_dev == b.st_dev) GTEST_SKIP() << "the temp dir is on /dev/shm's filesystem";
  UserSortHarness u("physical", nullptr);
  const uint64_t t = u.File(tmp, 0).id, e = u.File(ext, 0).id;
  // Grouped by st_dev first (U4), whatever the key classes.
  if (a.st_dev < b.st_dev) {
    EXPECT_THAT(u.Run(), ElementsAre(e, t));
  } else {
    EXPECT_THAT(u.Run(), ElementsAre(t, e));
  }
  EXPECT_EQ(u.Counter("keyed_position"), 1);
  EXPECT_EQ(u.Counter("keyed_inode"), 1);           // the tmpfs file (U3)
  EXPECT_EQ(u.Counter("fallback_unsupported"), 2);  // FIBMAP EINVAL, FIEMAP EOPNOTSUPP
}

}  // namespace
}  // namespace iosched::testing
