// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.
//
// Dispatcher's owner thread (dispatcher.h): BindToCurrentThread() records
// it, OnOwnerThread() tells it apart from other threads, and debug builds
// abort when an entry point runs elsewhere (a death test, debug builds only;
// release builds compile the check out).

#include <thread>

#include "gtest/gtest.h"
#include "harness.h"

namespace iosched::testing {
namespace {

bool OnOwnerThreadFromAnotherThread(Dispatcher& d) {
  bool on_owner = true;
  std::thread([&] { on_owner = d.OnOwnerThread(); }).join();
  return on_owner;
}

TEST(DispatcherOwnerThread, NoOwnerUntilBound) {
  Harness h("noop");
  EXPECT_TRUE(h.dispatcher().OnOwnerThread());
  EXPECT_TRUE(OnOwnerThreadFromAnotherThread(h.dispatcher()));
}

TEST(DispatcherOwnerThread, BindRecordsTheCallingThread) {
  Harness h("noop");
  h.dispatcher().BindToCurrentThread();
  EXPECT_TRUE(h.dispatcher().OnOwnerThread());
  EXPECT_FALSE(OnOwnerThreadFromAnotherThread(h.dispatcher()));
  // Work on the owner thread goes through as usual.
  h.Read(100);
  h.RunUntil(5);
  EXPECT_EQ(h.dispatched().size(), 1u);
}

TEST(DispatcherOwnerThread, AnotherThreadCanTakeOverByBinding) {
  Harness h("noop");
  h.dispatcher().BindToCurrentThread();
  std::thread([&] {
    h.dispatcher().BindToCurrentThread();
    h.Read(100);
  }).join();
  EXPECT_FALSE(h.dispatcher().OnOwnerThread());
}

#ifndef NDEBUG
TEST(DispatcherOwnerThreadDeathTest, EntryPointOffTheOwnerThreadAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Harness h("noop");
  h.dispatcher().BindToCurrentThread();
  EXPECT_DEATH(std::thread([&] { h.Read(100); }).join(),
               "Dispatcher::Submit called on a thread that is not the dispatcher's owner");
  EXPECT_DEATH(std::thread([&] { h.dispatcher().Drain(); }).join(),
               "Dispatcher::Drain called on a thread that is not the dispatcher's owner");
}

TEST(DispatcherOwnerThreadDeathTest, FirstCallerBecomesTheOwner) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Harness h("noop");
  h.Read(100);  // binds this thread
  EXPECT_FALSE(OnOwnerThreadFromAnotherThread(h.dispatcher()));
  EXPECT_DEATH(std::thread([&] { h.dispatcher().Unplug(); }).join(),
               "Dispatcher::Unplug called on a thread");
}
#endif  // NDEBUG

}  // namespace
}  // namespace iosched::testing
