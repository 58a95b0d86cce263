#include "app/console/console_config.hpp"

#include <gtest/gtest.h>

#include "app/console/html.hpp"
#include "app/console/password.hpp"
#include "gateway/core/common/vn_time.hpp"

namespace lienthong::console {
namespace {

// Argon2id at libsodium's interactive limits takes a while: one hash for the whole file.
const std::string& sample_hash() {
  static const std::string h = hash_password("mật khẩu đúng").value();
  return h;
}

ConsoleConfig parse(const std::string& json) {
  auto file = ConfigFile::from_string("{\"console\":" + json + "}");
  return ConsoleConfig::from_config(file->root().object("console"));
}

TEST(ConsolePassword, HashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  const std::string& h = sample_hash();
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=")) << h;
  EXPECT_TRUE(is_argon2id_hash(h));
  EXPECT_TRUE(verify_password(h, "mật khẩu đúng"));
  EXPECT_FALSE(verify_password(h, "mật khẩu sai"));
  EXPECT_FALSE(verify_password("$2y$10$notargon", "mật khẩu đúng"));
  EXPECT_FALSE(hash_password("").ok());
}

TEST(ConsolePassword, TwoHashesOfOnePasswordDifferBySalt) {
  EXPECT_NE(hash_password("abc").value(), hash_password("abc").value());
}

TEST(ConsoleConfig, MinimalSectionIsAccepted) {
  auto c = parse("{\"users\":[{\"name\":\"lan\",\"role\":\"approver\",\"password_hash\":\"" + sample_hash() +
                 "\"}]}");
  ASSERT_EQ(c.users.size(), 1u);
  EXPECT_EQ(c.users[0].role, Role::kApprover);
  EXPECT_EQ(c.idle_timeout_ms, 15 * 60'000);
  EXPECT_EQ(c.refresh_ms, 5 * 60'000);
  EXPECT_TRUE(c.four_eyes("payment_platform"));
  EXPECT_FALSE(c.four_eyes("dvcqg"));
}

TEST(ConsoleConfig, RefusesWrongSectionsWithTheKeyNamed) {
  auto refused = [](const std::string& json, const std::string& needle) {
    try {
      parse(json);
      ADD_FAILURE() << "accepted: " << json;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  refused("{}", "users");
  refused("{\"users\":[]}", "users");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"admin\",\"password_hash\":\"" + sample_hash() + "\"}]}",
          "role");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"viewer\",\"password_hash\":\"secret\"}]}",
          "hash-password");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"viewer\"}]}", "password_hash");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"viewer\",\"password_hash\":\"" + sample_hash() +
              "\"},{\"name\":\"lan\",\"role\":\"viewer\",\"password_hash\":\"" + sample_hash() + "\"}]}",
          "twice");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"viewer\",\"certificate_sha256\":\"abc\"}]}",
          "certificate_sha256");
  refused("{\"userz\":[]}", "userz");
  refused("{\"users\":[{\"name\":\"lan\",\"role\":\"viewer\",\"password_hash\":\"" + sample_hash() +
              "\"}],\"refresh_minutes\":0}",
          "refresh_minutes");
}

TEST(ConsoleHtml, NumbersUseVietnameseThousandsSeparators) {
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(999), "999");
  EXPECT_EQ(format_number(1234567), "1.234.567");
  EXPECT_EQ(format_number(-1000), "-1.000");
}

TEST(ConsoleHtml, NumericColumnsGetRightAlignedHeadings) {
  const std::string page =
      "<table><thead><tr><th scope=\"col\">Cơ quan</th><th scope=\"col\">Tổng</th><th>Tỷ lệ</th></tr></thead>"
      "<tbody><tr><td colspan=\"3\">Không có</td></tr><tr><td>A</td><td class=\"num\">1.234</td>"
      "<td class=\"num\">98 %</td></tr></tbody></table>"
      "<table><thead><tr><th>Ngày</th><th>Số lượt</th></tr></thead><tbody><tr><td>06/12/2026</td><td>x</td>"
      "</tr></tbody></table><table><tbody><tr><td class=\"num\">1</td></tr></tbody></table>";
  EXPECT_EQ(
      align_numeric_headings(page),
      "<table><thead><tr><th scope=\"col\">Cơ quan</th><th class=\"num\" scope=\"col\">Tổng</th><th "
      "class=\"num\">Tỷ lệ</th></tr></thead>"
      "<tbody><tr><td colspan=\"3\">Không có</td></tr><tr><td>A</td><td class=\"num\">1.234</td>"
      "<td class=\"num\">98 %</td></tr></tbody></table>"
      "<table><thead><tr><th>Ngày</th><th>Số lượt</th></tr></thead><tbody><tr><td>06/12/2026</td><td>x</td>"
      "</tr></tbody></table><table><tbody><tr><td class=\"num\">1</td></tr></tbody></table>");
}

TEST(ConsoleHtml, DatesAreDayMonthYearInVietnamTime) {
  // 2026-12-05 18:30 UTC is 06/12/2026 01:30 in Vietnam.
  int64_t ms = vn_time::from_vietnam({2026, 12, 6, 1, 30, 0});
  EXPECT_EQ(format_datetime(ms), "06/12/2026 01:30");
  EXPECT_EQ(format_date(ms), "06/12/2026");
  EXPECT_EQ(format_datetime(0), "—");
}

TEST(ConsoleHtml, EscapesMarkup) {
  EXPECT_EQ(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

}  // namespace
}  // namespace lienthong::console
