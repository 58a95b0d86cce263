#include "gateway/core/server/query.hpp"

#include <gtest/gtest.h>

namespace lienthong::server {
namespace {

TEST(QueryTest, ParsesPairsDecodingPercentAndPlus) {
  auto q = parse_query("a=1&b=x%20y&c=a+b&d=%C4%91&flag&&e=");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->at("a"), "1");
  EXPECT_EQ(q->at("b"), "x y");
  EXPECT_EQ(q->at("c"), "a b");
  EXPECT_EQ(q->at("d"), "\xC4\x91");
  EXPECT_EQ(q->at("flag"), "");
  EXPECT_EQ(q->at("e"), "");
  EXPECT_EQ(q->size(), 6u);
}

TEST(QueryTest, LastValueWinsForRepeatedName) {
  auto q = parse_query("k=1&k=2");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->at("k"), "2");
}

TEST(QueryTest, EmptyQueryIsEmptyMap) {
  auto q = parse_query("");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->empty());
}

TEST(QueryTest, BadEscapeIsParseErrorNamingPosition) {
  auto q = parse_query("ok=1&v=ab%2");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kParse);
  EXPECT_NE(q.error().message.find("'v'"), std::string::npos) << q.error().message;
  EXPECT_NE(q.error().message.find("byte 2"), std::string::npos) << q.error().message;
  EXPECT_FALSE(parse_query("%zz=1").ok());
}

TEST(QueryTest, PathDecodingKeepsPlus) {
  auto d = percent_decode("/a+b/%2F", false);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "/a+b//");
}

}  // namespace
}  // namespace lienthong::server
