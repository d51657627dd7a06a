// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Seccomp filters for the fallback tests: make the kernel refuse a system
// call the way a container profile or an old kernel would. Install them only
// in a death-test child (EXPECT_EXIT): a filter cannot be removed and holds
// for the rest of the process (PR_SET_NO_NEW_PRIVS is set too).
//
// Available on x86-64 and AArch64 (IOSCHED_HAVE_SECCOMP_UTIL); elsewhere the
// tests that need them are compiled out.

#ifndef IOSCHED_TESTS_DIRECT_SECCOMP_UTIL_H_
#define IOSCHED_TESTS_DIRECT_SECCOMP_UTIL_H_

#if defined(__x86_64__) || defined(__aarch64__)
#define IOSCHED_HAVE_SECCOMP_UTIL 1

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#include <cstdint>
#include <vector>

namespace iosched::testing_direct {

#if defined(__x86_64__)
inline constexpr uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#else
inline constexpr uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#endif

// Installs `body` behind a prologue that allows every call of another
// architecture and leaves the syscall number loaded. True on success.
inline bool InstallSeccompFilter(const std::vector<sock_filter>& body) {
  std::vector<sock_filter> filter = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
  };
  filter.insert(filter.end(), body.begin(), body.end());
  struct sock_fprog prog = {static_cast<unsigned short>(filter.size()), filter.data()};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

// Makes every call of system call `nr` fail with `err`.
inline bool FailSyscall(long nr, int err) {
  return InstallSeccompFilter({
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<uint32_t>(err) & 0xffff)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  });
}

}  // namespace iosched::testing_direct

#endif  // x86-64 or AArch64
#endif  // IOSCHED_TESTS_DIRECT_SECCOMP_UTIL_H_
