// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The `inode`, `physical` and `fibmap` elevators through the public
// iosched::Scheduler on real files (ext4 in the test temp dir), with real
// O_DIRECT reads: the order in which requests reach the device is the one
// the chapter asks for, computed here independently (fstat, FIEMAP), and
// every byte read is the file's. FIBMAP is exercised both permitted (root
// with CAP_SYS_RAWIO) and not permitted (a scheduler started from a thread
// that dropped CAP_SYS_RAWIO from its effective set: its dispatcher thread
// inherits that, FIBMAP says EPERM and the chain falls back). And an
// application's own probe and fallback chain (SchedulerOptions::layout_probe,
// probe_chain): consulted for every request, on the dispatcher thread only,
// its keys deciding the order; refused for elevators that take none.

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "direct/direct_test_util.h"
#include "iosched/layout_probe.h"
#include "iosched/scheduler.h"
#include "test_files.h"

namespace iosched {
namespace {

using testing_direct::PatternByte;
using testing_direct::WritePatternFile;

constexpr uint32_t kFileBytes = 128 << 10;
constexpr uint32_t kRequestBytes = 16 << 10;

// Records, on the dispatcher thread, every arrival and the order in which
// units go to the device. The test thread waits for the arrivals so that
// the whole batch is in the elevator before it unplugs.
class OrderObserver : public DispatchObserver {
 public:
  void OnArrival(const Request&, Time) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++arrivals_;
    cv_.notify_all();
  }
  void OnIssue(const Request& unit, Time) override {
    std::lock_guard<std::mutex> lock(mu_);
    issued_.push_back(unit.first_member()->id);
  }
  // False if they did not all arrive within a generous bound (a lost
  // request fails the test instead of hanging it).
  bool WaitArrivals(uint64_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return arrivals_ >= n; });
  }
  std::vector<uint64_t> issued() {
    std::lock_guard<std::mutex> lock(mu_);
    return issued_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t arrivals_ = 0;
  std::vector<uint64_t> issued_;
};

// Clears CAP_SYS_RAWIO from the calling thread's effective set (capabilities
// are per thread; threads it creates inherit the change).
bool DropRawioForThisThread() {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &hdr, data) != 0) return false;
  data[CAP_SYS_RAWIO / 32].effective &= ~(1u << (CAP_SYS_RAWIO % 32));
  return ::syscall(SYS_capset, &hdr, data) == 0;
}

class UserSortScheduler : public ::testing::Test {
 protected:
  struct Rq {
    int file;
    uint64_t offset;
  };

  void SetUp() override {
    dir_ = tmp_.path();
    ASSERT_FALSE(dir_.empty());
    // Two files whose blocks interleave (fallocate in turns), then four
    // plain ones.
    const std::string a = dir_ + "/frag_a", b = dir_ + "/frag_b";
    {
      const int fa = ::open(a.c_str(), O_RDWR | O_CREAT, 0644);
      const int fb = ::open(b.c_str(), O_RDWR | O_CREAT, 0644);
      ASSERT_GE(fa, 0);
      ASSERT_GE(fb, 0);
      for (uint32_t off = 0; off < kFileBytes; off += kRequestBytes) {
        ASSERT_EQ(::posix_fallocate(fa, off, kRequestBytes), 0);
        ASSERT_EQ(::posix_fallocate(fb, off, kRequestBytes), 0);
      }
      ::close(fa);
      ::close(fb);
    }
    paths_ = {a, b};
    for (int i = 0; i < 4; ++i) paths_.push_back(dir_ + "/plain_" + std::to_string(i));
    for (size_t i = 0; i < paths_.size(); ++i) {
      // Rewrites in place (O_TRUNC would free the interleaved blocks).
      const int fd = ::open(paths_[i].c_str(), O_WRONLY | O_CREAT, 0644);
      ASSERT_GE(fd, 0);
      std::vector<uint8_t> buf(kFileBytes);
      for (uint32_t j = 0; j < kFileBytes; ++j) buf[j] = PatternByte(j, static_cast<uint32_t>(i));
      ASSERT_EQ(::pwrite(fd, buf.data(), buf.size(), 0), static_cast<ssize_t>(kFileBytes));
      ASSERT_EQ(::fsync(fd), 0);
      ::close(fd);
    }
    for (const std::string& p : paths_) {
      absl::StatusOr<DirectFile> f = DirectFile::Open(p, DirectFile::Options{});
      if (!f.ok() && f.status().code() == absl::StatusCode::kFailedPrecondition) {
        GTEST_SKIP() << "no O_DIRECT in the test temp dir: " << f.status();
      }
      ASSERT_TRUE(f.ok()) << f.status();
      files_.push_back(std::make_unique<DirectFile>(*std::move(f)));
    }
    // The independent view of the layout: FIEMAP and fstat.
    for (const auto& f : files_) {
      absl::StatusOr<FileLayout> map = MapFile(f->fd(), ProbeMethod::kFiemap, /*sync=*/true);
      if (FailureOf(map.status()) == ProbeFailure::kUnsupported) {
        GTEST_SKIP() << "no FIEMAP in " << dir_;
      }
      ASSERT_TRUE(map.ok()) << map.status();
      maps_.push_back(*std::move(map));
    }
    ASSERT_GT(maps_[0].extents.size(), 1u) << "frag_a should have been fragmented";
    // Every request of every file, in a shuffled submission order.
    for (int f = 0; f < static_cast<int>(files_.size()); ++f) {
      for (uint64_t off = 0; off < kFileBytes; off += kRequestBytes) rqs_.push_back({f, off});
    }
    std::mt19937 rng(7);
    std::shuffle(rqs_.begin(), rqs_.end(), rng);
  }
  void TearDown() override {
    files_.clear();
  }

  // Device byte position of the block holding `offset` of file `f`.
  uint64_t Position(int f, uint64_t offset) const {
    const Extent* x = maps_[f].Find(offset);
    EXPECT_NE(x, nullptr) << paths_[f] << " @" << offset;
    return x == nullptr ? 0 : x->physical + (offset - x->logical) / 4096 * 4096;
  }
  uint64_t Inode(int f) const { return maps_[f].stat.ino; }

  // Request ids (indexes into rqs_) sorted by `key`, arrival breaking ties.
  template <typename Key>
  std::vector<uint64_t> Expected(Key key) const {
    std::vector<uint64_t> ids(rqs_.size());
    for (uint64_t i = 0; i < ids.size(); ++i) ids[i] = i;
    std::stable_sort(ids.begin(), ids.end(),
                     [&](uint64_t x, uint64_t y) { return key(rqs_[x]) < key(rqs_[y]); });
    return ids;
  }

  struct Result {
    std::vector<uint64_t> issued;
    std::map<std::string, int64_t> counters;
  };

  // Submits every request with the scheduler plugged, waits until all are
  // in the elevator, unplugs, drains; checks every byte read.
  // `tweak` may change the options (a probe, a chain) before Create().
  Result Run(const std::string& elevator, bool drop_rawio = false,
             const std::function<void(SchedulerOptions&)>& tweak = nullptr) {
    Result result;
    OrderObserver observer;
    std::unique_ptr<Scheduler> sched;
    auto create = [&] {
      if (drop_rawio) {
        EXPECT_TRUE(DropRawioForThisThread());
      }
      SchedulerOptions o;
      o.elevator = elevator;
      o.depth = 1;
      o.observers = {&observer};
      if (tweak) tweak(o);
      absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
      EXPECT_TRUE(s.ok()) << s.status();
      if (s.ok()) sched = *std::move(s);
    };
    if (drop_rawio) {
      std::thread(create).join();  // the dispatcher thread inherits its creds
    } else {
      create();
    }
    if (sched == nullptr) {
      ADD_FAILURE() << "no scheduler for " << elevator;
      return result;
    }
    const uint32_t align = std::max<uint32_t>(files_[0]->alignment().memory, 4096);
    void* raw = nullptr;
    EXPECT_EQ(::posix_memalign(&raw, align, rqs_.size() * kRequestBytes), 0);
    std::unique_ptr<uint8_t, void (*)(void*)> buf(static_cast<uint8_t*>(raw), std::free);
    std::vector<IoRequest> ios(rqs_.size());
    std::vector<int> done(rqs_.size(), 0);
    sched->Plug();
    for (size_t i = 0; i < rqs_.size(); ++i) {
      IoRequest& io = ios[i];
      io.id = i;
      io.op = Op::kRead;
      io.offset = rqs_[i].offset;
      io.length = kRequestBytes;
      io.buffer = buf.get() + i * kRequestBytes;
      io.file = files_[rqs_[i].file].get();
      absl::Status st = sched->Submit(io, [&done](IoRequest& r, const absl::Status& s, uint32_t n) {
        EXPECT_TRUE(s.ok()) << s;
        EXPECT_EQ(n, kRequestBytes);
        ++done[r.id];
      });
      EXPECT_TRUE(st.ok()) << st;
    }
    EXPECT_TRUE(observer.WaitArrivals(rqs_.size()));
    sched->Unplug();
    EXPECT_TRUE(sched->Drain().ok());
    for (const auto& [name, value] : sched->elevator().Counters()) result.counters[name] = value;
    sched->Shutdown();
    result.issued = observer.issued();
    for (size_t i = 0; i < rqs_.size(); ++i) {
      EXPECT_EQ(done[i], 1) << "request " << i;
      const uint8_t* p = buf.get() + i * kRequestBytes;
      uint32_t wrong = 0;
      for (uint32_t j = 0; j < kRequestBytes; ++j) {
        wrong += p[j] != PatternByte(rqs_[i].offset + j, static_cast<uint32_t>(rqs_[i].file));
      }
      EXPECT_EQ(wrong, 0u) << "request " << i << " read someone else's bytes";
    }
    return result;
  }

  bool FibmapPermitted() const {
    uint64_t p = 0;
    return ProbeOs::Real().Fibmap(files_[0]->fd(), 0, &p) == 0;
  }

  testing_util::TempDir tmp_;  // removed with the fixture
  std::string dir_;
  std::vector<std::string> paths_;
  std::vector<std::unique_ptr<DirectFile>> files_;
  std::vector<FileLayout> maps_;
  std::vector<Rq> rqs_;
};

TEST_F(UserSortScheduler, InodeIssuesByInodeThenOffset) {
  Result r = Run("inode:nomerges=1");
  EXPECT_EQ(r.issued, Expected([&](const Rq& q) { return std::pair(Inode(q.file), q.offset); }));
  EXPECT_EQ(r.counters["keyed_inode"], static_cast<int64_t>(rqs_.size()));
}

TEST_F(UserSortScheduler, PhysicalIssuesByTheBlockOfEachRequest) {
  Result r = Run("physical:nomerges=1");
  const std::vector<uint64_t> want =
      Expected([&](const Rq& q) { return std::pair(Position(q.file, q.offset), q.offset); });
  EXPECT_EQ(r.issued, want);
  EXPECT_EQ(r.counters["keyed_position"], static_cast<int64_t>(rqs_.size()));
  // Per-request keys: the two interleaved files alternate on the way out.
  int switches = 0;
  int last = -1;
  for (uint64_t id : r.issued) {
    const int f = rqs_[id].file;
    if (f > 1) continue;
    if (last >= 0 && f != last) ++switches;
    last = f;
  }
  EXPECT_GT(switches, 1) << "frag_a and frag_b should interleave in physical order";
}

TEST_F(UserSortScheduler, PhysicalFirstBlockKeepsFilesTogether) {
  Result r = Run("physical:nomerges=1,first_block=1");
  EXPECT_EQ(r.issued,
            Expected([&](const Rq& q) { return std::pair(Position(q.file, 0), q.offset); }));
}

TEST_F(UserSortScheduler, FibmapPermittedUsesDevicePositions) {
  if (!FibmapPermitted()) GTEST_SKIP() << "FIBMAP needs CAP_SYS_RAWIO, which this process lacks";
  Result r = Run("fibmap:nomerges=1");
  EXPECT_EQ(r.issued,
            Expected([&](const Rq& q) { return std::pair(Position(q.file, q.offset), q.offset); }));
  EXPECT_EQ(r.counters["keyed_position"], static_cast<int64_t>(rqs_.size()));
  EXPECT_EQ(r.counters["fallback_eperm"], 0);
}

TEST_F(UserSortScheduler, FibmapNotPermittedFallsBackAndSaysWhy) {
  bool can_drop = false;
  std::thread([&] { can_drop = DropRawioForThisThread(); }).join();
  if (!can_drop) GTEST_SKIP() << "capset cannot drop CAP_SYS_RAWIO here";
  // fibmap: FIBMAP, else the inode.
  Result fib = Run("fibmap:nomerges=1", /*drop_rawio=*/true);
  EXPECT_EQ(fib.issued, Expected([&](const Rq& q) { return std::pair(Inode(q.file), q.offset); }));
  EXPECT_EQ(fib.counters["keyed_inode"], static_cast<int64_t>(rqs_.size()));
  EXPECT_EQ(fib.counters["fallback_eperm"], static_cast<int64_t>(rqs_.size()));
  // physical: FIBMAP, else FIEMAP (unprivileged), else the inode.
  Result phys = Run("physical:nomerges=1", /*drop_rawio=*/true);
  EXPECT_EQ(phys.issued,
            Expected([&](const Rq& q) { return std::pair(Position(q.file, q.offset), q.offset); }));
  EXPECT_EQ(phys.counters["keyed_position"], static_cast<int64_t>(rqs_.size()));
  EXPECT_EQ(phys.counters["fallback_eperm"], static_cast<int64_t>(rqs_.size()));
}

// An application's own layout probe (SchedulerOptions::layout_probe): it
// keys every file request, counting the calls and the threads they come
// from. Its keys put the files in the reverse of their index and each file
// back to front, an order no filesystem gives, so the issue order shows
// that its answers, not the filesystem's, were used. FIBMAP is refused
// (EPERM) to exercise the chain.
class CountingProbe final : public LayoutProbe {
 public:
  explicit CountingProbe(std::map<int, int> index_of_fd) : index_of_fd_(std::move(index_of_fd)) {}

  ProbeAnswer Query(int fd, uint64_t offset, ProbeMethod method, bool) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[method];
    threads_.insert(std::this_thread::get_id());
    ProbeAnswer a;
    a.dev = 1;
    auto it = index_of_fd_.find(fd);
    if (it == index_of_fd_.end()) {
      a.failure = ProbeFailure::kNoFile;
      ++unknown_fds_;
      return a;
    }
    if (method == ProbeMethod::kFibmap) {
      a.failure = ProbeFailure::kPermission;
      a.error = EPERM;
      return a;
    }
    a.cls = method == ProbeMethod::kInode ? KeyClass::kInode : KeyClass::kPosition;
    a.value = Key(it->second, offset);
    return a;
  }
  static uint64_t Key(int file, uint64_t offset) {
    return (uint64_t{100} - file) * kFileBytes + (kFileBytes - offset);
  }
  int calls(ProbeMethod m) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[m];
  }
  std::set<std::thread::id> threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_;
  }
  int unknown_fds() {
    std::lock_guard<std::mutex> lock(mu_);
    return unknown_fds_;
  }

 private:
  const std::map<int, int> index_of_fd_;
  std::mutex mu_;
  std::map<ProbeMethod, int> calls_;
  std::set<std::thread::id> threads_;
  int unknown_fds_ = 0;
};

TEST_F(UserSortScheduler, CustomProbeKeysEveryRequestOnTheDispatcherThread) {
  std::map<int, int> index_of_fd;
  for (int f = 0; f < static_cast<int>(files_.size()); ++f) index_of_fd[files_[f]->fd()] = f;
  const auto want = Expected([&](const Rq& q) { return CountingProbe::Key(q.file, q.offset); });
  const int n = static_cast<int>(rqs_.size());
  {
    // The elevator's default chain: FIBMAP (refused by the probe), then
    // FIEMAP, which the probe answers.
    auto probe = std::make_shared<CountingProbe>(index_of_fd);
    Result r =
        Run("physical:nomerges=1", false, [&](SchedulerOptions& o) { o.layout_probe = probe; });
    EXPECT_EQ(r.issued, want);  // Run() checked every request completed once, bytes intact
    EXPECT_EQ(probe->calls(ProbeMethod::kFibmap), n);
    EXPECT_EQ(probe->calls(ProbeMethod::kFiemap), n);
    EXPECT_EQ(probe->calls(ProbeMethod::kInode), 0);
    EXPECT_EQ(probe->unknown_fds(), 0);
    EXPECT_EQ(r.counters["keyed_position"], n);
    EXPECT_EQ(r.counters["fallback_eperm"], n);
    const std::set<std::thread::id> threads = probe->threads();
    ASSERT_EQ(threads.size(), 1u) << "the probe is called on one thread, the dispatcher's";
    EXPECT_NE(*threads.begin(), std::this_thread::get_id());
  }
  {
    // An explicit chain (SchedulerOptions::probe_chain): FIEMAP only; FIBMAP
    // is never asked.
    auto probe = std::make_shared<CountingProbe>(index_of_fd);
    Result r = Run("physical:nomerges=1", false, [&](SchedulerOptions& o) {
      o.layout_probe = probe;
      o.probe_chain = {ProbeMethod::kFiemap};
    });
    EXPECT_EQ(r.issued, want);
    EXPECT_EQ(probe->calls(ProbeMethod::kFibmap), 0);
    EXPECT_EQ(probe->calls(ProbeMethod::kFiemap), n);
    EXPECT_EQ(r.counters["fallback_eperm"], 0);
  }
  {
    // `inode` asks the probe too (for st_ino).
    auto probe = std::make_shared<CountingProbe>(index_of_fd);
    Result r = Run("inode:nomerges=1", false, [&](SchedulerOptions& o) { o.layout_probe = probe; });
    EXPECT_EQ(r.issued, want);
    EXPECT_EQ(probe->calls(ProbeMethod::kInode), n);
    EXPECT_EQ(r.counters["keyed_inode"], n);
  }
}

TEST_F(UserSortScheduler, ProbeOrChainForAnElevatorThatTakesNoneIsRejected) {
  auto probe = std::make_shared<CountingProbe>(std::map<int, int>{});
  for (const std::string elevator : {"noop", "deadline", "cfq"}) {
    SchedulerOptions o;
    o.elevator = elevator;
    o.layout_probe = probe;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
    ASSERT_FALSE(s.ok()) << elevator;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(s.status().message()),
                ::testing::AllOf(::testing::HasSubstr("layout_probe"),
                                 ::testing::HasSubstr("'" + elevator + "'")));
    // Open() checks the same, after opening its target.
    s = Scheduler::Open(paths_[2], o);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << elevator;
  }
  EXPECT_EQ(probe->threads().size(), 0u) << "a rejected probe is never called";
  // A chain the elevator does not take.
  const std::pair<std::string, std::vector<ProbeMethod>> bad_chains[] = {
      {"noop", {ProbeMethod::kInode}},
      {"inode", {ProbeMethod::kFiemap, ProbeMethod::kInode}},
      {"fibmap", {ProbeMethod::kFiemap}},
      {"physical", {ProbeMethod::kPath}},
  };
  for (const auto& [elevator, chain] : bad_chains) {
    SchedulerOptions o;
    o.elevator = elevator;
    o.probe_chain = chain;
    absl::StatusOr<std::unique_ptr<Scheduler>> s = Scheduler::Create(o);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << elevator;
    EXPECT_THAT(std::string(s.status().message()), ::testing::HasSubstr("probe_chain"));
  }
}

TEST_F(UserSortScheduler, MergedUnitsStillReadEveryByte) {
  // With merging on, contiguous requests of a file become one vectored read.
  Result r = Run("physical");
  EXPECT_LT(r.issued.size(), rqs_.size());
  EXPECT_GT(r.counters["keyed_position"], 0);
}

}  // namespace
}  // namespace iosched
