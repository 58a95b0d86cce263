#include "adapters/dvcqg/handover_record.hpp"

#include <array>
#include <string_view>

#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"

namespace lienthong::adapters::dvcqg {

namespace {

// The members of a hand-over the province keeps (AddTKBMRequestParams of the public
// receiver, docs/contracts/national_push.md); the files are read separately. Others are
// listed by name in the record ("unread"), never kept.
constexpr std::array<std::string_view, 23> kTextMembers = {"MaHoSo",
                                                           "MaTTHC",
                                                           "SoVanBan",
                                                           "NgayNopHoSo",
                                                           "TenThuongNhan",
                                                           "DienThoai",
                                                           "Fax",
                                                           "Email",
                                                           "MaSoThue",
                                                           "NguoiLienHe",
                                                           "SoDienThoaiNguoiLienHe",
                                                           "TenChuongTrinhKhuyenMai",
                                                           "HinhThucKhuyenMai",
                                                           "ThoiGianKhuyenMaiTu",
                                                           "ThoiGianKhuyenMaiDen",
                                                           "HangHoaDichVuKhuyenMai",
                                                           "SoLuongHangHoaDichVu",
                                                           "KhachHang",
                                                           "CoCauGiaiThuong",
                                                           "TongGiaTriHangHoa",
                                                           "NoiDungChiTiet",
                                                           "TenCacThuongNhanCungThucHien",
                                                           "TenTepDonDangKy"};
constexpr std::array<std::string_view, 4> kAddressMembers = {"MaTinh", "MaHuyen", "MaXa", "DiaChiChiTiet"};
constexpr size_t kMaxCodeBytes = 64;

bool is_text_member(std::string_view name) {
  for (auto m : kTextMembers)
    if (m == name) return true;
  return false;
}

Error invalid(std::string what) {
  return Error(ErrorKind::kParse, "hand-over: " + std::move(what));
}

Error too_large(std::string what) {
  Error e(ErrorKind::kValidation, "hand-over: " + std::move(what));
  e.code = webhooks::kRecordTooLarge;
  return e;
}

// A dossier or procedure code: printable ASCII, at most kMaxCodeBytes (it is a key, shown
// in answers and listings).
bool valid_code(std::string_view s) {
  if (s.empty() || s.size() > kMaxCodeBytes) return false;
  for (char c : s)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

struct DecodedFile {
  std::string role, name, sha256, base64;
  int64_t bytes = 0;
};

class HandoverReader {
 public:
  explicit HandoverReader(const webhooks::RecordLimits& limits) : limits_(limits) {}

  Result<DecodedFile> file(std::string role, std::string where, const rapidjson::Value* name,
                           const rapidjson::Value& content) {
    if (!content.IsString()) return invalid(where + ": not a string of base64");
    if (!name || !name->IsString() || name->GetStringLength() == 0)
      return invalid(where + ": a file without its name");
    std::string_view b64(content.GetString(), content.GetStringLength());
    auto decoded = base64_decode(b64);
    if (!decoded.ok()) return decoded.error().context("hand-over: " + where);
    if (decoded->size() > limits_.file_bytes) {
      return too_large(where + ": " + std::to_string(decoded->size()) + " bytes, over the limit of " +
                       std::to_string(limits_.file_bytes) + " per file (record_limits.file_bytes)");
    }
    total_ += decoded->size();
    if (total_ > limits_.record_bytes) {
      return too_large("the files up to " + where + " are " + std::to_string(total_) +
                       " bytes, over the limit of " + std::to_string(limits_.record_bytes) +
                       " per dossier (record_limits.record_bytes)");
    }
    DecodedFile f;
    f.role = std::move(role);
    f.name.assign(name->GetString(), name->GetStringLength());
    f.sha256 = sha256_hex(*decoded);
    f.bytes = static_cast<int64_t>(decoded->size());
    f.base64 = base64_encode(*decoded);  // canonical: no whitespace, whatever was sent
    return f;
  }
  size_t total() const { return total_; }

 private:
  webhooks::RecordLimits limits_;
  size_t total_ = 0;
};

// The record: {"h": digest, "c": {"code","tthc","fields","unread","files":[{role,name,sha256,bytes}]},
// "b": {sha256: base64}}; "h" is the SHA-256 of "c" as written.
Result<webhooks::RecordKind::Read> read_handover(const std::string& body,
                                                 const webhooks::RecordLimits& limits) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(body, "hand-over"));
  if (!doc.IsObject()) return invalid("the body is not a JSON object");
  auto code = json::get_string(doc, "MaHoSo");
  if (!code || !valid_code(*code))
    return invalid("MaHoSo: missing, empty, longer than 64 bytes or not printable ASCII");
  auto tthc = json::get_string(doc, "MaTTHC");
  if (!tthc || !valid_code(*tthc))
    return invalid("MaTTHC: missing, empty, longer than 64 bytes or not printable ASCII");

  std::string fields;
  json::ObjectWriter fw(fields);
  std::string unread;
  for (auto& m : doc.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "TepDonDangKy" || name == "TaiLieuNop") continue;
    if (is_text_member(name)) {
      if (m.value.IsNull()) continue;
      if (!m.value.IsString()) return invalid(std::string(name) + ": not a string");
      fw.str(name, std::string_view(m.value.GetString(), m.value.GetStringLength()));
    } else if (name == "DiaChiDoanhNghiep") {
      if (m.value.IsNull()) continue;
      if (!m.value.IsObject()) return invalid("DiaChiDoanhNghiep: not an object");
      std::string address;
      json::ObjectWriter aw(address);
      for (auto part : kAddressMembers) {
        const rapidjson::Value* v = json::member(m.value, part);
        if (!v || v->IsNull()) continue;
        if (!v->IsString()) return invalid("DiaChiDoanhNghiep." + std::string(part) + ": not a string");
        aw.str(part, std::string_view(v->GetString(), v->GetStringLength()));
      }
      aw.close();
      fw.key(name);
      fields += address;
    } else {
      if (!unread.empty()) unread += ',';
      json::append_string(unread, name);
    }
  }
  fw.close();

  HandoverReader reader(limits);
  std::vector<DecodedFile> files;
  if (const rapidjson::Value* form = json::member(doc, "TepDonDangKy"); form && !form->IsNull()) {
    if (!(form->IsString() && form->GetStringLength() == 0)) {
      LT_ASSIGN_OR_RETURN(
          auto f, reader.file("TepDonDangKy", "TepDonDangKy", json::member(doc, "TenTepDonDangKy"), *form));
      files.push_back(std::move(f));
    }
  }
  if (const rapidjson::Value* docs = json::member(doc, "TaiLieuNop"); docs && !docs->IsNull()) {
    if (!docs->IsArray()) return invalid("TaiLieuNop: not an array");
    for (rapidjson::SizeType i = 0; i < docs->Size(); ++i) {
      const rapidjson::Value& item = (*docs)[i];
      std::string where = "TaiLieuNop[" + std::to_string(i) + "]";
      if (!item.IsObject()) return invalid(where + ": not an object");
      const rapidjson::Value* content = json::member(item, "Base64");
      if (!content) return invalid(where + ".Base64: missing");
      LT_ASSIGN_OR_RETURN(auto f,
                          reader.file("TaiLieuNop", where, json::member(item, "TenTepDinhKem"), *content));
      files.push_back(std::move(f));
    }
  }

  std::string content;
  json::ObjectWriter cw(content);
  cw.str("code", *code).str("tthc", *tthc).key("fields");
  content += fields;
  cw.key("unread");
  content += "[" + unread + "]";
  cw.key("files");
  content += '[';
  for (size_t i = 0; i < files.size(); ++i) {
    if (i) content += ',';
    json::ObjectWriter f(content);
    f.str("role", files[i].role)
        .str("name", files[i].name)
        .str("sha256", files[i].sha256)
        .num("bytes", files[i].bytes);
    f.close();
  }
  content += ']';
  cw.close();

  webhooks::RecordKind::Read r;
  json::ObjectWriter rw(r.record);
  rw.str("h", sha256_hex(content)).key("c");
  r.record += content;
  rw.key("b");
  json::ObjectWriter bw(r.record);
  for (const auto& f : files) bw.str(f.sha256, f.base64);
  bw.close();
  rw.close();
  r.summary = "hồ sơ " + *code + " (" + std::to_string(files.size()) + " tệp, " +
              std::to_string(reader.total()) + " byte)";
  return r;
}

// Exact decoded size of canonical (unbroken, padded) base64.
int64_t decoded_bytes(std::string_view b64) {
  size_t pad = b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0;
  return static_cast<int64_t>(b64.size() / 4 * 3 - pad);
}

constexpr const char* kDossierColumns =
    "code, procedure_code, content_sha256, versions, received_at_ms, updated_at_ms, fields, files";

Result<HandedOverDossier> from_row(const store::Row& row) {
  HandedOverDossier d;
  d.code = row.str(0);
  d.procedure_code = row.str(1);
  d.content_sha256 = row.str(2);
  d.versions = row.i64(3);
  d.received_at_ms = row.i64(4);
  d.updated_at_ms = row.i64(5);
  d.fields = row.str(6);
  LT_ASSIGN_OR_RETURN(auto files, json::parse(row.str(7), "handover_dossiers.files"));
  if (!files.IsArray())
    return Error(ErrorKind::kStore, "handover_dossiers.files of " + d.code + ": not an array");
  for (const auto& f : files.GetArray()) {
    HandoverFile h;
    h.role = json::get_string(f, "role").value_or("");
    h.name = json::get_string(f, "name").value_or("");
    h.sha256 = json::get_string(f, "sha256").value_or("");
    h.bytes = json::get_int(f, "bytes").value_or(0);
    d.files.push_back(std::move(h));
  }
  return d;
}

class HandoverRecordKind final : public webhooks::RecordKind {
 public:
  Result<Read> read(const std::string& body) const override { return read_handover(body, {}); }
  Result<Read> read(const std::string& body, const webhooks::RecordLimits& limits) const override {
    return read_handover(body, limits);
  }

  // New MaHoSo: stored. Same MaHoSo and content: a duplicate, nothing changes. Same
  // MaHoSo, other content: an update (fields and files replaced, versions + 1). Files are
  // content-addressed: a file sent twice is stored once.
  Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const override {
    LT_ASSIGN_OR_RETURN(auto d, json::parse(record, "hand-over record"));
    const rapidjson::Value* c = d.IsObject() ? json::member(d, "c") : nullptr;
    const rapidjson::Value* b = d.IsObject() ? json::member(d, "b") : nullptr;
    auto h = d.IsObject() ? json::get_string(d, "h") : std::nullopt;
    if (!c || !c->IsObject() || !b || !b->IsObject() || !h)
      return Error(ErrorKind::kParse, "hand-over record: not {h, c, b}");
    auto code = json::get_string(*c, "code");
    auto tthc = json::get_string(*c, "tthc");
    const rapidjson::Value* fields = json::member(*c, "fields");
    const rapidjson::Value* files = json::member(*c, "files");
    if (!code || !tthc || !fields || !files) return Error(ErrorKind::kParse, "hand-over record: incomplete");
    for (const auto& m : b->GetObject()) {
      if (!m.value.IsString()) return Error(ErrorKind::kParse, "hand-over record: a file is not base64");
      std::string_view sha(m.name.GetString(), m.name.GetStringLength());
      std::string_view b64(m.value.GetString(), m.value.GetStringLength());
      LT_TRY(
          db.exec("INSERT INTO handover_files (sha256, bytes, content_base64) VALUES (?, ?, ?)"
                  " ON CONFLICT DO NOTHING",
                  {sha, decoded_bytes(b64), b64}));
    }
    LT_ASSIGN_OR_RETURN(auto rows,
                        db.query("SELECT content_sha256 FROM handover_dossiers WHERE code = ?", {*code}));
    std::string fields_json = json::to_string(*fields);
    std::string files_json = json::to_string(*files);
    if (rows.empty()) {
      LT_TRY(db.exec(
          "INSERT INTO handover_dossiers (code, procedure_code, content_sha256, versions, received_at_ms,"
          " updated_at_ms, fields, files) VALUES (?, ?, ?, 1, ?, ?, ?, ?)",
          {*code, *tthc, *h, received_at_ms, received_at_ms, fields_json, files_json}));
      return {};
    }
    if (rows[0].str(0) == *h) return {};
    LT_TRY(db.exec(
        "UPDATE handover_dossiers SET procedure_code = ?, content_sha256 = ?, versions = versions + 1,"
        " updated_at_ms = ?, fields = ?, files = ? WHERE code = ?",
        {*tthc, *h, received_at_ms, fields_json, files_json, *code}));
    return {};
  }

  std::vector<store::Migration> migrations() const override {
    return {{"dvcqg_handover", 1,
             "CREATE TABLE handover_dossiers (code TEXT PRIMARY KEY, procedure_code TEXT NOT NULL,"
             " content_sha256 TEXT NOT NULL, versions INTEGER NOT NULL, received_at_ms BIGINT NOT NULL,"
             " updated_at_ms BIGINT NOT NULL, fields TEXT NOT NULL, files TEXT NOT NULL);"
             "CREATE TABLE handover_files (sha256 TEXT PRIMARY KEY, bytes BIGINT NOT NULL,"
             " content_base64 TEXT NOT NULL)"}};
  }
};

}  // namespace

std::shared_ptr<const webhooks::RecordKind> make_handover_record_kind() {
  return std::make_shared<HandoverRecordKind>();
}

void add_handover_record_kinds(webhooks::RecordKinds& kinds) {
  kinds.add(kHandoverKind, make_handover_record_kind());
}

Result<std::vector<HandedOverDossier>> list_handovers(store::Database& db, int64_t limit) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db.query(std::string("SELECT ") + kDossierColumns +
                                   " FROM handover_dossiers ORDER BY updated_at_ms DESC, code LIMIT ?",
                               {limit}));
  std::vector<HandedOverDossier> out;
  for (const auto& row : rows) {
    LT_ASSIGN_OR_RETURN(auto d, from_row(row));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<HandedOverDossier>> find_handover(store::Database& db, const std::string& code) {
  LT_ASSIGN_OR_RETURN(
      auto rows,
      db.query(std::string("SELECT ") + kDossierColumns + " FROM handover_dossiers WHERE code = ?", {code}));
  if (rows.empty()) return std::optional<HandedOverDossier>{};
  LT_ASSIGN_OR_RETURN(auto d, from_row(rows[0]));
  return std::optional<HandedOverDossier>(std::move(d));
}

Result<std::optional<std::string>> read_handover_file(store::Database& db, const std::string& sha256) {
  LT_ASSIGN_OR_RETURN(auto rows,
                      db.query("SELECT content_base64 FROM handover_files WHERE sha256 = ?", {sha256}));
  if (rows.empty()) return std::optional<std::string>{};
  LT_ASSIGN_OR_RETURN(auto bytes, base64_decode(rows[0].str(0)));
  return std::optional<std::string>(std::move(bytes));
}

}  // namespace lienthong::adapters::dvcqg
