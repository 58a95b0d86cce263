// The simulated one-stop-shop's paging is what the sync flow's cursor handling is tested
// against end to end, so its keyset paging must be right on its own.
#include "sim/one_stop_shop/one_stop_shop_sim.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gateway/common/json.hpp"

namespace lienthong::sim {
namespace {

struct Page {
  std::vector<std::string> codes;
  std::map<std::string, int> history_length;
  std::string next;
  bool more = false;
};

Page get(OneStopShopData& d, const std::string& since, int limit) {
  auto r = d.page(since, std::to_string(limit));
  EXPECT_EQ(r.status, 200) << r.body;
  auto doc = json::parse(r.body).value();
  Page p;
  for (auto& item : doc["items"].GetArray()) {
    p.codes.push_back(item["ma_ho_so"].GetString());
    p.history_length[item["ma_ho_so"].GetString()] = static_cast<int>(item["lich_su"].Size());
  }
  p.next = doc["next_cursor"].GetString();
  p.more = doc["has_more"].GetBool();
  return p;
}

OneStopShopOptions options(int64_t n) {
  OneStopShopOptions o;
  o.dossiers = n;
  o.invalid_share = 0.1;
  o.seed = 42;
  return o;
}

TEST(OneStopShopSimTest, PagingFromAnEmptyCursorVisitsEveryDossierExactlyOnce) {
  OneStopShopData d(options(95));
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    Page p = get(d, cursor, 10);
    for (auto& c : p.codes) EXPECT_TRUE(seen.insert(c).second) << "served twice: " << c;
    cursor = p.next;
    more = p.more;
  }
  EXPECT_EQ(seen.size(), 95u);
  EXPECT_EQ(pages, 10);
}

TEST(OneStopShopSimTest, SameSeedGivesTheSameDataSet) {
  OneStopShopData a(options(30)), b(options(30));
  EXPECT_EQ(a.page("", "100").body, b.page("", "100").body);
  EXPECT_EQ(a.expected_json(), b.expected_json());
}

TEST(OneStopShopSimTest, AdvancedDossiersComeAfterTheCursorWithOneMoreHistoryEntry) {
  OneStopShopData d(options(40));
  Page all = get(d, "", 1000);
  ASSERT_FALSE(all.more);
  EXPECT_EQ(get(d, all.next, 1000).codes.size(), 0u);
  int64_t moved = d.advance(5);
  ASSERT_GT(moved, 0);
  Page changed = get(d, all.next, 1000);
  ASSERT_EQ(static_cast<int64_t>(changed.codes.size()), moved);
  for (auto& c : changed.codes) EXPECT_EQ(changed.history_length[c], all.history_length[c] + 1) << c;
}

TEST(OneStopShopSimTest, MalformedCursorAndLimitAreRefused) {
  OneStopShopData d(options(5));
  EXPECT_EQ(d.page("not-a-cursor", "10").status, 400);
  EXPECT_EQ(d.page("", "0").status, 400);
  EXPECT_EQ(d.page("", "abc").status, 400);
}

TEST(OneStopShopSimTest, InvalidShareGivesInvalidDossiersOfEveryKindWithAReason) {
  OneStopShopData d(options(120));
  auto doc = json::parse(d.expected_json()).value();
  std::set<std::string> kinds;
  for (auto& x : doc["dossiers"].GetArray()) {
    if (x["invalid"].IsNull()) continue;
    kinds.insert(x["invalid"].GetString());
    EXPECT_GT(std::string(x["reason"].GetString()).size(), 0u);
  }
  EXPECT_EQ(kinds.size(), 6u);
}

}  // namespace
}  // namespace lienthong::sim
