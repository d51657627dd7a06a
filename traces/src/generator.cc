// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The workload generator (trace_generator.h).

#include <algorithm>
#include <optional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iosched/trace_generator.h"
#include "parse_util.h"

namespace iosched {
namespace {

using traces_internal::AbslView;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kRandomAlign = 4096;

// xoshiro256** seeded through SplitMix64: fixed algorithms, so the output
// is the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& w : s_) w = SplitMix(&seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) (n > 0), Lemire's method with rejection.
  uint64_t Below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(Next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(Next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

enum class Kind { kSeqRead, kSeqWrite, kRandRead, kMixedSeq, kMixedRand, kInteractive };

// interactive-vs-readers: the interactive stream starts this far into the
// nominal schedule and issues this many reads of this size.
constexpr int64_t kInteractiveStartNs = 15'000'000'000;
constexpr uint64_t kInteractiveReads = 64;
constexpr uint64_t kInteractiveSize = 16 * 1024;

// reader-vs-writeback: the writers' nominal schedule issues this many
// writes per read, so that in closed loop the writeback lasts as long as
// the reader (a 64 KiB write and a 4 KiB read take about as long on an SSD).
constexpr int64_t kWritebackWritesPerRead = 16;

struct Scenario {
  std::string_view name;
  std::string_view description;
  uint32_t streams;
  uint64_t read_size, write_size;
  int64_t think_ns;
};

const Scenario kScenarios[] = {
    {"dependent-readers-vs-writer",
     "sequential dependent readers vs an async streaming writer (anticipatory's case)", 2,
     16 * 1024, 64 * 1024, 100'000},
    {"random-readers", "independent readers at uniformly random offsets", 4, 4096, 4096, 0},
    {"fair-streams", "N identical sequential readers, each in its own region", 4, 64 * 1024,
     64 * 1024, 100'000},
    {"mixed", "sequential and random streams, reads and writes", 4, 16 * 1024, 16 * 1024, 100'000},
    {"interactive-vs-readers",
     "an interactive reader starting while sequential readers stream (BFQ's weight raising)", 2,
     64 * 1024, 64 * 1024, 0},
    {"weighted-readers",
     "greedy sequential readers at ioprio be:0 and be:4 (BFQ weights 80:40, a 2:1 share); "
     "--weights W1,W2,... gives them BFQ group weights instead",
     2, 64 * 1024, 64 * 1024, 0},
    {"prio-classes",
     "greedy sequential readers at ioprio rt:4, be:4 and idle:4 (mq-deadline's classes)", 3,
     64 * 1024, 64 * 1024, 0},
    {"reader-vs-writeback",
     "a dependent random 4 KiB reader against async 64 KiB writeback (Kyber's read target)", 1,
     4096, 64 * 1024, 0},
};

// The ioprio of stream `id` (1-based) in the priority scenarios.
std::optional<TraceIoPrio> StreamIoPrio(std::string_view scenario, uint32_t id,
                                        const std::vector<uint16_t>& weights) {
  if (scenario == "weighted-readers" && !weights.empty()) {
    return TraceIoPrio{TraceIoClass::kBestEffort, 4, weights[(id - 1) % weights.size()]};
  }
  if (scenario == "weighted-readers") {
    return TraceIoPrio{TraceIoClass::kBestEffort, static_cast<uint8_t>(id % 2 == 1 ? 0 : 4)};
  }
  if (scenario == "prio-classes") {
    static constexpr TraceIoClass kClasses[] = {TraceIoClass::kRealTime, TraceIoClass::kBestEffort,
                                                TraceIoClass::kIdle};
    return TraceIoPrio{kClasses[(id - 1) % 3], 4};
  }
  return std::nullopt;
}

const Scenario* FindScenario(std::string_view name) {
  for (const Scenario& s : kScenarios) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

struct Resolved {
  const Scenario* scenario;
  uint32_t streams, writers;
  uint32_t interactive;  // interactive-vs-readers: 1
  uint64_t read_size, write_size;
  int64_t think_ns;
  int32_t read_percent;
};

Resolved Resolve(const Scenario& sc, const GeneratorOptions& o) {
  Resolved r;
  r.scenario = &sc;
  r.streams = o.streams != 0       ? o.streams
              : !o.weights.empty() ? static_cast<uint32_t>(o.weights.size())
                                   : sc.streams;
  r.writers = sc.name == "dependent-readers-vs-writer" || sc.name == "reader-vs-writeback"
                  ? (o.writers != 0 ? o.writers : 1)
                  : 0;
  r.interactive = sc.name == "interactive-vs-readers" ? 1 : 0;
  r.read_size = o.read_size != 0 ? o.read_size : sc.read_size;
  r.write_size = o.write_size != 0 ? o.write_size : sc.write_size;
  r.think_ns = o.think_ns >= 0 ? o.think_ns : sc.think_ns;
  r.read_percent = o.read_percent >= 0 ? o.read_percent : 70;
  return r;
}

std::string ScenarioNames() {
  std::vector<std::string> names;
  for (const Scenario& s : kScenarios) names.emplace_back(s.name);
  return absl::StrJoin(names, ", ");
}

absl::Status CheckSize(const char* what, uint64_t v) {
  if (v < 512 || v > 64 * kMiB || v % 512 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", what, " must be a multiple of 512 bytes in [512, 64 MiB], got ", v));
  }
  return absl::OkStatus();
}

struct StreamState {
  Kind kind;
  uint32_t id;
  uint64_t region_start = 0, region_size = 0, position = 0;
  int64_t next_time = 0;
  uint64_t remaining = UINT64_MAX;  // records left (interactive stream)
  std::optional<TraceIoPrio> ioprio;
  Rng rng;
  StreamState(Kind k, uint32_t i, uint64_t seed) : kind(k), id(i), rng(seed) {}
};

class Generator final : public TraceReader {
 public:
  Generator(const Resolved& r, const GeneratorOptions& o) : r_(r), o_(o) {
    const uint32_t n = r.streams + r.writers + r.interactive;
    std::vector<Kind> kinds;
    const std::string_view name = r.scenario->name;
    for (uint32_t i = 0; i < n; ++i) {
      if (name == "dependent-readers-vs-writer") {
        kinds.push_back(i < r.streams ? Kind::kSeqRead : Kind::kSeqWrite);
      } else if (name == "reader-vs-writeback") {
        kinds.push_back(i < r.streams ? Kind::kRandRead : Kind::kSeqWrite);
      } else if (name == "weighted-readers" || name == "prio-classes") {
        kinds.push_back(Kind::kSeqRead);
      } else if (name == "random-readers") {
        kinds.push_back(Kind::kRandRead);
      } else if (name == "fair-streams") {
        kinds.push_back(Kind::kSeqRead);
      } else if (name == "interactive-vs-readers") {
        kinds.push_back(i < r.streams ? Kind::kSeqRead : Kind::kInteractive);
      } else {
        kinds.push_back(i % 2 == 0 ? Kind::kMixedSeq : Kind::kMixedRand);
      }
    }
    uint32_t sequential = 0;
    auto is_random = [](Kind k) {
      return k == Kind::kRandRead || k == Kind::kMixedRand || k == Kind::kInteractive;
    };
    for (Kind k : kinds) sequential += !is_random(k);
    const uint64_t region = sequential == 0 ? 0 : o.capacity / sequential / kMiB * kMiB;
    uint32_t seq_index = 0;
    for (uint32_t i = 0; i < n; ++i) {
      StreamState s(kinds[i], i + 1, o.seed * 0x100000001b3ULL + i + 1);
      s.ioprio = StreamIoPrio(name, i + 1, o.weights);
      if (!is_random(kinds[i])) {
        s.region_start = region * seq_index++;
        s.region_size = region;
        s.position = s.region_start;
      }
      if (kinds[i] == Kind::kInteractive) {
        s.next_time = kInteractiveStartNs;
        s.remaining = kInteractiveReads;
      }
      queue_.push({s.next_time, i});
      streams_.push_back(std::move(s));
    }
  }

  absl::StatusOr<bool> Next(TraceRecord* out) override {
    if (emitted_ >= o_.requests) return false;
    const Slot slot = queue_.top();
    queue_.pop();
    StreamState& s = streams_[slot.index];
    *out = TraceRecord{};
    out->time_ns = s.next_time;
    out->stream = s.id;
    out->ioprio = s.ioprio;
    out->line = ++emitted_;
    bool read = true;
    bool random = false;
    switch (s.kind) {
      case Kind::kSeqRead:
        break;
      case Kind::kSeqWrite:
        read = false;
        break;
      case Kind::kRandRead:
      case Kind::kInteractive:
        random = true;
        break;
      case Kind::kMixedSeq:
      case Kind::kMixedRand:
        random = s.kind == Kind::kMixedRand;
        read = static_cast<int32_t>(s.rng.Below(100)) < r_.read_percent;
        break;
    }
    const uint64_t size =
        s.kind == Kind::kInteractive ? kInteractiveSize : (read ? r_.read_size : r_.write_size);
    out->op = read ? TraceOp::kRead : TraceOp::kWrite;
    out->length = size;
    if (random) {
      out->offset = s.rng.Below((o_.capacity - size) / kRandomAlign + 1) * kRandomAlign;
    } else {
      if (s.position + size > s.region_start + s.region_size) s.position = s.region_start;
      out->offset = s.position;
      s.position += size;
    }
    const int64_t think =
        s.kind == Kind::kSeqWrite || r_.think_ns == 0
            ? 0
            : r_.think_ns / 2 +
                  static_cast<int64_t>(s.rng.Below(static_cast<uint64_t>(r_.think_ns)));
    out->think_ns = think;
    s.next_time += s.kind == Kind::kSeqWrite && r_.scenario->name == "reader-vs-writeback"
                       ? std::max<int64_t>(1, o_.service_ns / kWritebackWritesPerRead)
                       : o_.service_ns + think;
    if (--s.remaining > 0) queue_.push({s.next_time, slot.index});
    return true;
  }

  std::string_view format() const override { return "generate"; }
  std::string_view time_unit() const override { return "ns"; }

 private:
  struct Slot {
    int64_t time;
    uint32_t index;
    bool operator>(const Slot& o) const { return time != o.time ? time > o.time : index > o.index; }
  };

  Resolved r_;
  GeneratorOptions o_;
  std::vector<StreamState> streams_;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<Slot>> queue_;
  uint64_t emitted_ = 0;
};

}  // namespace

const std::vector<ScenarioInfo>& KnownScenarios() {
  static const std::vector<ScenarioInfo>* list = [] {
    auto* v = new std::vector<ScenarioInfo>;
    for (const Scenario& s : kScenarios) {
      v->push_back({std::string(s.name), std::string(s.description)});
    }
    return v;
  }();
  return *list;
}

absl::Status ValidateGenerator(std::string_view scenario, const GeneratorOptions& o) {
  const Scenario* sc = FindScenario(scenario);
  if (sc == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown scenario '", AbslView(scenario), "'; known: ", ScenarioNames()));
  }
  if (o.requests == 0 || o.requests > 10'000'000'000ULL) {
    return absl::InvalidArgumentError(
        absl::StrCat("--requests must be in [1, 10^10], got ", o.requests));
  }
  if (o.streams > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("--streams must be in [1, 4096], got ", o.streams));
  }
  if (o.writers > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("--writers must be in [1, 64], got ", o.writers));
  }
  if (o.writers != 0 && sc->name != "dependent-readers-vs-writer" &&
      sc->name != "reader-vs-writeback") {
    return absl::InvalidArgumentError(
        absl::StrCat("--writers applies to dependent-readers-vs-writer and reader-vs-writeback "
                     "only, not ",
                     AbslView(sc->name)));
  }
  if (o.capacity < kMiB || o.capacity > (uint64_t{1} << 50)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--capacity must be in [1 MiB, 1 PiB] bytes, got ", o.capacity));
  }
  if (o.think_ns > 10'000'000'000LL) {
    return absl::InvalidArgumentError(
        absl::StrCat("--think-us must be in [0, 10 s], got ", o.think_ns / 1000, " us"));
  }
  if (o.service_ns < 1000 || o.service_ns > 10'000'000'000LL) {
    return absl::InvalidArgumentError(
        absl::StrCat("--service-us must be in [1 us, 10 s], got ", o.service_ns / 1000.0, " us"));
  }
  if (!o.weights.empty() && sc->name != "weighted-readers") {
    return absl::InvalidArgumentError(
        absl::StrCat("--weights applies to weighted-readers only, not ", AbslView(sc->name)));
  }
  if (o.weights.size() > 4096) {
    return absl::InvalidArgumentError(
        absl::StrCat("--weights takes at most 4096 weights, got ", o.weights.size()));
  }
  for (uint16_t w : o.weights) {
    if (w < 1 || w > 1000) {
      return absl::InvalidArgumentError(
          absl::StrCat("--weights: each weight must be in [1, 1000] (io.bfq.weight), got ", w));
    }
  }
  if (o.read_percent > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("--read-percent must be in [0, 100], got ", o.read_percent));
  }
  const Resolved r = Resolve(*sc, o);
  if (absl::Status s = CheckSize("read-size", r.read_size); !s.ok()) return s;
  if (absl::Status s = CheckSize("write-size", r.write_size); !s.ok()) return s;
  const uint64_t max_size = std::max(r.read_size, r.write_size);
  const uint64_t sequential = r.streams + r.writers;  // upper bound
  const uint64_t region = o.capacity / sequential / kMiB * kMiB;
  if (region < std::max(kMiB, max_size)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--capacity ", o.capacity, " bytes is too small for ", sequential,
                     " streams: each needs a region of at least 1 MiB and one request"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TraceReader>> MakeGenerator(std::string_view scenario,
                                                           const GeneratorOptions& options) {
  if (absl::Status s = ValidateGenerator(scenario, options); !s.ok()) return s;
  return std::unique_ptr<TraceReader>(
      new Generator(Resolve(*FindScenario(scenario), options), options));
}

}  // namespace iosched
