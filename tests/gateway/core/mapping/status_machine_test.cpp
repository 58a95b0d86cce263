#include "gateway/core/mapping/status_machine.hpp"

#include <gtest/gtest.h>

#include "gateway/core/common/json.hpp"

namespace lienthong::mapping {
namespace {

StatusMachine shipped() {
  auto sm =
      StatusMachine::load_file(std::string(LIENTHONG_SOURCE_DIR) + "/mappings/dvcqg/status_transitions.json");
  EXPECT_TRUE(sm.ok()) << (sm.ok() ? "" : sm.error().message);
  return std::move(sm).value();
}

Result<StatusMachine> parse(std::string_view text) {
  auto d = json::parse(text);
  EXPECT_TRUE(d.ok());
  return StatusMachine::from_json(*d, "t.json");
}

TEST(StatusMachine, FirstStatusMustBeAnInitialCode) {
  auto sm = shipped();
  EXPECT_TRUE(sm.check(std::nullopt, 1).ok());
  EXPECT_TRUE(sm.check(std::nullopt, 3).ok());
  auto st = sm.check(std::nullopt, 9);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kValidation);
  EXPECT_NE(st.error().message.find("9 (Đã xử lý xong) cannot start a dossier"), std::string::npos);
}

TEST(StatusMachine, AllowsTheDocumentedPathAndRefusesSkipsNamingBothCodes) {
  auto sm = shipped();
  EXPECT_TRUE(sm.check(1, 2).ok());
  EXPECT_TRUE(sm.check(2, 4).ok());
  EXPECT_TRUE(sm.check(4, 4).ok());
  EXPECT_TRUE(sm.check(4, 9).ok());
  EXPECT_TRUE(sm.check(9, 10).ok());
  auto st = sm.check(1, 10);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("1 (Mới đăng ký) -> 10 (Đã trả kết quả)"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("may go to: 2, 3, 7"), std::string::npos) << st.error().message;
}

TEST(StatusMachine, TerminalCodesHaveNoWayOut) {
  auto sm = shipped();
  for (int t : {3, 8, 10}) {
    EXPECT_TRUE(sm.is_terminal(t)) << t;
    EXPECT_FALSE(sm.check(t, 4).ok()) << t;
  }
  EXPECT_FALSE(sm.is_terminal(4));
}

TEST(StatusMachine, CodeNotInTheFileIsTerminalAndNamedPlainly) {
  auto sm = parse(R"({"initial":[1],"allowed":{"1":[2]}})");
  ASSERT_TRUE(sm.ok());
  auto st = sm->check(2, 1);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("TrangThaiHoSo 2 -> 1"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("none (terminal)"), std::string::npos) << st.error().message;
}

TEST(StatusMachine, MalformedSectionIsRefusedWithPointer) {
  auto a = parse(R"({"allowed":{}})");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("t.json: /transitions: missing \"initial\""), std::string::npos);
  auto b = parse(R"({"initial":[1],"allowed":{"x":[1]}})");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("/transitions/allowed/x"), std::string::npos);
  auto c = parse(R"({"initial":[1],"allowed":{"1":["2"]}})");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/transitions/allowed/1/0"), std::string::npos);
  auto d = parse(R"({"initial":[1],"allowed":{},"extra":1})");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::kConfig);
}

}  // namespace
}  // namespace lienthong::mapping
