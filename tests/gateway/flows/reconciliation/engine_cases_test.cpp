// Table-driven cases of the reconciliation engine: every rule and every reason code has a
// case in engine_cases.txt (beside this file) with its expected outcome and refund, run by
// the one test below. A new case is a few lines of text, no C++. The format is described at
// the top of engine_cases.txt.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/calendar/working_day_calendar.hpp"
#include "gateway/flows/reconciliation/engine.hpp"

namespace lienthong::reconciliation {
namespace {

Day parse_day(const std::string& iso, const std::string& where) {
  auto d = vn_time::parse_date(iso);
  if (!d) throw std::runtime_error(where + ": bad date '" + iso + "'");
  return static_cast<Day>(*d);
}

int64_t at(Day d, int hour) {
  int y, m, dd;
  vn_time::civil_from_days(d, y, m, dd);
  return vn_time::from_vietnam({y, m, dd, hour, 0, 0});
}

// One expectation on one item, or on the summary.
struct Expect {
  int line = 0;
  std::string key;  // empty for count/items expectations
  std::string reason;
  std::map<std::string, std::string> fields;  // refund=, bank=, treasury=, obligation=, detail~=
};

struct CaseSpec {
  std::string name;
  int line = 0;
  Rules rules;
  Period period;
  std::deque<std::string> strings;  // owns the text the records' string_views point at
  std::vector<Payment> pays;
  std::vector<BankEntry> banks;
  std::vector<TreasuryCredit> credits;
  std::vector<Obligation> owes;
  bool has_obligations = true;
  std::vector<Expect> expects;
  std::map<std::string, std::pair<int, int64_t>> counts;  // reason -> (line, count)
  int items_line = 0;
  int64_t items = -1;
  int issues_line = 0;
  int64_t issues = -1;
  std::string issue_text;
  int64_t refund_credits = -1;
  bool province_calendar = false;  // else Monday to Friday

  std::string_view keep(const std::string& s) { return strings.emplace_back(s == "-" ? "" : s); }
};

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (ch == ' ' || ch == '\t')) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += ch;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

int64_t number(const std::string& s, const std::string& where) {
  size_t pos = 0;
  int64_t v = std::stoll(s, &pos);
  if (pos != s.size()) throw std::runtime_error(where + ": bad number '" + s + "'");
  return v;
}

std::deque<CaseSpec> load_cases(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::deque<CaseSpec> cases;  // a deque: the records' views point into each case
  std::string text;
  int n = 0;
  CaseSpec* c = nullptr;
  while (std::getline(in, text)) {
    ++n;
    const std::string where = file.filename().string() + ":" + std::to_string(n);
    auto w = split_words(text);
    if (w.empty() || w[0][0] == '#') continue;
    const std::string& op = w[0];
    auto need = [&](size_t k) {
      if (w.size() < k)
        throw std::runtime_error(where + ": '" + op + "' needs " + std::to_string(k - 1) + " values");
    };
    // Trailing name=value options of a record line.
    auto opts = [&](size_t from) {
      std::map<std::string, std::string> o;
      for (size_t i = from; i < w.size(); ++i) {
        auto eq = w[i].find('=');
        if (eq == std::string::npos)
          throw std::runtime_error(where + ": expected name=value, got '" + w[i] + "'");
        o[w[i].substr(0, eq)] = w[i].substr(eq + 1);
      }
      return o;
    };
    if (op == "case") {
      need(2);
      c = &cases.emplace_back();
      c->name = w[1];
      c->line = n;
      c->rules.date_window_days = 1;
      c->rules.settlement_window_days = 3;
      c->period = {parse_day("2026-11-01", where), parse_day("2026-11-10", where),
                   parse_day("2026-11-12", where)};
      continue;
    }
    if (!c) throw std::runtime_error(where + ": '" + op + "' before any 'case'");
    if (op == "period") {
      need(4);
      c->period = {parse_day(w[1], where), parse_day(w[2], where), parse_day(w[3], where)};
    } else if (op == "rules") {
      for (auto& [k, v] : opts(1)) {
        if (k == "date_window") {
          c->rules.date_window_days = static_cast<int>(number(v, where));
        } else if (k == "settlement_window") {
          c->rules.settlement_window_days = static_cast<int>(number(v, where));
        } else if (k == "unit") {
          if (v == "working_days") {
            c->rules.window_unit = WindowUnit::kWorkingDays;
          } else if (v != "calendar_days") {
            throw std::runtime_error(where + ": unknown unit '" + v + "'");
          }
        } else if (k == "order") {
          c->rules.order.clear();
          std::stringstream ss(v);
          std::string r;
          while (std::getline(ss, r, ',')) {
            if (r == "reference") {
              c->rules.order.push_back(MatchRule::kReference);
            } else if (r == "dossier_amount_date") {
              c->rules.order.push_back(MatchRule::kDossierAmountDate);
            } else {
              throw std::runtime_error(where + ": unknown rule '" + r + "'");
            }
          }
        } else {
          throw std::runtime_error(where + ": unknown rules option '" + k + "'");
        }
      }
    } else if (op == "province_calendar") {  // working days from calendar::WorkingDayCalendar
      c->province_calendar = true;
    } else if (op == "no_obligations") {
      c->has_obligations = false;
    } else if (op == "owe") {  // owe DOSSIER AMOUNT [ref=R] [agency=A]
      need(3);
      auto o = opts(3);
      c->owes.push_back({c->keep(w[1]), c->keep(o.count("agency") ? o["agency"] : "AG1"), c->keep(o["ref"]),
                         number(w[2], where), static_cast<uint32_t>(n)});
    } else if (op == "pay") {  // pay REF DOSSIER AMOUNT DATE [hour=H] [status=paid|pending|failed]
      need(5);
      auto o = opts(5);
      PaymentStatus st = PaymentStatus::kPaid;
      if (o.count("status")) {
        if (o["status"] == "pending") {
          st = PaymentStatus::kPending;
        } else if (o["status"] == "failed") {
          st = PaymentStatus::kFailed;
        } else if (o["status"] != "paid") {
          throw std::runtime_error(where + ": unknown status '" + o["status"] + "'");
        }
      }
      int hour = o.count("hour") ? static_cast<int>(number(o["hour"], where)) : 10;
      c->pays.push_back({c->keep(w[1]), c->keep(w[2]), c->keep(o.count("agency") ? o["agency"] : "AG1"),
                         number(w[3], where), at(parse_day(w[4], where), hour), st,
                         static_cast<uint32_t>(n)});
    } else if (op == "bank") {  // bank REF DOSSIER AMOUNT DATE
      need(5);
      c->banks.push_back({c->keep(w[1]), c->keep(w[2]), number(w[3], where), parse_day(w[4], where),
                          static_cast<uint32_t>(n)});
    } else if (op == "kb" || op == "kb_refund") {  // kb REF DOSSIER AMOUNT DATE
      need(5);
      c->credits.push_back({c->keep(w[1]), c->keep(w[2]), c->keep("AG1"), number(w[3], where),
                            parse_day(w[4], where), op == "kb_refund", static_cast<uint32_t>(n)});
    } else if (op == "expect") {  // expect KEY REASON [refund=N] [bank=N] ... [detail~="text"]
      need(3);
      c->expects.push_back({n, w[1], w[2], opts(3)});
      if (!reason_from_string(w[2])) throw std::runtime_error(where + ": unknown reason '" + w[2] + "'");
    } else if (op == "count") {  // count REASON N
      need(3);
      if (!reason_from_string(w[1])) throw std::runtime_error(where + ": unknown reason '" + w[1] + "'");
      c->counts[w[1]] = {n, number(w[2], where)};
    } else if (op == "issues") {  // issues N ["text each must contain"]
      need(2);
      c->issues_line = n;
      c->issues = number(w[1], where);
      if (w.size() > 2) c->issue_text = w[2];
    } else if (op == "refund_credits") {  // refund_credits N: treasury refunds the run saw
      need(2);
      c->refund_credits = number(w[1], where);
    } else if (op == "items") {  // items N: the number of materialised (non-matched) items
      need(2);
      c->items_line = n;
      c->items = number(w[1], where);
    } else {
      throw std::runtime_error(where + ": unknown line '" + op + "'");
    }
  }
  return cases;
}

std::string amount_text(const std::optional<Vnd>& v) {
  return v ? std::to_string(*v) : "-";
}

TEST(ReconciliationEngineCases, EveryCaseOfTheTableGivesItsExpectedOutcomeAndRefund) {
  const auto file =
      std::filesystem::path(LIENTHONG_SOURCE_DIR) / "tests/gateway/flows/reconciliation/engine_cases.txt";
  std::deque<CaseSpec> cases;
  ASSERT_NO_THROW(cases = load_cases(file)) << file;
  ASSERT_FALSE(cases.empty());
  std::set<std::string> names, reasons_expected;
  for (auto& c : cases) {
    SCOPED_TRACE("case " + c.name + " (engine_cases.txt:" + std::to_string(c.line) + ")");
    EXPECT_TRUE(names.insert(c.name).second) << "case name used twice";
    Dataset data;
    data.set_has_obligations(c.has_obligations);
    for (const auto& o : c.owes) data.add_obligation(o);
    for (const auto& p : c.pays) data.add_payment(p);
    for (const auto& b : c.banks) data.add_bank(b);
    for (const auto& t : c.credits) data.add_treasury(t);
    WorkingDays wd;
    if (c.province_calendar) {
      static const calendar::WorkingDayCalendar kCalendar;  // statutory holidays, Tết, days off in lieu
      wd = WorkingDays(c.period.from - 60, c.period.as_of + 60,
                       [](Day d) { return kCalendar.is_working_day(d); });
      c.period.working_days = &wd;
    }
    RunResult r = reconcile(data, c.rules, c.period);
    std::map<std::string, const ReconciliationItem*> by_key;
    for (const auto& it : r.items) by_key[it.key] = &it;
    for (const auto& e : c.expects) {
      SCOPED_TRACE("expect at line " + std::to_string(e.line) + ": " + e.key);
      reasons_expected.insert(e.reason);
      if (e.reason == "matched") {
        EXPECT_EQ(by_key.count(e.key), 0u) << "expected matched (no item), got "
                                           << (by_key.count(e.key) ? to_string(by_key[e.key]->reason) : "");
        continue;
      }
      auto found = by_key.find(e.key);
      if (found == by_key.end()) {
        std::string keys;
        for (const auto& [k, it] : by_key) keys += " " + k + "=" + std::string(to_string(it->reason));
        ADD_FAILURE() << "no item " << e.key << "; items:" << keys;
        continue;
      }
      const ReconciliationItem& it = *found->second;
      EXPECT_EQ(to_string(it.reason), e.reason) << it.detail;
      // The refund is always checked: a case that does not name one expects none.
      auto refund = e.fields.count("refund") ? e.fields.at("refund") : "0";
      EXPECT_EQ(std::to_string(it.refund_amount), refund) << "refund";
      for (const auto& [k, v] : e.fields) {
        if (k == "refund") continue;
        if (k == "portal") {
          EXPECT_EQ(amount_text(it.portal_amount), v) << k;
        } else if (k == "bank") {
          EXPECT_EQ(amount_text(it.bank_amount), v) << k;
        } else if (k == "treasury") {
          EXPECT_EQ(amount_text(it.treasury_amount), v) << k;
        } else if (k == "obligation") {
          EXPECT_EQ(amount_text(it.obligation_amount), v) << k;
        } else if (k == "dossier") {
          EXPECT_EQ(it.dossier, v) << k;
        } else if (k == "detail~") {
          EXPECT_NE(it.detail.find(v), std::string::npos)
              << "detail '" << it.detail << "' lacks '" << v << "'";
        } else {
          ADD_FAILURE() << "unknown expectation field '" << k << "'";
        }
      }
    }
    for (const auto& [reason, lc] : c.counts) {
      reasons_expected.insert(reason);
      EXPECT_EQ(r.summary.by_class[static_cast<int>(*reason_from_string(reason))].count, lc.second)
          << "count " << reason << " (line " << lc.first << ")";
    }
    if (c.issues >= 0) {
      EXPECT_EQ(static_cast<int64_t>(r.issues.size()), c.issues) << "issues (line " << c.issues_line << ")";
      for (const auto& i : r.issues) {
        EXPECT_NE(i.reason.find(c.issue_text), std::string::npos)
            << i.file << ":" << i.line << " " << i.reason;
      }
    }
    if (c.refund_credits >= 0) {
      EXPECT_EQ(static_cast<int64_t>(r.refund_credits.size()), c.refund_credits) << "refund_credits";
    }
    if (c.items >= 0) {
      EXPECT_EQ(static_cast<int64_t>(r.items.size()), c.items) << "items (line " << c.items_line << ")";
    }
  }
  // The table covers every reason code: a new code without a case fails here.
  for (int i = 0; i < kReasonCount; ++i) {
    auto name = std::string(to_string(static_cast<ReasonCode>(i)));
    EXPECT_TRUE(reasons_expected.count(name)) << "no case expects reason " << name;
  }
}

}  // namespace
}  // namespace lienthong::reconciliation
