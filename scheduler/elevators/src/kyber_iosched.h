// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Test hooks of the Kyber elevator (kyber.cc). Private to the elevators
// library and its white-box tests.

#ifndef IOSCHED_SRC_KYBER_IOSCHED_H_
#define IOSCHED_SRC_KYBER_IOSCHED_H_

#include <cstdint>

#include "iosched/elevator.h"

namespace iosched {

// Kyber's scheduling domains, in the kernel's order.
inline constexpr int kKyberDomains = 4;  // READ, WRITE, DISCARD, OTHER

// The histogram bucket (0..7) of a completion latency against a domain's
// target: 0 for 0, else min((latency - 1) / max(target / 4, 1), 7).
int KyberLatencyBucket(int64_t target_ns, int64_t latency_ns);

// Sets a domain's token depth (clamped to [1, its maximum]), as a timer
// resize would. REQUIRES: `kyber` was made by MakeElevator("kyber…").
void KyberSetDepthForTest(Elevator& kyber, int domain, uint32_t depth);

}  // namespace iosched

#endif  // IOSCHED_SRC_KYBER_IOSCHED_H_
