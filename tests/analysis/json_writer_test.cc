// Copyright 2026 The iosched Authors. Licensed under the Apache License 2.0.

#include "json_writer.h"

#include <cmath>

#include "gtest/gtest.h"
#include "json_check.h"

namespace iosched {
namespace {

TEST(JsonWriter, NestedDocumentIsValid) {
  JsonWriter w;
  w.BeginObject();
  w.Field("name", "a \"quoted\"\nline\t\x01");
  w.Field("n", uint64_t{18446744073709551615ull});
  w.Field("x", -1.5);
  w.Field("nan", std::nan(""));
  w.Key("list");
  w.BeginArray();
  w.Int(1);
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.EndArray();
  w.EndObject();
  std::string error;
  EXPECT_TRUE(testing_util::IsValidJson(w.str(), &error)) << error << " in " << w.str();
  EXPECT_EQ(w.str(),
            "{\"name\":\"a \\\"quoted\\\"\\nline\\t\\u0001\",\"n\":18446744073709551615,"
            "\"x\":-1.5,\"nan\":null,\"list\":[1,{},[]]}");
}

TEST(JsonCheck, RejectsBrokenDocuments) {
  EXPECT_FALSE(testing_util::IsValidJson("{\"a\":1,}"));
  EXPECT_FALSE(testing_util::IsValidJson("{\"a\" 1}"));
  EXPECT_FALSE(testing_util::IsValidJson("[1 2]"));
  EXPECT_FALSE(testing_util::IsValidJson("01"));
  EXPECT_TRUE(testing_util::IsValidJson(" {\"a\":[true,false,null,-0.5e3]} "));
}

}  // namespace
}  // namespace iosched
