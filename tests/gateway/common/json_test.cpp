#include "gateway/common/json.hpp"

#include <gtest/gtest.h>

namespace lienthong {

TEST(Json, MalformedInputNamesLineAndColumn) {
  auto r = json::parse("{\n  \"a\": 1,\n  \"b\": }", "body");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::kParse);
  EXPECT_NE(r.error().message.find("line 3"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("body"), std::string::npos);
}

TEST(Json, RefusesNestingDeeperThanLimit) {
  std::string deep(json::kMaxDepth + 5, '[');
  deep += std::string(json::kMaxDepth + 5, ']');
  auto r = json::parse(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested"), std::string::npos);
}

TEST(Json, DottedPathWalksObjectsAndArrays) {
  auto r = json::parse(R"({"a":{"b":[{"c":"x"},{"c":"y"}]}})");
  ASSERT_TRUE(r.ok());
  const auto* v = json::at_path(*r, "a.b.1.c");
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v->GetString(), "y");
  EXPECT_EQ(json::at_path(*r, "a.b.2.c"), nullptr);
  EXPECT_EQ(json::at_path(*r, "a.x"), nullptr);
}

}  // namespace lienthong
