// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Divisor32 against the hardware division: the divisors a layout uses
// (sectors per track, heads), the edges of the 32-bit range where the
// multiplication's exactness is tightest, and dividends past 2^32 (the
// fallback).

#include "divisor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace iosched::sim {
namespace {

void ExpectExact(const Divisor32& div, uint64_t n) {
  uint64_t q = 0, r = 0;
  div.DivMod(n, &q, &r);
  ASSERT_EQ(q, n / div.divisor()) << n << " / " << div.divisor();
  ASSERT_EQ(r, n % div.divisor()) << n << " % " << div.divisor();
}

TEST(Divisor32Test, MatchesHardwareDivision) {
  std::vector<uint64_t> divisors = {
      1, 2, 3, 7, 13, 56, 96, 1000, 65536, 65537, 2147483647, 2147483648, 4294967291, 4294967295};
  std::mt19937_64 rng(20261207);
  for (int i = 0; i < 200; ++i) divisors.push_back(1 + rng() % 0xFFFFFFFFu);
  for (int i = 0; i < 50; ++i) divisors.push_back(1 + rng() % 5000);
  for (const uint64_t d : divisors) {
    const Divisor32 div(d);
    ASSERT_EQ(div.divisor(), d);
    // Near multiples of d, where a quotient one off would show.
    for (const uint64_t k : {uint64_t{0}, uint64_t{1}, uint64_t{2}, uint64_t{0xFFFFFFFF} / d,
                             uint64_t{0xFFFFFFFF} / d - 1}) {
      for (const int64_t delta : {-1, 0, 1}) {
        const uint64_t n = k * d + static_cast<uint64_t>(delta);
        if (delta < 0 && k == 0) continue;
        ExpectExact(div, n);
      }
    }
    for (const uint64_t n : {uint64_t{0xFFFFFFFF}, uint64_t{0xFFFFFFFE}, uint64_t{1} << 32,
                             (uint64_t{1} << 32) + 1, UINT64_MAX, uint64_t{1} << 63}) {
      ExpectExact(div, n);
    }
    for (int j = 0; j < 2000; ++j) ExpectExact(div, rng() & 0xFFFFFFFFu);
    for (int j = 0; j < 100; ++j) ExpectExact(div, rng());
  }
}

TEST(Divisor32Test, EveryDividendForSmallDivisors) {
  // Every n below 2^20 for the divisors of the bundled drives' layouts.
  for (const uint64_t d : {1, 13, 56, 72, 96, 1216}) {
    const Divisor32 div(d);
    for (uint64_t n = 0; n < (uint64_t{1} << 20); ++n) ExpectExact(div, n);
  }
}

}  // namespace
}  // namespace iosched::sim
