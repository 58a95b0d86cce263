#include "gateway/core/common/text.hpp"

#include <gtest/gtest.h>

namespace lienthong {
namespace {

TEST(Text, IequalsIgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_TRUE(iequals("WEBHOOK-ID", "webhook-id"));
  EXPECT_FALSE(iequals("webhook-id", "webhook-ids"));
  EXPECT_FALSE(iequals("Bearer", "Basic "));
  // UTF-8 bytes are compared as they are: "Đ" and "đ" differ.
  EXPECT_FALSE(iequals("\xC4\x90", "\xC4\x91"));
}

TEST(Text, AsciiLowerLeavesOtherBytesAlone) {
  EXPECT_EQ(ascii_lower("Application/JSON; Charset=UTF-8"), "application/json; charset=utf-8");
  EXPECT_EQ(ascii_lower("H\xC3\x80 N\xE1\xBB\x98I"), "h\xC3\x80 n\xE1\xBB\x98i");
}

}  // namespace
}  // namespace lienthong
