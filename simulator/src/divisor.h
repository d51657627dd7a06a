// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Divisor32: n / d and n % d for a divisor fixed ahead of time, by
// multiplication. A 64-bit hardware division costs tens of cycles and the
// layout divides twice per mapped LBN (by sectors per track, by heads).
//
// With M = ⌈2^64 / d⌉ (d < 2^32), ⌊n · M / 2^64⌋ = ⌊n / d⌋ and
// ⌊((n · M) mod 2^64 · d) / 2^64⌋ = n mod d for every n < 2^32 (Lemire,
// Kaser and Kurz, "Faster remainder by direct computation", 2019, with
// F = 64 >= N + log2 d for N = 32). Larger n, and d = 1 (where M does not fit),
// take the hardware division: exact everywhere.
//
// Thread-safety: immutable after construction.

#ifndef IOSCHED_SIMULATOR_DIVISOR_H_
#define IOSCHED_SIMULATOR_DIVISOR_H_

#include <cstdint>

namespace iosched::sim {

class Divisor32 {
 public:
  Divisor32() : Divisor32(1) {}
  // REQUIRES: 1 <= d < 2^32.
  explicit Divisor32(uint64_t d) : d_(d), m_(d > 1 ? UINT64_MAX / d + 1 : 0) {}

  uint64_t divisor() const { return d_; }

  // *q = n / d, *r = n % d.
  void DivMod(uint64_t n, uint64_t* q, uint64_t* r) const {
    if ((n >> 32) != 0 || m_ == 0) {
      *q = n / d_;
      *r = n % d_;
      return;
    }
    const uint64_t low = m_ * n;
    *q = static_cast<uint64_t>((static_cast<unsigned __int128>(m_) * n) >> 64);
    *r = static_cast<uint64_t>((static_cast<unsigned __int128>(low) * d_) >> 64);
  }

 private:
  uint64_t d_;
  uint64_t m_;  // ⌈2^64 / d⌉, or 0 for d = 1
};

}  // namespace iosched::sim

#endif  // IOSCHED_SIMULATOR_DIVISOR_H_
