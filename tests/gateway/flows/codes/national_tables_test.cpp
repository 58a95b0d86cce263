// The generated national tables (mappings/codes/national/, scripts/gen_admin_units.py):
// 63 provinces before 1 July 2025, 34 after, no district after, and every former unit
// either resolves to a current one, is a split with its parts, or is listed as unresolved
// in GENERATED.md (never silently dropped).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gateway/flows/codes/code_tables.hpp"

namespace lienthong::codes {
namespace {

const std::string kDir = std::string(LIENTHONG_SOURCE_DIR) + "/mappings/codes/national";

Day d(const char* s) {
  return *CodeTables::parse_day(s);
}

const CodeTables& national() {
  static const CodeTables* t = [] {
    auto r = CodeTables::load_dir(kDir);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return new CodeTables(r.ok() ? std::move(r).value() : CodeTables{});
  }();
  return *t;
}

// The unresolved former communes GENERATED.md lists between ``` fences.
std::set<std::string> listed_unresolved() {
  std::ifstream in(kDir + "/GENERATED.md");
  std::string line;
  bool inside = false;
  std::set<std::string> out;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      inside = !inside;
      continue;
    }
    if (!inside) continue;
    std::istringstream words(line);
    for (std::string w; words >> w;) out.insert(w);
  }
  return out;
}

// Valid codes of `kind` on `day`, by probing every code the tables hold.
size_t count_valid(std::string_view kind, Day day, const std::vector<std::string>& codes) {
  size_t n = 0;
  for (const auto& c : codes)
    if (national().lookup(kind, c, day).ok()) ++n;
  return n;
}

std::vector<std::string> all_codes(std::string_view kind) {
  std::vector<std::string> out;
  for (const auto& c : national().diff(d("1899-01-01"), d("2100-01-01")))
    if (c.kind == kind) {
      out.insert(out.end(), c.from.begin(), c.from.end());
      out.insert(out.end(), c.to.begin(), c.to.end());
    }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TEST(NationalTables, SixtyThreeProvincesBecomeThirtyFour) {
  auto provinces = all_codes("province");
  EXPECT_EQ(count_valid("province", d("2025-06-30"), provinces), 63u);
  EXPECT_EQ(count_valid("province", d("2025-07-01"), provinces), 34u);
}

TEST(NationalTables, NoDistrictAfterTheReorganisation) {
  auto districts = all_codes("district");
  EXPECT_GT(count_valid("district", d("2025-06-30"), districts), 690u);
  EXPECT_EQ(count_valid("district", d("2025-07-01"), districts), 0u);
}

TEST(NationalTables, CommuneCountsBeforeAndAfter) {
  auto communes = all_codes("commune");
  EXPECT_EQ(count_valid("commune", d("2025-06-30"), communes), 10035u);
  EXPECT_EQ(count_valid("commune", d("2025-07-01"), communes), 3321u);
}

std::string now(std::string_view kind, std::string_view code) {
  auto r = national().translate(kind, code, d("2025-06-30"), d("2025-07-01"));
  EXPECT_TRUE(r.ok()) << code << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

TEST(NationalTables, ProvinceMergersOfTheCentralHighlandsAndCoast) {
  EXPECT_EQ(now("province", "62"), "51");  // Kon Tum -> Quảng Ngãi
  EXPECT_EQ(now("province", "51"), "51");  // Quảng Ngãi keeps its code
  EXPECT_EQ(now("province", "64"), "52");  // Gia Lai -> Gia Lai (Bình Định's code 52)
  EXPECT_EQ(now("province", "52"), "52");  // Bình Định -> Gia Lai
  EXPECT_EQ(now("province", "58"), "56");  // Ninh Thuận -> Khánh Hòa
  EXPECT_EQ(now("province", "56"), "56");  // Khánh Hòa
  auto gia_lai = national().lookup("province", "52", d("2025-07-01"));
  ASSERT_TRUE(gia_lai.ok());
  EXPECT_EQ((*gia_lai)->name, "Tỉnh Gia Lai");
  auto binh_dinh = national().lookup("province", "52", d("2025-06-30"));
  ASSERT_TRUE(binh_dinh.ok());
  EXPECT_EQ((*binh_dinh)->name, "Tỉnh Bình Định");
}

TEST(NationalTables, KonTumWardsGoToQuangNgaiCommunes) {
  // Phường Quyết Thắng (thành phố Kon Tum) is one of the five wards of Phường Kon Tum.
  auto quyet_thang = national().lookup("commune", "23287", d("2025-06-30"));
  ASSERT_TRUE(quyet_thang.ok());
  EXPECT_EQ((*quyet_thang)->name, "Phường Quyết Thắng");
  auto code = now("commune", "23287");
  auto target = national().lookup("commune", code, d("2025-07-01"));
  ASSERT_TRUE(target.ok());
  EXPECT_EQ((*target)->name, "Phường Kon Tum");
  EXPECT_EQ((*target)->parent, "51");
}

TEST(NationalTables, EveryFormerUnitResolvesIsSplitOrIsListed) {
  const auto unresolved = listed_unresolved();
  EXPECT_LT(unresolved.size(), 400u);  // 306 at generation; a regression shows here
  size_t resolved = 0, split = 0;
  for (const auto& code : all_codes("commune")) {
    auto before = national().lookup("commune", code, d("2025-06-30"));
    if (!before.ok()) continue;  // a commune created on 2025-07-01
    const Entry* e = *before;
    ASSERT_TRUE(e->valid_to && *e->valid_to == d("2025-07-01")) << code;
    if (e->replaced_by.empty()) {
      EXPECT_TRUE(unresolved.count(code)) << code << " has no successor and is not listed";
      continue;
    }
    EXPECT_FALSE(unresolved.count(code)) << code;
    for (const auto& s : e->replaced_by)
      EXPECT_TRUE(national().lookup("commune", s, d("2025-07-01")).ok()) << code << " -> " << s;
    if (e->replaced_by.size() == 1) {
      ++resolved;
      EXPECT_EQ(now("commune", code), e->replaced_by[0]);
    } else {
      ++split;  // a split is refused by translate, not guessed
      EXPECT_FALSE(national().translate("commune", code, d("2025-06-30"), d("2025-07-01")).ok());
    }
  }
  EXPECT_EQ(resolved + split + unresolved.size(), 10035u);
  EXPECT_GT(split, 0u);
  for (const auto& code : all_codes("province")) {
    auto before = national().lookup("province", code, d("2025-06-30"));
    if (before.ok()) {
      EXPECT_EQ((*before)->replaced_by.size(), 1u) << code;
    }
  }
}

}  // namespace
}  // namespace lienthong::codes
