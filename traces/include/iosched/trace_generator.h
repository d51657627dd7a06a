// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Synthetic workloads: named classic scenarios, generated lazily as a
// TraceReader (bounded memory for any length) and deterministic for a seed
// (the same name, options and seed give the same records on every
// platform: the generator uses its own xoshiro256** generator, not the
// standard library's distributions).
//
// Every record carries a stream id (1, 2, …) and think_ns, the idle time
// after it completes before the same stream issues its next request — what
// closed-loop replay (ReplayMode::kClosed) uses. time_ns is a nominal
// open-loop schedule: each stream issues its next request service_ns +
// think after the previous one; records are emitted in time order (ties:
// lower stream first).
//
// Scenarios (defaults in parentheses; `streams` is the number of streams of
// the scenario's main kind):
//   dependent-readers-vs-writer  `streams` (2) sequential readers, each
//       reading its own region with dependent reads of read_size (16 KiB):
//       the next read is issued only after the previous one completed plus
//       think (100 µs). Against them `writers` (1) streams of large
//       sequential writes of write_size (64 KiB) with no think time (an
//       asynchronous streaming writer, as writeback produces). The
//       anticipatory scheduler's motivating case (deceptive idleness).
//       Reader streams are 1..streams, writers follow.
//   random-readers  `streams` (4) readers of read_size (4 KiB) at uniformly
//       random read_size-aligned offsets over the capacity, think (0).
//   fair-streams  `streams` (4) identical sequential readers, each in its
//       own region, read_size (64 KiB), think (100 µs).
//   mixed  `streams` (4): odd streams sequential, even streams random; each
//       request is a read with probability read_percent (70 %), of
//       read_size (16 KiB) or write_size (16 KiB), think (100 µs).
//   interactive-vs-readers  `streams` (2) sequential readers of read_size
//       (64 KiB), each in its own region, think (0): greedy dependent
//       reads. One more stream (id streams+1) starts 15 s into the nominal
//       schedule (after 7,500 records of each reader at the default
//       service_ns: generate at least 16k requests) and issues 64
//       dependent 16 KiB reads at random offsets, then stops: an
//       application starting while the readers stream, after BFQ's weight
//       raising of the readers as new queues has ended. BFQ raises the
//       newcomer (interactive weight raising); compare its per-stream
//       latency against mq-deadline's.
//   weighted-readers  `streams` (2) greedy sequential readers of read_size
//       (64 KiB), think (0); odd streams carry ioprio be:0, even ones be:4
//       (BFQ weights 80 and 40: a 2:1 share). With `weights` (W1, W2, …):
//       every stream carries be:4 and stream i the BFQ group weight
//       W((i-1) mod n) ("be:4/w100"; TraceIoPrio::weight), as if each
//       reader were alone in a cgroup of that io.bfq.weight; `streams`
//       then defaults to the number of weights.
//   prio-classes  `streams` (3) greedy sequential readers of read_size
//       (64 KiB), think (0), with ioprio rt:4, be:4, idle:4 (cycling):
//       mq-deadline's and BFQ's priority classes.
//   reader-vs-writeback  `streams` (1) dependent readers of read_size
//       (4 KiB) at random offsets, think (0), against `writers` (1)
//       streams of sequential write_size (64 KiB) writes with no think time
//       (replay them with closed_async_writes: writeback): Kyber's read
//       latency target against `none` on an SSD. Readers are 1..streams.
//   Only the first two carry an ioprio; the others leave it absent.
// Regions: the capacity is split into one equal region per sequential
// stream (a multiple of 1 MiB); a sequential stream advances by its request
// size and wraps to its region's start at the region's end. Random offsets
// are multiples of 4 KiB anywhere in the capacity. Think times are drawn
// uniformly from [think/2, 3·think/2).
//
// Thread-safety: a generator is one TraceReader: one thread at a time.

#ifndef IOSCHED_TRACE_GENERATOR_H_
#define IOSCHED_TRACE_GENERATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "iosched/trace.h"

namespace iosched {

struct GeneratorOptions {
  uint64_t seed = 1;
  uint64_t requests = 10000;  // records in all (1 .. 10^10)
  // 0 or negative fields mean "the scenario's default" (see above).
  uint32_t streams = 0;  // 1 .. 4096
  uint32_t writers = 0;  // dependent-readers-vs-writer, reader-vs-writeback: 1 .. 64
  // Bytes addressed (1 MiB .. 1 PiB). The default, 1000 MiB, fits the
  // hp-c2247a preset (2,054,864 sectors = 1,052,090,368 bytes).
  uint64_t capacity = uint64_t{1000} << 20;
  uint64_t read_size = 0;          // bytes, multiple of 512, <= 64 MiB
  uint64_t write_size = 0;         // bytes, multiple of 512, <= 64 MiB
  int64_t think_ns = -1;           // 0 .. 10 s
  int64_t service_ns = 2'000'000;  // nominal service time, 1 µs .. 10 s
  int32_t read_percent = -1;       // mixed: 0 .. 100
  // weighted-readers: BFQ group weights 1 .. 1000, one per stream
  // (cycling); empty = the be:0 / be:4 pair. At most 4096.
  std::vector<uint16_t> weights;
};

struct ScenarioInfo {
  std::string name;
  std::string description;  // one line
};

const std::vector<ScenarioInfo>& KnownScenarios();

// Checks the scenario name and the options: InvalidArgument naming the
// offending value (unknown scenario, out-of-range parameter).
absl::Status ValidateGenerator(std::string_view scenario, const GeneratorOptions& options);

// The records of `scenario` as a reader (format "generate", time unit
// "ns"). Errors as ValidateGenerator.
absl::StatusOr<std::unique_ptr<TraceReader>> MakeGenerator(std::string_view scenario,
                                                           const GeneratorOptions& options);

}  // namespace iosched

#endif  // IOSCHED_TRACE_GENERATOR_H_
