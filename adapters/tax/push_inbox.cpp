#include "adapters/tax/push_inbox.hpp"

#include <map>
#include <set>

#include "gateway/common/digest.hpp"

namespace lienthong::tax {

std::vector<store::Migration> push_migrations() {
  return {
      {"tax_push", 1,
       "CREATE TABLE tax_pushes ("
       " kind TEXT NOT NULL, service TEXT NOT NULL, dossiers TEXT NOT NULL, content_sha256 TEXT NOT NULL,"
       " ngay TEXT NOT NULL, is_updating TEXT NOT NULL, data TEXT NOT NULL, received_at_ms INTEGER NOT NULL,"
       " PRIMARY KEY (kind, service, dossiers, content_sha256));"
       "CREATE INDEX tax_pushes_received ON tax_pushes (received_at_ms)"}};
}

Result<bool> PushInbox::store(PushKind kind, const PushEnvelope& e, const PushContent& c) {
  auto changed = db_.exec(
      "INSERT INTO tax_pushes (kind, service, dossiers, content_sha256, ngay, is_updating, data, "
      "received_at_ms)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {std::string(push_kind_name(kind)), e.service, c.dossiers, sha256_hex(e.data), e.ngay, e.is_updating,
       e.data, clock_.now_ms()});
  if (!changed.ok()) return changed.error().context("storing tax push");
  return *changed > 0;
}

Result<int64_t> PushInbox::load(const std::string& agency, reconciliation::Dataset& out) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT kind, data FROM tax_pushes ORDER BY received_at_ms, kind,"
                                           " service, dossiers, content_sha256"));
  // Latest line per (dossier, notice number): an update replaces, a replay changes nothing.
  std::map<std::pair<std::string, std::string>, std::pair<NoticeLine, uint32_t>> notices;
  std::map<std::pair<std::string, std::string>, std::pair<Voucher, uint32_t>> vouchers;
  uint32_t n = 0;
  for (const auto& r : rows) {
    ++n;
    PushKind kind = r.str(0) == "notice" ? PushKind::kNotice : PushKind::kVoucher;
    out.set_has_obligations(out.has_obligations() || kind == PushKind::kNotice);
    auto c = parse_push_data(kind, r.str(1));
    if (!c.ok()) {
      // Stored pushes were parsed before they were stored; this is a reader that changed.
      out.add_issue({"tax_pushes", n, c.error().message});
      continue;
    }
    // The key is built before the line is moved into the map's value.
    for (auto& l : c->notices) {
      std::pair<std::string, std::string> key{l.dossier, l.notice_number};
      notices[std::move(key)] = {std::move(l), n};
    }
    for (auto& v : c->vouchers) {
      std::pair<std::string, std::string> key{v.dossier, v.notice_number};
      vouchers[std::move(key)] = {std::move(v), n};
    }
  }
  std::set<std::pair<std::string, std::string>> have_obl;
  for (const auto& o : out.obligations()) {
    if (o.dossier == reconciliation::Interner::kNone) continue;
    have_obl.insert({std::string(out.dossiers().get(o.dossier)), std::string(o.ref)});
  }
  std::set<std::string> have_pay;
  for (const auto& p : out.payments()) have_pay.insert(std::string(p.ref));
  int64_t added = 0;
  for (const auto& [key, lv] : notices) {
    if (have_obl.count(key)) continue;
    const auto& l = lv.first;
    out.add_obligation({l.dossier, agency, l.notice_number, l.amount, lv.second});
    ++added;
  }
  for (const auto& [key, vv] : vouchers) {
    const auto& v = vv.first;
    if (have_pay.count(v.notice_number)) continue;
    out.add_payment({v.notice_number, v.dossier, agency, v.amount, v.paid_at_ms,
                     v.paid ? reconciliation::PaymentStatus::kPaid : reconciliation::PaymentStatus::kPending,
                     vv.second});
    ++added;
  }
  return added;
}

Result<int64_t> PushInbox::count(PushKind kind) {
  LT_ASSIGN_OR_RETURN(auto rows, db_.query("SELECT count(*) FROM tax_pushes WHERE kind = ?",
                                           {std::string(push_kind_name(kind))}));
  return rows[0].i64(0);
}

}  // namespace lienthong::tax
