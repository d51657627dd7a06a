// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Small helpers around absl::Status that Debian 12's Abseil (20220623) lacks.
//
//   IOSCHED_RETURN_IF_ERROR(expr);        returns the status of `expr` if not OK.
//   IOSCHED_ASSIGN_OR_RETURN(lhs, expr);  unwraps an absl::StatusOr or returns.
//   Sv(std::string_view)                  converts to absl::string_view: Debian's
//                                         Abseil is built with its own string_view
//                                         (ABSL_OPTION_USE_STD_STRING_VIEW 0), so
//                                         std::string_view does not convert by itself.
//
// The macros carry the IOSCHED_ prefix so that including this header (it is
// installed with iosched::core) never collides with a user's own
// RETURN_IF_ERROR.

#ifndef IOSCHED_STATUS_MACROS_H_
#define IOSCHED_STATUS_MACROS_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace iosched {

inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view StdSv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace iosched

#define IOSCHED_CONCAT_INNER_(a, b) a##b
#define IOSCHED_CONCAT_(a, b) IOSCHED_CONCAT_INNER_(a, b)

#define IOSCHED_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status iosched_status_ = (expr);           \
    if (!iosched_status_.ok()) return iosched_status_; \
  } while (0)

#define IOSCHED_ASSIGN_OR_RETURN(lhs, expr) \
  IOSCHED_ASSIGN_OR_RETURN_IMPL_(IOSCHED_CONCAT_(iosched_statusor_, __LINE__), lhs, expr)
#define IOSCHED_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()

#endif  // IOSCHED_STATUS_MACROS_H_
