// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Elevator registry: builds elevators from spec strings.
//
//   spec    := name [ ":" tunable "=" value { "," tunable "=" value } ]
//   example := "deadline:read_expire=250ms,fifo_batch=8"
//
// Names are the kernel's ("noop", "deadline", "anticipatory" alias "as",
// "cfq") plus "linus" for the 2.4 elevator and the user-space orderings.
// Every elevator also accepts the queue tunables "max_sectors",
// "max_sectors_kb" and "nomerges".
//
// Errors are InvalidArgument and quote the offending text: an unknown
// elevator lists the known ones, an unknown tunable lists that elevator's.
//
// Thread-safety: MakeElevator and KnownElevators may be called from any
// thread. RegisterElevator must be called before any other thread uses the
// registry (static initialisation is fine).

#ifndef IOSCHED_REGISTRY_H_
#define IOSCHED_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "iosched/elevator.h"
#include "iosched/layout_probe.h"
#include "iosched/position_estimator.h"

namespace iosched {

using ElevatorFactory = std::function<std::unique_ptr<Elevator>(const ElevatorEnv&)>;

// Builds the elevator named by `spec` and applies its tunables in order.
absl::StatusOr<std::unique_ptr<Elevator>> MakeElevator(std::string_view spec,
                                                       const ElevatorEnv& env = {});

// Canonical names of every registered elevator, in registration order.
std::vector<std::string> KnownElevators();

// Splits a comma-separated list of specs. Commas inside a spec separate its
// tunables, so a list is split on commas that are followed by a known
// elevator name ("noop,deadline:fifo_batch=8,read_expire=100,cfq" gives three
// specs).
std::vector<std::string> SplitElevatorList(std::string_view list);

// Adds an elevator under `name` (and `aliases`). Used by the built-ins and by
// applications that bring their own policy.
void RegisterElevator(std::string name, std::vector<std::string> aliases, ElevatorFactory factory);

// Gives an `inode`, `physical` or `fibmap` elevator (made by MakeElevator)
// the probe it asks for the keys of file requests (fd >= 0). Without one, the
// elevator makes its own SystemLayoutProbe on the first file request. The
// elevator calls the probe from Add(), i.e. on the dispatcher's thread.
// InvalidArgument if `elevator` does not sort file requests.
absl::Status SetElevatorLayoutProbe(Elevator& elevator, std::shared_ptr<LayoutProbe> probe);

// Replaces the fallback chain an `inode`, `physical` or `fibmap` elevator
// walks for each file request; by default the chain comes from its spec's
// tunables (physical: fibmap -> fiemap -> inode, `physical:fibmap=0`:
// fiemap -> inode; fibmap: fibmap -> inode; inode: inode), and a chain set
// here wins over those tunables from then on. An empty chain restores the
// tunables' chain. Use it for orders the tunables cannot express, e.g.
// fiemap -> fibmap -> inode. Call before the elevator takes requests.
// InvalidArgument (the message names the elevator and the chain) if
// `elevator` does not sort file requests, if CheckProbeChain fails, if it is
// `inode` and the chain is not just inode, or if it is `fibmap` and the
// chain does not start with fibmap.
absl::Status SetElevatorProbeChain(Elevator& elevator, std::vector<ProbeMethod> chain);

// Gives a positioning policy ("sdf", "sptf", "spctf", "aged-sptf", "satf")
// the disk model it asks for seek and rotation estimates (not owned: it must
// outlive the elevator; nullptr removes it). The simulator passes its disk
// model; the real O_DIRECT path has none and refuses these elevators.
// Harmless for the other classic policies. InvalidArgument for any other
// elevator.
absl::Status SetElevatorPositionEstimator(Elevator& elevator, const PositionEstimator* estimator);

// True if `elevator` cannot dispatch without SetElevatorPositionEstimator.
bool ElevatorNeedsPositionEstimator(const Elevator& elevator);

}  // namespace iosched

#endif  // IOSCHED_REGISTRY_H_
