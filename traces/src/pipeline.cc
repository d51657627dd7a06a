// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Trace pipelines (trace_pipeline.h).

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "iosched/trace_pipeline.h"

namespace iosched {
namespace {

bool Contains(const std::vector<uint32_t>& sorted, uint32_t v) {
  return std::binary_search(sorted.begin(), sorted.end(), v);
}

// One input: selection and ordering (stages 2 and 3).
class InputStage {
 public:
  InputStage(std::unique_ptr<TraceReader> reader, const TraceTransform& t,
             TracePipelineStats* stats)
      : reader_(std::move(reader)), t_(t), stats_(stats) {
    std::sort(t_.devices.begin(), t_.devices.end());
    std::sort(t_.streams.begin(), t_.streams.end());
  }

  absl::StatusOr<bool> Next(TraceRecord* out) {
    if (t_.sort_window == 0) {
      absl::StatusOr<bool> more = NextSelected(out);
      if (!more.ok() || !*more) return more;
      if (seen_ && out->time_ns < max_time_) {
        ++stats_->out_of_order;
      } else {
        max_time_ = out->time_ns;
      }
      seen_ = true;
      return true;
    }
    // Fill the window, then emit the earliest.
    while (!eof_ && heap_.size() <= t_.sort_window) {
      Entry e;
      absl::StatusOr<bool> more = NextSelected(&e.rec);
      if (!more.ok()) return more.status();
      if (!*more) {
        eof_ = true;
        break;
      }
      e.seq = seq_++;
      heap_.push(std::move(e));
    }
    if (heap_.empty()) return false;
    *out = heap_.top().rec;
    heap_.pop();
    if (!seen_) {
      seen_ = true;
      base_ = out->time_ns;
      max_time_ = 0;
    }
    out->time_ns -= base_;  // cannot overflow: both come from one reader's range
    if (out->time_ns < max_time_) {
      ++stats_->late;
      out->time_ns = max_time_;
    } else {
      max_time_ = out->time_ns;
    }
    return true;
  }

  // Next, up to `max` records at a time (TraceReader::NextBatch's contract).
  // Only without a sort window; the caller checks.
  absl::StatusOr<size_t> NextBatch(TraceRecord* out, size_t max) {
    size_t kept = 0;
    while (kept == 0) {
      absl::StatusOr<size_t> got = reader_->NextBatch(out, max);
      if (!got.ok() || *got == 0) return got;
      // The selection, in place (NextSelected's rules and counts).
      for (size_t i = 0; i < *got; ++i) {
        TraceRecord& r = out[i];
        ++stats_->read;
        if ((t_.skip_reads && r.op == TraceOp::kRead) ||
            (t_.skip_writes && r.op == TraceOp::kWrite)) {
          ++stats_->dropped_op;
          continue;
        }
        if (!t_.devices.empty() && !Contains(t_.devices, r.device)) {
          ++stats_->dropped_device;
          continue;
        }
        if (!t_.streams.empty() && !(r.stream && Contains(t_.streams, *r.stream))) {
          ++stats_->dropped_stream;
          continue;
        }
        if (seen_ && r.time_ns < max_time_) {
          ++stats_->out_of_order;
        } else {
          max_time_ = r.time_ns;
        }
        seen_ = true;
        if (kept != i) out[kept] = r;
        ++kept;
      }
    }
    return kept;
  }
  bool sorting() const { return t_.sort_window != 0; }

  TraceReader& reader() { return *reader_; }

 private:
  struct Entry {
    TraceRecord rec;
    uint64_t seq = 0;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.rec.time_ns != b.rec.time_ns ? a.rec.time_ns > b.rec.time_ns : a.seq > b.seq;
    }
  };

  absl::StatusOr<bool> NextSelected(TraceRecord* out) {
    while (true) {
      absl::StatusOr<bool> more = reader_->Next(out);
      if (!more.ok() || !*more) return more;
      ++stats_->read;
      if ((t_.skip_reads && out->op == TraceOp::kRead) ||
          (t_.skip_writes && out->op == TraceOp::kWrite)) {
        ++stats_->dropped_op;
        continue;
      }
      if (!t_.devices.empty() && !Contains(t_.devices, out->device)) {
        ++stats_->dropped_device;
        continue;
      }
      if (!t_.streams.empty() && !(out->stream && Contains(t_.streams, *out->stream))) {
        ++stats_->dropped_stream;
        continue;
      }
      return true;
    }
  }

  std::unique_ptr<TraceReader> reader_;
  TraceTransform t_;
  TracePipelineStats* stats_;
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  uint64_t seq_ = 0;
  bool eof_ = false;
  bool seen_ = false;
  int64_t base_ = 0;
  int64_t max_time_ = 0;
};

class Pipeline final : public TracePipeline {
 public:
  Pipeline(std::vector<std::unique_ptr<TraceReader>> readers, const TraceTransform& t)
      : t_(t),
        transforms_(t.window_start_ns || t.time_scale != 1.0 || t.offset_scale != 1.0 ||
                    t.offset_modulo != 0 || t.offset_align > 1) {
    std::vector<std::string> formats, units;
    for (auto& r : readers) {
      if (std::find(formats.begin(), formats.end(), r->format()) == formats.end()) {
        formats.emplace_back(r->format());
      }
      if (std::find(units.begin(), units.end(), r->time_unit()) == units.end()) {
        units.emplace_back(r->time_unit());
      }
      inputs_.push_back(std::make_unique<InputStage>(std::move(r), t, &stats_));
    }
    format_ = absl::StrJoin(formats, "+");
    time_unit_ = absl::StrJoin(units, "+");
    heads_.resize(inputs_.size());
    has_head_.assign(inputs_.size(), false);
    done_.assign(inputs_.size(), false);
  }

  absl::StatusOr<bool> Next(TraceRecord* out) override {
    if (!error_.ok()) return error_;
    while (true) {
      if (t_.max_records != 0 && stats_.emitted >= t_.max_records) return false;
      absl::StatusOr<bool> more = NextMerged(out);
      if (!more.ok()) {
        error_ = more.status();
        return error_;
      }
      if (!*more) return false;
      if (t_.window_start_ns && out->time_ns < *t_.window_start_ns) {
        ++stats_.dropped_window;
        continue;
      }
      if (t_.window_end_ns && out->time_ns >= *t_.window_end_ns) {
        ++stats_.dropped_window;
        continue;
      }
      if (absl::Status s = transforms_ ? Transform(out) : absl::OkStatus(); !s.ok()) {
        error_ = s;
        return error_;
      }
      ++stats_.emitted;
      return true;
    }
  }

  absl::StatusOr<size_t> NextBatch(TraceRecord* out, size_t max) override {
    // Merging and sorting go record by record.
    if (inputs_.size() != 1 || inputs_[0]->sorting()) return TraceReader::NextBatch(out, max);
    if (!error_.ok()) return error_;
    size_t kept = 0;
    while (kept == 0) {
      size_t want = max;
      if (t_.max_records != 0) {
        if (stats_.emitted >= t_.max_records) return size_t{0};
        want = std::min<uint64_t>(want, t_.max_records - stats_.emitted);
      }
      absl::StatusOr<size_t> got = inputs_[0]->NextBatch(out, want);
      if (!got.ok()) {
        error_ = got.status();
        return error_;
      }
      if (*got == 0) return size_t{0};
      for (size_t i = 0; i < *got; ++i) {
        TraceRecord& r = out[i];
        if ((t_.window_start_ns && r.time_ns < *t_.window_start_ns) ||
            (t_.window_end_ns && r.time_ns >= *t_.window_end_ns)) {
          ++stats_.dropped_window;
          continue;
        }
        if (absl::Status st = transforms_ ? Transform(&r) : absl::OkStatus(); !st.ok()) {
          error_ = st;
          if (kept > 0) return kept;  // the error on the next call, as Next would
          return error_;
        }
        ++stats_.emitted;
        if (kept != i) out[kept] = r;
        ++kept;
      }
    }
    return kept;
  }

  std::string_view format() const override { return format_; }
  std::string_view time_unit() const override { return time_unit_; }
  uint64_t skipped() const override {
    uint64_t n = 0;
    for (const auto& in : inputs_) n += in->reader().skipped();
    return n;
  }
  uint64_t bad_lines() const override {
    uint64_t n = 0;
    for (const auto& in : inputs_) n += in->reader().bad_lines();
    return n;
  }
  std::string_view first_bad_line() const override {
    for (const auto& in : inputs_) {
      if (!in->reader().first_bad_line().empty()) return in->reader().first_bad_line();
    }
    return {};
  }
  std::string_view compression() const override { return inputs_[0]->reader().compression(); }
  std::string_view stream_name(uint32_t stream) const override {
    if (inputs_.size() == 1) return inputs_[0]->reader().stream_name(stream);
    // Merged: the input index is in the top byte (NextMerged).
    const size_t input = stream >> 24;
    if (input >= inputs_.size()) return {};
    return inputs_[input]->reader().stream_name(stream & 0xFFFFFFu);
  }
  const TracePipelineStats& stats() const override { return stats_; }
  size_t inputs() const override { return inputs_.size(); }

 private:
  absl::StatusOr<bool> NextMerged(TraceRecord* out) {
    if (inputs_.size() == 1) return inputs_[0]->Next(out);
    // Refill the heads, then take the earliest (ties: lowest input).
    size_t best = inputs_.size();
    for (size_t i = 0; i < inputs_.size(); ++i) {
      if (!has_head_[i] && !done_[i]) {
        absl::StatusOr<bool> more = inputs_[i]->Next(&heads_[i]);
        if (!more.ok()) return more.status();
        has_head_[i] = *more;
        done_[i] = !*more;
      }
      if (has_head_[i] && (best == inputs_.size() || heads_[i].time_ns < heads_[best].time_ns)) {
        best = i;
      }
    }
    if (best == inputs_.size()) return false;
    *out = heads_[best];
    has_head_[best] = false;
    const uint32_t tag = static_cast<uint32_t>(best) << 24;
    out->stream = tag | (out->stream.value_or(0) & 0xFFFFFFu);
    return true;
  }

  // The rebasing of step 5 and steps 6-7 of trace_pipeline.h. The
  // constructor's transforms_ says whether any of them applies: keep the
  // two in step.
  absl::Status Transform(TraceRecord* r) {
    if (t_.window_start_ns) r->time_ns -= *t_.window_start_ns;
    if (t_.time_scale != 1.0) {
      r->time_ns = Scale(r->time_ns);
      if (r->think_ns) r->think_ns = Scale(*r->think_ns);
    }
    if (t_.offset_scale != 1.0) {
      const long double v = static_cast<long double>(r->offset) * t_.offset_scale;
      r->offset = v >= 18446744073709551615.0L ? UINT64_MAX - r->length : static_cast<uint64_t>(v);
      if (r->offset > UINT64_MAX - r->length) r->offset = UINT64_MAX - r->length;
    }
    if (t_.offset_modulo != 0) {
      const uint64_t cap = t_.offset_modulo;
      if (r->length > cap) {
        return absl::InvalidArgumentError(
            absl::StrCat("record from input line ", r->line, ": request length ", r->length,
                         " bytes exceeds the offset modulo capacity ", cap, " bytes"));
      }
      uint64_t off = r->offset;
      if (off >= cap) off %= cap;
      if (off + r->length > cap) off = cap - r->length;
      if (off != r->offset) ++stats_.offsets_wrapped;
      r->offset = off;
    }
    if (t_.offset_align > 1) r->offset -= r->offset % t_.offset_align;
    return absl::OkStatus();
  }

  int64_t Scale(int64_t v) const {
    const long double x = static_cast<long double>(v) * t_.time_scale;
    if (x >= 9.2e18L) return std::numeric_limits<int64_t>::max();
    if (x <= -9.2e18L) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(std::llroundl(x));
  }

  TraceTransform t_;
  const bool transforms_;  // Transform changes records (else it is skipped)
  std::vector<std::unique_ptr<InputStage>> inputs_;
  std::vector<TraceRecord> heads_;
  std::vector<bool> has_head_;
  std::vector<bool> done_;
  std::string format_, time_unit_;
  TracePipelineStats stats_;
  absl::Status error_;
};

}  // namespace

bool TraceTransform::IsIdentity() const {
  return !skip_reads && !skip_writes && devices.empty() && streams.empty() && sort_window == 0 &&
         !window_start_ns && !window_end_ns && time_scale == 1.0 && offset_scale == 1.0 &&
         offset_modulo == 0 && offset_align <= 1 && max_records == 0;
}

absl::Status ValidateTraceTransform(const TraceTransform& t) {
  if (!(t.time_scale > 0) || !std::isfinite(t.time_scale)) {
    return absl::InvalidArgumentError(absl::StrCat("time scale must be > 0, got ", t.time_scale));
  }
  if (!(t.offset_scale > 0) || !std::isfinite(t.offset_scale)) {
    return absl::InvalidArgumentError(
        absl::StrCat("offset scale must be > 0, got ", t.offset_scale));
  }
  if (t.skip_reads && t.skip_writes) {
    return absl::InvalidArgumentError("skipping both reads and writes leaves no records");
  }
  if (t.sort_window > kMaxSortWindow) {
    return absl::InvalidArgumentError(absl::StrCat("sort window must be at most ", kMaxSortWindow,
                                                   " records, got ", t.sort_window));
  }
  if (t.window_start_ns && *t.window_start_ns < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("time window start must be >= 0, got ", *t.window_start_ns, " ns"));
  }
  if (t.window_start_ns && t.window_end_ns && *t.window_end_ns <= *t.window_start_ns) {
    return absl::InvalidArgumentError(absl::StrCat("time window end (", *t.window_end_ns,
                                                   " ns) must be after its start (",
                                                   *t.window_start_ns, " ns)"));
  }
  if (t.offset_modulo != 0 && t.offset_align > 1 && t.offset_modulo % t.offset_align != 0) {
    return absl::InvalidArgumentError(absl::StrCat("offset modulo ", t.offset_modulo,
                                                   " must be a multiple of the alignment ",
                                                   t.offset_align));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TracePipeline>> MakeTracePipeline(
    std::vector<std::unique_ptr<TraceReader>> inputs, const TraceTransform& transform) {
  if (absl::Status s = ValidateTraceTransform(transform); !s.ok()) return s;
  if (inputs.empty()) return absl::InvalidArgumentError("no trace to read");
  if (inputs.size() > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat("at most 255 traces can be merged, got ", inputs.size()));
  }
  return std::unique_ptr<TracePipeline>(new Pipeline(std::move(inputs), transform));
}

absl::StatusOr<std::unique_ptr<TracePipeline>> OpenTracePipeline(
    const std::vector<std::string>& paths, const TraceReadOptions& read,
    const TraceTransform& transform) {
  if (absl::Status s = ValidateTraceTransform(transform); !s.ok()) return s;
  std::vector<std::unique_ptr<TraceReader>> readers;
  for (const std::string& p : paths) {
    absl::StatusOr<std::unique_ptr<TraceReader>> r = OpenTrace(p, read);
    if (!r.ok()) return r.status();
    readers.push_back(*std::move(r));
  }
  return MakeTracePipeline(std::move(readers), transform);
}

}  // namespace iosched
