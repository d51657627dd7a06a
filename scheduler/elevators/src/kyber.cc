// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Kyber, the blk-mq latency-target scheduler as of Linux 6.12
// (block/kyber-iosched.c; docs/elevators-mq.md §3).
//
// No reordering. Requests fall into four domains by operation: READ, WRITE
// (every write, sync or not), DISCARD and OTHER (never produced by this
// library's requests). Each domain has a device-wide number of tokens (its
// queue depth: 256, 128, 64, 16 at most and initially); a request needs one
// to be dispatched and gives it back when it completes or is requeued.
// Domains are served round-robin in batches of 16, 8, 1, 1 requests.
//
// Latency control: every completion (except OTHER) records, per domain, the
// total latency (now - creation) and the device latency (now - issue) in
// histograms of 8 buckets a quarter of the domain's target wide (buckets 0-3
// are within target). A timer armed 100 ms after the first completion since
// it last fired reads them: if the p90 device latency of any domain is in
// bucket 4 or above the device is congested, and every domain with a p99
// total latency is resized to depth * (bucket + 1) / 4, clamped to [1, max];
// without congestion only domains over target (p99 bucket >= 4) grow.
// A histogram is read once it has 500 samples or one second after it was
// first looked at; [q] the device and total histograms share that one-second
// timeout, so a domain with few completions is checked for congestion about
// once a second but gets a p99 only when 500 total samples accumulated.
//
// Structure: one staging list per domain (the kernel's per-CPU lists
// collapse to one), and per domain a dispatch list `rqs` that a staging list
// is moved to, whole, when the domain is served and `rqs` is empty. Bio
// merges (checked newest first, at most 8 requests of the bio's domain) see
// only the staging list; there is no hash and no coalescing. A requeued
// request is prepended to its staging list, i.e. [q] behind anything
// already in `rqs`. Tokens are the lowest free index below the depth (the
// kernel rotates a per-CPU hint; only a shrink's transient differs).
//
// Tunables (sysfs queue/iosched/):
//   read_lat_nsec   2000000 ns   READ latency target
//   write_lat_nsec 10000000 ns   WRITE latency target
// Depths, batch sizes and the DISCARD target (5 s) are fixed.
// Admission: async requests may use 75 % of each word of scheduler tags.
//
// Counters: {read,write,discard,other}_depth, {…}_tokens (in use),
// timer_firings, congested_firings, read_p99_computed, write_p99_computed.
//
// Nothing allocates per request.

#include <algorithm>
#include <array>
#include <boost/intrusive/list.hpp>
#include <limits>

#include "builtin_elevators.h"
#include "iosched/tag_pool.h"
#include "kyber_iosched.h"

namespace iosched {
namespace {

namespace bi = boost::intrusive;

constexpr int kDomains = kKyberDomains;
constexpr int kReadD = 0, kWriteD = 1, kDiscardD = 2, kOtherD = 3;
constexpr uint32_t kMaxDepth[kDomains] = {256, 128, 64, 16};
constexpr int64_t kBatch[kDomains] = {16, 8, 1, 1};
constexpr int kBuckets = 8;
constexpr int kGoodBuckets = 4;
constexpr int kTotal = 0, kIo = 1;
constexpr int kMergeScan = 8;  // blk_bio_list_merge looks at 8 requests

using List = bi::list<Request, bi::member_hook<Request, ListHook, &Request::fifo_hook>,
                      bi::constant_time_size<true>>;

// One domain's tokens: indices below `depth` (<= 256).
struct Tokens {
  std::array<uint64_t, 4> bits{};
  uint32_t depth = 0;
  uint32_t in_use = 0;
  int32_t Get() {
    for (uint32_t w = 0; w * 64 < depth; ++w) {
      const uint32_t n = std::min<uint32_t>(64, depth - w * 64);
      const uint64_t mask = n == 64 ? ~0ull : (1ull << n) - 1;
      const uint64_t free = ~bits[w] & mask;
      if (free != 0) {
        const int b = __builtin_ctzll(free);
        bits[w] |= 1ull << b;
        ++in_use;
        return static_cast<int32_t>(w * 64 + b);
      }
    }
    return -1;
  }
  void Put(int32_t t) {
    bits[t / 64] &= ~(1ull << (t % 64));
    --in_use;
  }
};

class KyberElevator final : public Elevator {
 public:
  explicit KyberElevator(const ElevatorEnv& env) : Elevator(env) {
    for (int d = 0; d < kDomains; ++d) tokens_[d].depth = kMaxDepth[d];
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    using K = TunableSet::Kind;
    constexpr auto kClamp = TunableSet::OutOfRange::kClamp;
    tunables().Add("read_lat_nsec", K::kInt, &target_[kReadD], 0, kMax, kClamp, "ns",
                   "READ domain latency target (2000000)");
    tunables().Add("write_lat_nsec", K::kInt, &target_[kWriteD], 0, kMax, kClamp, "ns",
                   "WRITE domain latency target, all writes (10000000)");
  }
  ~KyberElevator() override {
    for (int d = 0; d < kDomains; ++d) {
      staging_[d].clear();
      rqs_[d].clear();
    }
  }

  std::string_view Name() const override { return "kyber"; }
  bool MultiQueue() const override { return true; }

  uint32_t AdmitDepth(const Request& rq) const override {
    // kyber_limit_depth: async requests get 75 % of each word.
    if (rq.op == Op::kRead || rq.sync) return TagPool::kNoLimit;
    const uint32_t bpw = 1u << TagPool::ShiftFor(NrRequests(env()));
    return bpw * 75 / 100;
  }

  Request* Add(Request& rq, Time now) override;
  Decision Dispatch(Time now, bool force) override;
  void Requeue(Request& unit, Time now) override;
  void Complete(Request& unit, Time now) override;
  Time TimerDeadline() const override { return timer_; }
  void Timer(Time now) override;
  bool Empty() const override { return pending_ == 0; }
  size_t Pending() const override { return pending_; }

  std::vector<std::pair<std::string, int64_t>> Counters() const override {
    return {{"read_depth", tokens_[kReadD].depth},
            {"write_depth", tokens_[kWriteD].depth},
            {"discard_depth", tokens_[kDiscardD].depth},
            {"other_depth", tokens_[kOtherD].depth},
            {"read_tokens", tokens_[kReadD].in_use},
            {"write_tokens", tokens_[kWriteD].in_use},
            {"discard_tokens", tokens_[kDiscardD].in_use},
            {"other_tokens", tokens_[kOtherD].in_use},
            {"timer_firings", firings_},
            {"congested_firings", congested_},
            {"read_p99_computed", p99_computed_[kReadD]},
            {"write_p99_computed", p99_computed_[kWriteD]}};
  }

  void SetDepth(int d, uint32_t depth) {
    tokens_[d].depth = std::clamp<uint32_t>(depth, 1, kMaxDepth[d]);
  }

 private:
  static int Domain(const Request& rq) {
    if (rq.discard) return kDiscardD;
    return rq.op == Op::kWrite ? kWriteD : kReadD;
  }
  int Bucket(int d, int64_t latency) const { return KyberLatencyBucket(target_[d], latency); }
  // calculate_percentile.
  int Percentile(int d, int type, int p, int64_t jiffies);
  // kyber_dispatch_cur_domain.
  Request* TryDomain(int d);

  List staging_[kDomains];
  List rqs_[kDomains];
  size_t pending_ = 0;
  Tokens tokens_[kDomains];
  int cur_domain_ = kReadD;
  int64_t batching_ = 0;

  uint32_t hist_[kDomains][2][kBuckets] = {};
  int64_t latency_timeout_[kDomains] = {};  // jiffies, 0 = unset
  int domain_p99_[kDomains] = {-1, -1, -1, -1};
  Time timer_ = kTimeNever;

  int64_t target_[kDomains] = {2000000, 10000000, 5000000000, 0};

  int64_t firings_ = 0;
  int64_t congested_ = 0;
  int64_t p99_computed_[kDomains] = {};
};

Request* KyberElevator::Add(Request& rq, Time /*now*/) {
  const int d = Domain(rq);
  if (merges_enabled()) {
    // kyber_bio_merge → blk_bio_list_merge: newest first, 8 at most; a
    // compatible request the size limit refuses ends the scan.
    int checked = kMergeScan;
    for (auto it = staging_[d].rbegin(); it != staging_[d].rend() && checked-- > 0; ++it) {
      Request& u = *it;
      if (u.op != rq.op || u.fd != rq.fd || u.discard != rq.discard ||
          u.prio.io_class != rq.prio.io_class || u.prio.level != rq.prio.level) {
        continue;
      }
      if (u.end() == rq.sector) {
        if (!Contiguous(u, rq)) break;  // BIO_MERGE_FAILED
        u.BackMerge(rq);
        return &u;
      }
      if (rq.end() == u.start()) {
        if (!Contiguous(rq, u)) break;
        u.FrontMerge(rq);
        return &u;
      }
    }
  }
  rq.mq_token = -1;
  staging_[d].push_back(rq);
  ++pending_;
  return nullptr;
}

Request* KyberElevator::TryDomain(int d) {
  if (rqs_[d].empty() && staging_[d].empty()) return nullptr;
  // A token first; then, if needed, move the staged requests over.
  const int32_t token = tokens_[d].Get();
  if (token < 0) return nullptr;
  if (rqs_[d].empty()) rqs_[d].splice(rqs_[d].end(), staging_[d]);
  Request& rq = rqs_[d].front();
  rqs_[d].pop_front();
  --pending_;
  ++batching_;
  rq.mq_token = token;
  rq.set_state(RequestState::kDispatched);
  return &rq;
}

Decision KyberElevator::Dispatch(Time /*now*/, bool /*force*/) {
  Request* rq = nullptr;
  if (batching_ < kBatch[cur_domain_]) rq = TryDomain(cur_domain_);
  if (rq == nullptr) {
    batching_ = 0;
    for (int i = 0; i < kDomains && rq == nullptr; ++i) {
      cur_domain_ = (cur_domain_ + 1) % kDomains;
      rq = TryDomain(cur_domain_);
    }
  }
  return rq != nullptr ? Decision::Issue(rq) : Decision::None();
}

void KyberElevator::Requeue(Request& unit, Time /*now*/) {
  // kyber_finish_request, then an at-head insert into the staging list.
  const int d = Domain(unit);
  if (unit.mq_token >= 0) tokens_[d].Put(unit.mq_token);
  unit.mq_token = -1;
  unit.set_state(RequestState::kQueued);
  staging_[d].push_front(unit);
  ++pending_;
}

void KyberElevator::Complete(Request& unit, Time now) {
  const int d = Domain(unit);
  // kyber_completed_request (not for OTHER).
  if (d != kOtherD) {
    ++hist_[d][kTotal][Bucket(d, (now - unit.created).count())];
    ++hist_[d][kIo][Bucket(d, (now - unit.issued).count())];
    // timer_reduce(jiffies + HZ/10): arm, or only pull earlier.
    const Time at = TimeOfTick(Jiffies(now) + ticks().hz() / 10);
    if (at < timer_) timer_ = at;
  }
  // kyber_finish_request.
  if (unit.mq_token >= 0) tokens_[d].Put(unit.mq_token);
  unit.mq_token = -1;
}

int KyberElevator::Percentile(int d, int type, int p, int64_t jiffies) {
  uint32_t* b = hist_[d][type];
  uint64_t samples = 0;
  for (int i = 0; i < kBuckets; ++i) samples += b[i];
  if (samples == 0) return -1;
  if (latency_timeout_[d] == 0) latency_timeout_[d] = std::max<int64_t>(jiffies + ticks().hz(), 1);
  if (samples < 500 && jiffies < latency_timeout_[d]) return -1;
  latency_timeout_[d] = 0;
  uint64_t want = (samples * p + 99) / 100;
  int bucket = 0;
  for (; bucket < kBuckets - 1; ++bucket) {
    if (b[bucket] >= want) break;
    want -= b[bucket];
  }
  std::fill(b, b + kBuckets, 0u);
  return bucket;
}

void KyberElevator::Timer(Time now) {
  // kyber_timer_fn.
  timer_ = kTimeNever;
  ++firings_;
  const int64_t j = Jiffies(now);
  bool bad = false;
  for (int d = 0; d < kOtherD; ++d) {
    if (Percentile(d, kIo, 90, j) >= kGoodBuckets) bad = true;
  }
  if (bad) ++congested_;
  for (int d = 0; d < kOtherD; ++d) {
    int p99 = Percentile(d, kTotal, 99, j);
    if (p99 >= 0) ++p99_computed_[d];
    if (bad) {
      if (p99 < 0) p99 = domain_p99_[d];
      domain_p99_[d] = -1;
    } else if (p99 >= 0) {
      domain_p99_[d] = p99;
    }
    if (p99 < 0) continue;
    if (bad || p99 >= kGoodBuckets) {
      const uint32_t depth = (tokens_[d].depth * static_cast<uint32_t>(p99 + 1)) >> 2;
      SetDepth(d, depth);
    }
  }
}

}  // namespace

std::unique_ptr<Elevator> NewKyberElevator(const ElevatorEnv& env) {
  return std::make_unique<KyberElevator>(env);
}

int KyberLatencyBucket(int64_t target_ns, int64_t latency_ns) {
  if (latency_ns <= 0) return 0;
  const uint64_t div = std::max<uint64_t>(static_cast<uint64_t>(target_ns) >> 2, 1);
  return static_cast<int>(
      std::min<uint64_t>((static_cast<uint64_t>(latency_ns) - 1) / div, kBuckets - 1));
}

void KyberSetDepthForTest(Elevator& kyber, int domain, uint32_t depth) {
  dynamic_cast<KyberElevator&>(kyber).SetDepth(domain, depth);
}

}  // namespace iosched
