// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "iosched/trace_stats.h"

#include <algorithm>
#include <bit>

#include "absl/container/flat_hash_map.h"

namespace iosched {

struct TraceStatsBuilder::State {
  // End offset of the previous request per stream (or per device when the
  // record has no stream): key = (has_stream << 32) | id.
  absl::flat_hash_map<uint64_t, uint64_t> last_end;
  uint64_t prev_end = 0;
};

TraceStatsBuilder::TraceStatsBuilder() : state_(new State) {}
TraceStatsBuilder::~TraceStatsBuilder() = default;

namespace {

void AddKey(std::map<uint32_t, TraceKeyStats>* table, uint64_t* untracked, uint32_t key,
            const TraceRecord& r, bool sequential) {
  auto it = table->find(key);
  if (it == table->end()) {
    if (table->size() >= kMaxTrackedKeys) {
      ++*untracked;
      return;
    }
    it = table->emplace(key, TraceKeyStats{}).first;
  }
  TraceKeyStats& k = it->second;
  ++k.records;
  if (r.op == TraceOp::kRead) ++k.reads;
  k.bytes += r.length;
  if (sequential) ++k.sequential;
}

}  // namespace

void TraceStatsBuilder::Add(const TraceRecord& r) {
  TraceStats& s = stats_;
  const bool first = s.records == 0;
  ++s.records;
  if (r.op == TraceOp::kRead) {
    ++s.reads;
    s.read_bytes += r.length;
  } else {
    ++s.writes;
    s.write_bytes += r.length;
  }
  if (first) {
    s.min_time_ns = s.max_time_ns = r.time_ns;
    s.min_offset = r.offset;
    s.min_length = s.max_length = r.length;
  } else {
    if (r.time_ns < s.max_time_ns) ++s.out_of_order;
    s.min_time_ns = std::min(s.min_time_ns, r.time_ns);
    s.max_time_ns = std::max(s.max_time_ns, r.time_ns);
    s.min_offset = std::min(s.min_offset, r.offset);
    s.min_length = std::min(s.min_length, r.length);
    s.max_length = std::max(s.max_length, r.length);
  }
  s.last_time_ns = r.time_ns;
  const uint64_t end = r.offset + r.length;  // readers guarantee no overflow
  s.max_end = std::max(s.max_end, end);
  const int bucket = r.length == 0 ? 0 : std::bit_width(r.length) - 1;
  ++s.size_histogram[std::min(bucket, kSizeBuckets - 1)];
  if (!first && r.offset == state_->prev_end) ++s.sequential_global;
  state_->prev_end = end;
  if (r.stream) ++s.with_stream;
  if (r.response_ns) ++s.with_response;
  if (r.think_ns) ++s.with_think;

  const uint64_t key = r.stream ? (uint64_t{1} << 32) | *r.stream : r.device;
  bool sequential = false;
  auto it = state_->last_end.find(key);
  if (it != state_->last_end.end()) {
    sequential = it->second == r.offset;
    it->second = end;
  } else if (state_->last_end.size() < kMaxTrackedKeys) {
    state_->last_end.emplace(key, end);
  }
  if (sequential) ++s.sequential_per_stream;
  if (r.stream) AddKey(&s.streams, &s.untracked_streams, *r.stream, r, sequential);
  AddKey(&s.devices, &s.untracked_devices, r.device, r, false);
}

}  // namespace iosched
