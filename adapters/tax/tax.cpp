#include "adapters/tax/tax.hpp"

#include <algorithm>
#include <cmath>
#include <pugixml.hpp>
#include <set>

#include "gateway/core/common/json.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/reconciliation/amount.hpp"

namespace lienthong::tax {

namespace {

std::string text_of(const pugi::xml_node& n, const char* name) {
  std::string s = n.child(name).text().get();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.pop_back();
  size_t i = s.find_first_not_of(" \n\r\t");
  return i == std::string::npos ? std::string() : s.substr(i);
}

std::optional<int64_t> parse_paid_at(std::string_view s) {
  if (auto ms = vn_time::parse_compact(s)) return ms;
  if (auto ms = vn_time::parse_iso(s)) return ms;
  // dd/MM/yyyy HH:mm:ss as the tax system shows dates.
  if (s.size() == 19 && s[2] == '/' && s[5] == '/' && s[10] == ' ') {
    std::string c = std::string(s.substr(6, 4)) + std::string(s.substr(3, 2)) + std::string(s.substr(0, 2)) +
                    std::string(s.substr(11, 2)) + std::string(s.substr(14, 2)) +
                    std::string(s.substr(17, 2));
    return vn_time::parse_compact(c);
  }
  return std::nullopt;
}

template <class F>
Status for_each_element(const std::string& path, F&& f) {
  LT_ASSIGN_OR_RETURN(std::string text, json::read_file(path));
  auto doc = json::parse(text, path);
  if (!doc.ok())
    return make_error(ErrorKind::kParse, doc.error().message + " (expected a JSON array or object)");
  if (doc->IsArray()) {
    uint32_t i = 0;
    for (const auto& v : doc->GetArray()) f(json::to_string(v), ++i);
  } else if (doc->IsObject()) {
    f(std::string(text), 1u);
  } else {
    return make_error(ErrorKind::kParse, path + ": expected a JSON array of records or one record object");
  }
  return Status();
}

}  // namespace

Result<std::vector<NoticeLine>> parse_notice_xml(std::string_view xml) {
  pugi::xml_document doc;
  auto res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res) {
    return make_error(ErrorKind::kParse, std::string("tax notice XML: ") + res.description() + " at offset " +
                                             std::to_string(res.offset));
  }
  pugi::xml_node body = doc.child("DATA").child("BODY");
  if (!body) return make_error(ErrorKind::kParse, "tax notice XML: no DATA/BODY element");
  std::vector<NoticeLine> out;
  int row_no = 0;
  // One ROW_LIST per dossier; each LIST in it is one line (the public receiver reads them
  // all). Older files wrapped the lines in ROW_LIST/ROW and LIST/ITEM: still read.
  auto handle_line = [&](const pugi::xml_node& it, const std::string& dossier,
                         const std::string& where) -> Status {
    if (text_of(it, "MA_SO_THUE").empty())
      return make_error(ErrorKind::kValidation, where + ": MA_SO_THUE empty");
    NoticeLine l;
    l.dossier = dossier;
    l.notice_number = text_of(it, "SO_QUYET_DINH");
    l.decision_date = text_of(it, "NGAY_QUYET_DINH");
    l.item_name = text_of(it, "TEN_TIEUMUC");
    if (l.notice_number.empty()) return make_error(ErrorKind::kValidation, where + ": SO_QUYET_DINH empty");
    auto amount = reconciliation::parse_vnd(text_of(it, "SO_TIEN"));
    if (!amount.ok()) return amount.error().context(where + ": SO_TIEN");
    if (*amount <= 0) return make_error(ErrorKind::kValidation, where + ": SO_TIEN must be positive");
    l.amount = *amount;
    out.push_back(std::move(l));
    return Status();
  };
  auto handle_row = [&](const pugi::xml_node& row) -> Status {
    ++row_no;
    std::string at = "tax notice ROW_LIST " + std::to_string(row_no);
    std::string dossier = text_of(row, "MA_HSO");
    if (dossier.empty()) return make_error(ErrorKind::kValidation, at + ": MA_HSO empty");
    at += " (MA_HSO " + dossier + ")";
    int list_no = 0;
    for (auto list : row.children("LIST")) {
      ++list_no;
      std::string where = at + " LIST " + std::to_string(list_no);
      if (list.child("SO_TIEN") || list.child("SO_QUYET_DINH") || list.child("MA_SO_THUE")) {
        LT_TRY(handle_line(list, dossier, where));
        continue;
      }
      int item_no = 0;
      for (auto c : list.children()) {
        if (c.type() != pugi::node_element) continue;
        LT_TRY(handle_line(c, dossier, where + " item " + std::to_string(++item_no)));
      }
      if (item_no == 0) return make_error(ErrorKind::kValidation, where + ": empty (no SO_TIEN)");
    }
    if (list_no == 0) return make_error(ErrorKind::kValidation, at + ": no LIST");
    return Status();
  };
  bool any = false;
  for (auto rl : body.children("ROW_LIST")) {
    any = true;
    if (rl.child("MA_HSO")) {
      LT_TRY(handle_row(rl));
    } else {
      bool rows = false;
      for (auto row : rl.children()) {
        if (row.type() != pugi::node_element) continue;
        rows = true;
        LT_TRY(handle_row(row));
      }
      if (!rows)
        return make_error(ErrorKind::kValidation,
                          "tax notice ROW_LIST " + std::to_string(row_no + 1) + ": no MA_HSO");
    }
  }
  if (!any) return make_error(ErrorKind::kParse, "tax notice XML: no ROW_LIST under DATA/BODY");
  return out;
}

namespace {

// Data.FileThongBaoThue (public envelope) or the older file shape's top-level "data".
Result<std::string> notice_base64(const rapidjson::Value& doc, std::string_view what) {
  if (const auto* d = json::member(doc, "Data"); d && d->IsObject()) {
    const auto* f = json::member(*d, "FileThongBaoThue");
    if (!f || !f->IsString())
      return make_error(ErrorKind::kValidation,
                        std::string(what) + ": Data.FileThongBaoThue missing or not a string");
    return std::string(f->GetString(), f->GetStringLength());
  }
  if (const auto* f = json::member(doc, "FileThongBaoThue"); f && f->IsString())
    return std::string(f->GetString(), f->GetStringLength());
  for (const char* k : {"data", "Data", "DuLieu"}) {
    if (auto v = json::get_string(doc, k)) return *v;
  }
  return make_error(ErrorKind::kParse, std::string(what) + ": no Data.FileThongBaoThue member");
}

}  // namespace

Result<std::vector<NoticeLine>> parse_notice_envelope(std::string_view text) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(text, "tax notice envelope"));
  if (!doc.IsObject()) return make_error(ErrorKind::kParse, "tax notice envelope: not a JSON object");
  LT_ASSIGN_OR_RETURN(std::string b64, notice_base64(doc, "tax notice envelope"));
  auto xml = base64_decode(b64);
  if (!xml.ok()) return xml.error().context("tax notice Data.FileThongBaoThue");
  return parse_notice_xml(*xml);
}

namespace {

// A JSON number with no fraction in the range of amounts (the cast is defined there).
bool whole_vnd(double d) {
  return d >= 0 && d < 1e15 && d == std::floor(d);
}

Result<std::vector<Voucher>> parse_voucher_data(const rapidjson::Value& doc) {
  auto dossier = json::get_string(doc, "MaHoSo");
  if (!dossier || dossier->empty()) return make_error(ErrorKind::kValidation, "tax voucher: MaHoSo missing");
  auto tin = json::get_string(doc, "MaSoThue");
  if (!tin || tin->empty()) return make_error(ErrorKind::kValidation, "tax voucher: MaSoThue missing");
  const auto* info = json::member(doc, "ThongTinThanhToan");
  if (!info || !(info->IsObject() || info->IsArray())) {
    return make_error(ErrorKind::kValidation, "tax voucher: ThongTinThanhToan missing");
  }
  std::vector<const rapidjson::Value*> parts;
  if (info->IsObject()) {
    parts.push_back(info);
  } else {
    for (const auto& v : info->GetArray()) parts.push_back(&v);
  }
  std::vector<Voucher> out;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& p = *parts[i];
    std::string where = "tax voucher ThongTinThanhToan[" + std::to_string(i) + "]";
    if (!p.IsObject()) return make_error(ErrorKind::kValidation, where + ": not an object");
    Voucher v;
    v.dossier = *dossier;
    auto num = json::get_string(p, "MaThongBaoThue");
    if (!num || num->empty()) return make_error(ErrorKind::kValidation, where + ": MaThongBaoThue missing");
    v.notice_number = *num;
    const auto* amt = json::member(p, "SoTien");
    if (amt && amt->IsInt64()) {
      v.amount = amt->GetInt64();
    } else if (amt && amt->IsDouble() && whole_vnd(amt->GetDouble())) {
      v.amount = static_cast<int64_t>(amt->GetDouble());  // the public receiver reads a double
    } else if (amt && amt->IsString()) {
      auto a = reconciliation::parse_vnd(amt->GetString());
      if (!a.ok()) return a.error().context(where + ": SoTien");
      v.amount = *a;
    } else {
      return make_error(ErrorKind::kValidation, where + ": SoTien must be a whole number of VND");
    }
    if (v.amount <= 0) return make_error(ErrorKind::kValidation, where + ": SoTien must be positive");
    auto when = json::get_string(p, "ThoiGianThanhToan");
    auto ms = when ? parse_paid_at(*when) : std::nullopt;
    if (!ms) return make_error(ErrorKind::kValidation, where + ": ThoiGianThanhToan is not a date-time");
    v.paid_at_ms = *ms;
    const auto* st = json::member(p, "TrangThaiThanhToan");
    if (st && st->IsInt()) {
      v.paid = st->GetInt() == 1;
    } else if (st && st->IsString()) {
      v.paid = std::string_view(st->GetString()) == "1";
    } else {
      return make_error(ErrorKind::kValidation, where + ": TrangThaiThanhToan missing");
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

Result<std::vector<Voucher>> parse_voucher(std::string_view text) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(text, "tax voucher"));
  if (!doc.IsObject()) return make_error(ErrorKind::kParse, "tax voucher: not a JSON object");
  // The public envelope carries the voucher in Data; a file may hold the bare Data object.
  const rapidjson::Value* data = json::member(doc, "Data");
  if (data && !data->IsObject())
    return make_error(ErrorKind::kValidation, "tax voucher: Data is not an object");
  const rapidjson::Value& d = data ? *data : static_cast<const rapidjson::Value&>(doc);
  return parse_voucher_data(d);
}

std::string_view push_kind_name(PushKind k) {
  return k == PushKind::kNotice ? "notice" : "voucher";
}

Result<PushEnvelope> parse_push_envelope(std::string_view body) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(body, "push envelope"));
  if (!doc.IsObject()) return make_error(ErrorKind::kParse, "push envelope: not a JSON object");
  PushEnvelope e;
  // Two spellings arrive: S1's {SecurityKey, Service, Ngay, IsUpdating, Data} and the
  // lower-case {service, isUpdating, data} of DVCQG's forwarded pushes (docs/contracts/tax.md,
  // "Envelope"). One envelope uses one of them: both spellings of a member refuse the push.
  struct Member {
    const char* upper;
    const char* lower;
    std::string* out;
  };
  for (const Member& m :
       {Member{"SecurityKey", "securityKey", &e.security_key}, Member{"Service", "service", &e.service},
        Member{"Ngay", "ngay", &e.ngay}, Member{"IsUpdating", "isUpdating", &e.is_updating}}) {
    const auto* up = json::member(doc, m.upper);
    const auto* low = json::member(doc, m.lower);
    if (up && low)
      return make_error(ErrorKind::kValidation,
                        std::string("push envelope: both ") + m.upper + " and " + m.lower + " are present");
    const char* key = up ? m.upper : m.lower;
    const auto* v = up ? up : low;
    if (!v || v->IsNull()) continue;
    // isUpdating: a boolean in the lower-case form is read as its text.
    if (v->IsBool() && std::string_view(key) == "isUpdating") {
      *m.out = v->GetBool() ? "true" : "false";
      continue;
    }
    // Every scalar of the envelope is a string in the public receiver's model.
    if (!v->IsString())
      return make_error(ErrorKind::kValidation, std::string("push envelope: ") + key + " is not a string");
    *m.out = std::string(v->GetString(), v->GetStringLength());
  }
  const auto* upper_data = json::member(doc, "Data");
  const auto* lower_data = json::member(doc, "data");
  if (upper_data && lower_data)
    return make_error(ErrorKind::kValidation, "push envelope: both Data and data are present");
  const auto* data = upper_data ? upper_data : lower_data;
  const char* name = upper_data ? "Data" : "data";
  if (!data) return make_error(ErrorKind::kValidation, "push envelope: Data missing (neither Data nor data)");
  if (!data->IsObject())
    return make_error(ErrorKind::kValidation, std::string("push envelope: ") + name + " is not an object");
  e.data = json::to_string(*data);
  return e;
}

bool security_key_matches(std::string_view given, std::string_view expected) {
  // Every byte of the longer of the two is looked at, whatever matches, so the time taken
  // says nothing about how much of the key was right.
  size_t n = std::max(given.size(), expected.size());
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char a = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    unsigned char b = i < expected.size() ? static_cast<unsigned char>(expected[i]) : 0;
    diff |= static_cast<unsigned char>(a ^ b);
  }
  return diff == 0 && !expected.empty();
}

Result<PushContent> parse_push_data(PushKind kind, std::string_view data_json) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(data_json, "push Data"));
  if (!doc.IsObject()) return make_error(ErrorKind::kValidation, "push Data: not an object");
  PushContent c;
  std::set<std::string> dossiers;
  if (kind == PushKind::kNotice) {
    const auto* f = json::member(doc, "FileThongBaoThue");
    if (!f || !f->IsString())
      return make_error(ErrorKind::kValidation, "Data.FileThongBaoThue missing or not a string");
    auto xml = base64_decode(std::string_view(f->GetString(), f->GetStringLength()));
    if (!xml.ok()) return xml.error().context("Data.FileThongBaoThue");
    LT_ASSIGN_OR_RETURN(c.notices, parse_notice_xml(*xml));
    for (const auto& l : c.notices) dossiers.insert(l.dossier);
  } else {
    LT_ASSIGN_OR_RETURN(c.vouchers, parse_voucher_data(doc));
    for (const auto& v : c.vouchers) dossiers.insert(v.dossier);
  }
  for (const auto& d : dossiers) {
    if (!c.dossiers.empty()) c.dossiers.push_back(',');
    c.dossiers += d;
  }
  return c;
}

Status read_notices(const std::string& path, const std::string& agency, reconciliation::Dataset& out) {
  out.set_has_obligations(true);
  return for_each_element(path, [&](const std::string& text, uint32_t index) {
    auto lines = parse_notice_envelope(text);
    if (!lines.ok()) {
      out.add_issue({path, index, lines.error().message});
      return;
    }
    for (const auto& l : *lines) out.add_obligation({l.dossier, agency, l.notice_number, l.amount, index});
  });
}

Status read_vouchers(const std::string& path, const std::string& agency, reconciliation::Dataset& out) {
  return for_each_element(path, [&](const std::string& text, uint32_t index) {
    auto vs = parse_voucher(text);
    if (!vs.ok()) {
      out.add_issue({path, index, vs.error().message});
      return;
    }
    for (const auto& v : *vs) {
      out.add_payment(
          {v.notice_number, v.dossier, agency, v.amount, v.paid_at_ms,
           v.paid ? reconciliation::PaymentStatus::kPaid : reconciliation::PaymentStatus::kPending, index});
    }
  });
}

}  // namespace lienthong::tax
