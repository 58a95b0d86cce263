#include "adapters/tax/push_inbox.hpp"

#include <map>
#include <set>

#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"

namespace lienthong::tax {

// What is kept of a push: its lines, without the taxpayer id, the payer's name, ID number
// or address (personal data the reconciliation does not need).
//   notice:  {"n":[{"d":MA_HSO,"r":SO_QUYET_DINH,"t":NGAY_QUYET_DINH,"i":TEN_TIEUMUC,"a":SO_TIEN}]}
//   voucher: {"v":[{"d":MaHoSo,"r":MaThongBaoThue,"a":SoTien,"p":paid_at_ms,"s":paid 1|0}]}
std::string kept_lines(const PushContent& c) {
  std::string out = c.notices.empty() && !c.vouchers.empty() ? "{\"v\":[" : "{\"n\":[";
  bool first = true;
  auto field = [&out](const char* k, std::string_view v) {
    out += ",\"";
    out += k;
    out += "\":";
    json::append_string(out, v);
  };
  for (const auto& l : c.notices) {
    out += first ? "{" : ",{";
    first = false;
    out += "\"d\":";
    json::append_string(out, l.dossier);
    field("r", l.notice_number);
    field("t", l.decision_date);
    field("i", l.item_name);
    out += ",\"a\":" + std::to_string(l.amount) + "}";
  }
  for (const auto& v : c.vouchers) {
    out += first ? "{" : ",{";
    first = false;
    out += "\"d\":";
    json::append_string(out, v.dossier);
    field("r", v.notice_number);
    out += ",\"a\":" + std::to_string(v.amount) + ",\"p\":" + std::to_string(v.paid_at_ms) +
           ",\"s\":" + (v.paid ? "1" : "0") + "}";
  }
  out += "]}";
  return out;
}

namespace {

Result<PushContent> read_kept_lines(const std::string& text) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(text, "stored tax push"));
  PushContent c;
  auto bad = [] { return make_error(ErrorKind::kParse, "stored tax push: unexpected content"); };
  if (!doc.IsObject()) return bad();
  if (const auto* n = json::member(doc, "n"); n && n->IsArray()) {
    for (const auto& e : n->GetArray()) {
      if (!e.IsObject()) return bad();
      NoticeLine l;
      l.dossier = json::get_string(e, "d").value_or("");
      l.notice_number = json::get_string(e, "r").value_or("");
      l.decision_date = json::get_string(e, "t").value_or("");
      l.item_name = json::get_string(e, "i").value_or("");
      l.amount = json::get_int(e, "a").value_or(0);
      if (l.dossier.empty() || l.amount <= 0) return bad();
      c.notices.push_back(std::move(l));
    }
  } else if (const auto* v = json::member(doc, "v"); v && v->IsArray()) {
    for (const auto& e : v->GetArray()) {
      if (!e.IsObject()) return bad();
      Voucher x;
      x.dossier = json::get_string(e, "d").value_or("");
      x.notice_number = json::get_string(e, "r").value_or("");
      x.amount = json::get_int(e, "a").value_or(0);
      x.paid_at_ms = json::get_int(e, "p").value_or(0);
      x.paid = json::get_int(e, "s").value_or(0) == 1;
      if (x.dossier.empty() || x.amount <= 0) return bad();
      c.vouchers.push_back(std::move(x));
    }
  } else {
    return bad();
  }
  return c;
}

}  // namespace

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
  return store_kept(kind, {e.service, c.dossiers, sha256_hex(e.data), e.ngay, e.is_updating, kept_lines(c)},
                    clock_.now_ms());
}

Result<bool> PushInbox::store_kept(PushKind kind, const Kept& k, int64_t received_at_ms) {
  auto changed = db_.exec(
      "INSERT INTO tax_pushes (kind, service, dossiers, content_sha256, ngay, is_updating, data, "
      "received_at_ms)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {std::string(push_kind_name(kind)), k.service, k.dossiers, k.content_sha256, k.ngay, k.is_updating,
       k.lines, received_at_ms});
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
    auto c = read_kept_lines(r.str(1));
    if (!c.ok()) {
      // Stored lines were validated before they were stored: this is a damaged row.
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
