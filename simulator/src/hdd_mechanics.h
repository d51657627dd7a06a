// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// The moving parts of a disk: the seek curve, the positioning rule, the
// spindle, and MediaWalk, which times a sequential media access sector by
// sector. Doubles appear only inside the formulas; every result is rounded
// to integer nanoseconds.
//
// Positioning from (c1, h1) to (c2, h2), DiskSim 4.0 dm_mech_g1 rules:
//   0                                        if c1 == c2 and h1 == h2
//   max(seek(|c2 − c1|), head switch if h1 != h2)      otherwise
//   + write settle                           for writes, when the above > 0
//
// Spindle: the platter turns at a constant rpm from angle 0 at t = 0, so the
// angle at time t is (t · rpm / 60 s) mod 1 revolution. It is computed from
// the absolute time with integer arithmetic (no drift over long runs).
//
// MediaWalk (DiskSim disk_buffer_seekdone / disk_buffer_sector_done): LBNs
// pass under the head in order. The first one after Begin costs a
// positioning (at least `min_positioning`, DiskSim's "minimum seek delay")
// and a rotational wait for its start angle; each further LBN on the same
// track starts when its angle comes round (immediately for the next physical
// sector, later across slipped sectors); an LBN on another track costs a new
// positioning (head switch, seek, write settle) started when the previous
// sector ends, then a rotational wait. A sector whose data is not ready when
// its pass begins (a write whose data has not arrived, a read with no room
// in the buffer) waits whole revolutions: the caller says when it is ready.
//
// Cost: the results are per sector, the work is not. The layout is mapped
// once per run of consecutive sectors on a track; along a run the passes
// follow from one anchor (see the members) and TransferWhileBefore jumps to
// the last sector a caller's deadline and ready times allow. Every result is
// the one the sector-by-sector walk gives, to the nanosecond
// (tests/simulator/media_walk_test.cc; bench/hdd_model_bench's fingerprints).
//
// Thread-safety: immutable after construction (MediaWalk: one owner).

#ifndef IOSCHED_SIMULATOR_HDD_MECHANICS_H_
#define IOSCHED_SIMULATOR_HDD_MECHANICS_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "hdd_layout.h"
#include "iosched/hdd_params.h"
#include "iosched/request.h"
#include "iosched/time.h"

namespace iosched::sim {

// Milliseconds (a parameter file's unit) to integer nanoseconds, rounded.
Duration MsToDuration(double ms);

class SeekModel {
 public:
  // REQUIRES: ValidateHddParams(params).ok().
  explicit SeekModel(const HddParams& params);

  // Seek-curve time for a distance in cylinders (0 for 0), as a double in
  // nanoseconds, before rounding.
  double CurveNs(uint32_t distance) const;
  // The same, rounded to integer nanoseconds.
  Duration Curve(uint32_t distance) const;
  // Positioning time from (c1, h1) to (c2, h2) for `op` (rule above).
  Duration Positioning(uint32_t c1, uint32_t h1, uint32_t c2, uint32_t h2, Op op) const;

  Duration head_switch() const { return head_switch_; }
  Duration write_settle() const { return write_settle_; }

 private:
  HddSeekCurve curve_;
  uint32_t cylinders_;
  // Curve(d) for every distance d < cylinders_, computed once (empty for a
  // drive with more than kMaxTabled cylinders: then computed per call).
  static constexpr uint32_t kMaxTabled = 1u << 18;
  std::vector<Duration> table_;
  Duration head_switch_;
  Duration write_settle_;
};

class Spindle {
 public:
  explicit Spindle(double rpm);

  // Nanoseconds per revolution (not an integer in general).
  double revolution_ns() const { return revolution_ns_; }
  // Angle of the platter at `t`, in revolutions [0, 1).
  double AngleAt(Time t) const;
  // Time from `t` until angle `target` (revolutions [0, 1)) is under the
  // head. An arrival less than half a nanosecond late counts as on time.
  Duration WaitFor(Time t, double target) const;
  // The same from a known angle rather than a time, in nanoseconds.
  double WaitNs(double from_angle, double target) const;
  // WaitNs from time `t` (before rounding).
  double WaitNsFrom(Time t, double target) const { return WaitNs(AngleAt(t), target); }
  // A wait rounded as NextPass rounds it (std::llround, inline for the
  // non-negative waits a spindle gives).
  static int64_t RoundWait(double ns);
  // The first time at or after `earliest` − `slack` at which angle `target`
  // is under the head. The slack absorbs rounding: a sector that follows
  // another on the track starts at its own angle, not at the previous one's
  // rounded end, so rounding never accumulates.
  Time NextPass(Time earliest, double target, Duration slack = Duration{20}) const;
  // NextPass(earliest, target, 0), and through `back_wait` the unrounded
  // wait for `target` from that pass − `back`, derived from the wait
  // NextPass computed rather than from the angle at pass − back: it differs
  // from WaitNsFrom(pass − back, target) by rounding only, below 1e-7 ns
  // for a revolution shorter than kLineRevolutionNs and 1 ns <= back <
  // half a revolution (else it is that).
  // Accurate enough to anchor MediaWalk's line, whose rounding leaves
  // 1e-6 ns either side of a half nanosecond to NextPass.
  static constexpr double kLineRevolutionNs = 67108864.0;  // 2^26 ns, 67 ms
  Time NextPassAndWaitBefore(Time earliest, double target, Duration back, double* back_wait) const;

 private:
  int64_t milli_rpm_;     // rpm × 1000, so the angle is exact integer math
  double revolution_ns_;  // 60e9 / rpm
  // The phase t·milli_rpm mod (60 s · 1000) repeats every period_ns_; when
  // period_ns_ · milli_rpm_ fits in 64 bits, AngleAt reduces t by the
  // period first and needs no 128-bit division (0: it does not fit).
  int64_t period_ns_ = 0;
  // x mod d for a fixed d by multiplication (exact; see hdd_mechanics.cc).
  struct ModBy {
    uint64_t d = 1, inv = 0;
    uint64_t operator()(uint64_t x) const;
  };
  ModBy mod_period_, mod_minute_;
  // t · milli_rpm mod (60 s · 1000), for 0 <= t (REQUIRES: period_ns_ > 0).
  uint64_t Phase(Time t) const {
    return mod_minute_(mod_period_(static_cast<uint64_t>(t.count())) *
                       static_cast<uint64_t>(milli_rpm_));
  }
};

struct Track {
  uint32_t cylinder = 0;
  uint32_t head = 0;
  friend bool operator==(const Track&, const Track&) = default;
};

// When the sectors of a media access have their data (MediaWalk::
// TransferWhileBefore): the i-th is ready at max(floor, base + i · step).
// The default: always.
struct ReadyLine {
  Time floor{INT64_MIN};
  Time base{INT64_MIN};
  Duration step{0};
  Time At(uint32_t i) const { return std::max(floor, base + static_cast<int64_t>(i) * step); }
};

class MediaWalk {
 public:
  // None of the pointers is owned; they must outlive the walk.
  MediaWalk(const ZonedLayout* layout, const SeekModel* seek, const Spindle* spindle);

  // Positioning toward `lbn` starts at `begin` from track `from`; it lasts
  // at least `min_positioning`. REQUIRES: lbn < capacity.
  void Begin(Time begin, Track from, uint64_t lbn, Op op, Duration min_positioning);
  // False before Begin, after Stop, or once the last LBN of the disk passed.
  bool active() const { return active_; }
  void Stop() { active_ = false; }

  // ---- The next LBN to transfer (REQUIRES: active()) ----------------------
  uint64_t next_lbn() const { return next_; }
  const PhysicalSector& next_sector() const { return next_phys_; }
  // True if reaching next_lbn() needs a positioning (first LBN, or another
  // track than the previous one); it runs over [seek_start, seek_end).
  bool repositioning() const { return repositioning_; }
  Time seek_start() const { return seek_start_; }
  Time seek_end() const { return seek_end_; }
  // When next_lbn() first starts passing under the head.
  Time earliest_pass() const { return earliest_pass_; }
  // Start of the first pass of next_lbn() at or after `ready` (and after
  // earliest_pass()).
  Time PassAtOrAfter(Time ready) const;
  Duration sector_time() const { return timing_.sector_time; }
  // Transfers next_lbn() in the pass starting at `pass_start` (from
  // PassAtOrAfter) and moves on to the following LBN. Returns the pass end.
  Time Transfer(Time pass_start);

  // Transfers up to `max` LBNs from next_lbn() on, each in its first pass
  // (no readiness constraint: Transfer(earliest_pass()) in a loop), as long
  // as each ends by `deadline`, and stops before a sector that needs a
  // positioning (other than the first); returns how many. Along a run of
  // sectors it jumps to the last one that ends in time instead of walking
  // there.
  // With `ends`, ends[i] is set to the end of the i-th sector transferred.
  // With `ready`, the i-th sector goes in its first pass at or after
  // ready.At(i) (a write's data arriving over the bus).
  uint32_t TransferWhileBefore(uint32_t max, Time deadline, Time* ends = nullptr,
                               const ReadyLine& ready = ReadyLine{});

  // Track the head is on after the last transfer (or `from` before any).
  Track head() const { return head_; }
  // End of the last transferred sector (Begin's `begin` before any).
  Time last_end() const { return last_end_; }
  // Cylinder distance of the first positioning after Begin.
  uint32_t first_seek_cylinders() const { return first_seek_cylinders_; }
  Duration first_positioning() const { return first_positioning_; }

 private:
  void Aim(Time from_time, uint64_t lbn, bool first, Duration min_positioning);

  const ZonedLayout* layout_;
  const SeekModel* seek_;
  const Spindle* spindle_;
  Op op_ = Op::kRead;
  bool active_ = false;
  uint64_t next_ = 0;
  PhysicalSector next_phys_;
  // LBNs after next_ that lie on the following sectors of its track
  // (ZonedLayout::Map's run): the walk maps once per run.
  uint32_t run_left_ = 0;
  // Sector by sector along a run, each sector's pass is the previous one's
  // end minus the slack plus a rounded wait (Spindle::NextPass), a chain of
  // divisions. Relative to one anchor time T the unrounded waits grow by
  // the exact sector time: the wait of the i-th sector after the anchor is
  // anchor_wait_ + i · timing_.exact, within 1e-7 ns of what NextPass
  // computes (1e-8 when anchor_wait_ comes from the anchor's angle, up to
  // 1e-7 more when it comes from Spindle::NextPassAndWaitBefore). So
  // NextPass's result is T + that wait rounded, except within kTieNs of a
  // half nanosecond, where NextPass itself is asked (and the anchor moves
  // there). Bit-identical to NextPass sector by sector.
  bool anchored_ = false;
  Time anchor_{0};
  double anchor_wait_ = 0;
  uint32_t anchor_steps_ = 0;
  // The timing of a track's sectors, which depends only on its sectors per
  // track.
  struct SectorTiming {
    uint32_t spt = 0;         // the sectors per track it is for (0: none yet)
    double exact = 0;         // ns per sector: a revolution / spt
    double inv = 0;           // 1 / exact, for estimates
    Duration sector_time{0};  // exact, rounded
    // The line above in 32.32 fixed point, for the loops that visit every
    // sector of a run (FixedLine). Its error over a track stays below
    // 5e-7 ns (SetSectorsPerTrack), so away from a half nanosecond it
    // rounds as LinearPass; near one (or near the ends of the revolution)
    // the caller asks LinearPass. Off (fixed_ok false) for a revolution or
    // a track too long for that bound.
    bool fixed_ok = false;
    int64_t fixed_sector = 0;            // exact · 2^32
    int64_t fixed_lo = 0, fixed_hi = 0;  // waits inside LinearPass's range
  };
  SectorTiming timing_;  // of the current track
  // Computed once per zone (a division and two llround calls) and copied
  // into timing_ when the walk enters the zone, as random accesses do on
  // most repositionings.
  std::vector<SectorTiming> zone_timing_;
  void SetSectorsPerTrack(uint32_t spt, uint32_t zone);
  struct FixedLine {
    int64_t wait = 0;  // of the current sector, ns · 2^32
    int64_t step = 0;  // ns · 2^32 per sector
    int64_t lo = 0, hi = 0;
    Time anchor{0};
    // The current sector's pass, or false where LinearPass must decide.
    bool Pass(Time* pass) const;
    // Sets out[j] = pass of sector j + `add` for j = i, i + 1, ... < k, the
    // current sector being i, up to the first one LinearPass must decide;
    // returns where it stopped (k if it did not). Does not move the line.
    uint32_t Fill(uint32_t i, uint32_t k, Duration add, Time* out) const;
    // Rounded to the nearest nanosecond, unless the fraction is within
    // 2e-6 ns (8590 units) of a half: LinearPass's tie zone (1e-6 ns) plus
    // both lines' errors (< 5e-7 ns).
    static constexpr int64_t kHalf = int64_t{1} << 31;
    static constexpr uint64_t kMask = (uint64_t{1} << 32) - 1;
    static constexpr uint64_t kBand = 8590;
  };
  // The line at the i-th sector after next_ (REQUIRES: timing_.fixed_ok).
  FixedLine LineAt(uint32_t i) const;
  bool on_schedule_ = false;  // the last Transfer used earliest_pass()
  // A cache, filled by NextAngle (logically const).
  mutable double next_angle_ = 0;  // valid while angle_valid_
  mutable bool angle_valid_ = false;
  double NextAngle() const;
  // Pass of the i-th sector after next_ along the anchored run, if it is
  // not within kTieNs of a half nanosecond (else false).
  bool LinearPass(uint32_t i, Time* pass) const;
  // For data arriving at least 3 ns per sector slower than the sectors
  // pass (ready.step >= exact + 3): the first i in [1, k) whose data is
  // late for its pass on the anchored line (or whose pass the line cannot
  // give), else k. TransferWhileBefore's per-sector check in O(1).
  uint32_t FirstLate(uint32_t k, uint32_t done, const ReadyLine& ready) const;
  // The origin of the last Aim's track (see ZonedLayout::TrackStart).
  bool origin_valid_ = false;
  ZonedLayout::TrackOrigin origin_;
  bool repositioning_ = false;
  Time seek_start_{0}, seek_end_{0}, earliest_pass_{0};
  Track head_;
  Time last_end_{0};
  uint32_t first_seek_cylinders_ = 0;
  Duration first_positioning_{0};
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_HDD_MECHANICS_H_
