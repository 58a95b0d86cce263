#include "gateway/core/common/vn_time.hpp"

#include <gtest/gtest.h>

namespace lienthong {

TEST(VnTime, CompactFormatIsVietnamLocalTime) {
  // 2024-01-01T00:00:00Z is 07:00 in Vietnam.
  int64_t ms = 1704067200000;
  EXPECT_EQ(vn_time::format_compact(ms), "20240101070000");
  EXPECT_EQ(vn_time::parse_compact("20240101070000"), ms);
}

TEST(VnTime, CompactParseRefusesImpossibleDates) {
  EXPECT_FALSE(vn_time::parse_compact("20230229120000"));
  EXPECT_FALSE(vn_time::parse_compact("2023022912000"));
  EXPECT_FALSE(vn_time::parse_compact("20231301120000"));
  EXPECT_TRUE(vn_time::parse_compact("20240229120000"));
}

TEST(VnTime, IsoParsesOffsetsAndDefaultsToVietnam) {
  EXPECT_EQ(vn_time::parse_iso("2024-01-01T07:00:00+07:00"), 1704067200000);
  EXPECT_EQ(vn_time::parse_iso("2024-01-01T00:00:00Z"), 1704067200000);
  EXPECT_EQ(vn_time::parse_iso("2024-01-01T07:00:00"), 1704067200000);
  EXPECT_EQ(vn_time::parse_iso("2024-01-01"), 1704042000000);
  EXPECT_FALSE(vn_time::parse_iso("2024-01-01T07:00:00+7"));
  EXPECT_EQ(vn_time::format_iso(1704067200000), "2024-01-01T07:00:00+07:00");
}

TEST(VnTime, IsoFormatPadsEveryFieldAndRoundTrips) {
  EXPECT_EQ(vn_time::format_iso(0), "1970-01-01T07:00:00+07:00");
  // 2009-02-03 04:05:06 Vietnam time: one-digit month, day, hour, minute and second.
  int64_t ms = *vn_time::parse_iso("2009-02-03T04:05:06+07:00");
  EXPECT_EQ(vn_time::format_iso(ms), "2009-02-03T04:05:06+07:00");
  EXPECT_EQ(vn_time::format_iso(ms + 999), "2009-02-03T04:05:06+07:00");  // milliseconds dropped
  EXPECT_EQ(vn_time::format_iso(*vn_time::parse_iso("2024-12-31T23:59:59+07:00")),
            "2024-12-31T23:59:59+07:00");
}

TEST(VnTime, WeekdayIsIso) {
  EXPECT_EQ(vn_time::weekday(*vn_time::parse_date("2026-11-26")), 3);  // Thursday
  EXPECT_EQ(vn_time::weekday(*vn_time::parse_date("2026-11-29")), 6);  // Sunday
}

}  // namespace lienthong
