#include "adapters/dvcqg/handover_record.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <string_view>

#include "gateway/core/common/base64.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"

namespace lienthong::adapters::dvcqg {

namespace {

// The members of a hand-over the province keeps (AddTKBMRequestParams of the public
// receiver, docs/contracts/national_push.md); the files are read separately. Others are
// listed by name in the record ("unread"), never kept.
constexpr std::string_view kHandoverText[] = {"MaHoSo",
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
constexpr std::string_view kAddressMembers[] = {"MaTinh", "MaHuyen", "MaXa", "DiaChiChiTiet"};
// The amendment's data (HoSoThongBaoThucHienKhuyenMaiBoSung, ThongTinDaNop, ThongTinSuaDoi).
constexpr std::string_view kAmendmentText[] = {"MaHoSoQG",
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
                                               "LyDoDieuChinh",
                                               "NoiDungCamKetKhac",
                                               "TenTepDangKy"};
constexpr std::string_view kSubmittedMembers[] = {"MaHoSoQGDNP",
                                                  "SoVanBanDaNopDNP",
                                                  "NgayNopHoSoDNP",
                                                  "TenChuongTrinhKhuyenMaiDNP",
                                                  "ThoiGianKhuyenMaiTuDNP",
                                                  "ThoiGianKhuyenMaiDenDNP",
                                                  "DiaBanKhuyenMaiDNP"};
constexpr std::string_view kChangedMembers[] = {"SoLuongHangHoaDichVuKM", "HangHoaDichVuKM",
                                                "CoCauGiaiThuongKM", "NoiDungChiTietKM",
                                                "HangHoaDichVuDungKM"};
constexpr size_t kMaxCodeBytes = 64;

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

bool listed(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Which members of an object are kept: strings (or null) and objects of strings.
struct MemberSpec {
  std::span<const std::string_view> text;
  std::vector<std::pair<std::string_view, std::span<const std::string_view>>> objects;
  std::span<const std::string_view> skip;  // read elsewhere (the files)
};

// Writes the kept members of `obj` as a JSON object into `fields` and the names of the
// others into `unread` (a JSON array's elements). Errors name the member, never its value.
Status copy_members(const rapidjson::Value& obj, const MemberSpec& spec, const std::string& where,
                    std::string& fields, std::string& unread) {
  json::ObjectWriter fw(fields);
  for (auto& m : obj.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (listed(spec.skip, name)) continue;
    auto object = std::find_if(spec.objects.begin(), spec.objects.end(),
                               [&](const auto& o) { return o.first == name; });
    if (listed(spec.text, name)) {
      if (m.value.IsNull()) continue;
      if (!m.value.IsString()) return invalid(where + std::string(name) + ": not a string");
      fw.str(name, std::string_view(m.value.GetString(), m.value.GetStringLength()));
    } else if (object != spec.objects.end()) {
      if (m.value.IsNull()) continue;
      if (!m.value.IsObject()) return invalid(where + std::string(name) + ": not an object");
      std::string inner;
      json::ObjectWriter iw(inner);
      for (auto part : object->second) {
        const rapidjson::Value* v = json::member(m.value, part);
        if (!v || v->IsNull()) continue;
        if (!v->IsString())
          return invalid(where + std::string(name) + "." + std::string(part) + ": not a string");
        iw.str(part, std::string_view(v->GetString(), v->GetStringLength()));
      }
      iw.close();
      fw.key(name);
      fields += inner;
    } else {
      if (!unread.empty()) unread += ',';
      json::append_string(unread, std::string(where) + std::string(name));
    }
  }
  fw.close();
  return {};
}

struct DecodedFile {
  std::string role, name, sha256, base64;
  int64_t bytes = 0;
};

// A record's files, each and all within the source's limits.
class FileReader {
 public:
  explicit FileReader(const webhooks::RecordLimits& limits) : limits_(limits) {}

  Result<DecodedFile> base64_file(std::string role, const std::string& where, const rapidjson::Value* name,
                                  const rapidjson::Value& content) {
    if (!content.IsString()) return invalid(where + ": not a string of base64");
    if (!name || !name->IsString() || name->GetStringLength() == 0)
      return invalid(where + ": a file without its name");
    std::string_view b64(content.GetString(), content.GetStringLength());
    auto decoded = base64_decode(b64);
    if (!decoded.ok()) return decoded.error().context("hand-over: " + where);
    return file(std::move(role), where, std::string(name->GetString(), name->GetStringLength()),
                std::move(decoded).value());
  }

  Result<DecodedFile> file(std::string role, const std::string& where, std::string name, std::string bytes) {
    if (bytes.size() > limits_.file_bytes) {
      return too_large(where + ": " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                       std::to_string(limits_.file_bytes) + " per file (record_limits.file_bytes)");
    }
    total_ += bytes.size();
    if (total_ > limits_.record_bytes) {
      return too_large("the files up to " + where + " are " + std::to_string(total_) +
                       " bytes, over the limit of " + std::to_string(limits_.record_bytes) +
                       " per dossier (record_limits.record_bytes)");
    }
    DecodedFile f;
    f.role = std::move(role);
    f.name = std::move(name);
    f.sha256 = sha256_hex(bytes);
    f.bytes = static_cast<int64_t>(bytes.size());
    f.base64 = base64_encode(bytes);  // canonical: no whitespace, whatever was sent
    return f;
  }
  size_t total() const { return total_; }
  const webhooks::RecordLimits& limits() const { return limits_; }

 private:
  webhooks::RecordLimits limits_;
  size_t total_ = 0;
};

// The record: {"h": digest, "c": {"code","tthc",["updating",]"fields","unread","files":
// [{role,name,sha256,bytes}]}, "b": {sha256: base64}}; "h" is the SHA-256 of "c" as written.
webhooks::RecordKind::Read make_read(const std::string& code, const std::string& tthc,
                                     std::optional<bool> updating, const std::string& fields,
                                     const std::string& unread, const std::vector<DecodedFile>& files,
                                     size_t total_bytes, const std::string& what) {
  std::string content;
  json::ObjectWriter cw(content);
  cw.str("code", code).str("tthc", tthc);
  if (updating) cw.boolean("updating", *updating);
  cw.key("fields");
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
  r.summary = what + " " + code + " (" + std::to_string(files.size()) + " tệp, " +
              std::to_string(total_bytes) + " byte)";
  return r;
}

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

  static constexpr std::string_view kFiles[] = {"TepDonDangKy", "TaiLieuNop"};
  MemberSpec spec{kHandoverText, {{"DiaChiDoanhNghiep", kAddressMembers}}, kFiles};
  std::string fields, unread;
  LT_TRY(copy_members(doc, spec, "", fields, unread));

  FileReader reader(limits);
  std::vector<DecodedFile> files;
  if (const rapidjson::Value* form = json::member(doc, "TepDonDangKy"); form && !form->IsNull()) {
    if (!(form->IsString() && form->GetStringLength() == 0)) {
      LT_ASSIGN_OR_RETURN(auto f, reader.base64_file("TepDonDangKy", "TepDonDangKy",
                                                     json::member(doc, "TenTepDonDangKy"), *form));
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
      LT_ASSIGN_OR_RETURN(
          auto f, reader.base64_file("TaiLieuNop", where, json::member(item, "TenTepDinhKem"), *content));
      files.push_back(std::move(f));
    }
  }
  return make_read(*code, *tthc, std::nullopt, fields, unread, files, reader.total(), "hồ sơ");
}

// isUpdating: a string in the public receiver ("true"/"false"), a boolean tolerated.
Result<bool> read_updating(const rapidjson::Value& doc) {
  const rapidjson::Value* v = json::member(doc, "isUpdating");
  if (!v || v->IsNull()) return false;
  if (v->IsBool()) return v->GetBool();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (s == "true" || s == "True" || s == "1") return true;
    if (s == "false" || s == "False" || s == "0" || s.empty()) return false;
  }
  return invalid("isUpdating: neither true nor false");
}

// {service, isUpdating, data:{MaHoSoQG, …, ThongTinSuaDoi{…}, TenTepDangKy, URLTepDangKy}};
// the file is fetched now, before the answer: a failed fetch refuses the push as "send
// again" (nothing kept), so the amendment is never accepted without its file.
Result<webhooks::RecordKind::Read> read_amendment(const std::string& body,
                                                  const webhooks::RecordLimits& limits,
                                                  const FileFetcher& fetch) {
  LT_ASSIGN_OR_RETURN(auto doc, json::parse(body, "amendment"));
  if (!doc.IsObject()) return invalid("the body is not a JSON object");
  LT_ASSIGN_OR_RETURN(bool updating, read_updating(doc));
  const rapidjson::Value* data = json::member(doc, "data");
  if (!data || !data->IsObject()) return invalid("data: missing or not an object");
  auto code = json::get_string(*data, "MaHoSoQG");
  if (!code || !valid_code(*code))
    return invalid("data.MaHoSoQG: missing, empty, longer than 64 bytes or not printable ASCII");
  auto tthc = json::get_string(*data, "MaTTHC");
  if (!tthc || !valid_code(*tthc))
    return invalid("data.MaTTHC: missing, empty, longer than 64 bytes or not printable ASCII");
  static constexpr std::string_view kUrl[] = {"URLTepDangKy"};
  MemberSpec spec{kAmendmentText,
                  {{"DiaChiDoanhNghiep", kAddressMembers},
                   {"ThongTinDaNop", kSubmittedMembers},
                   {"ThongTinSuaDoi", kChangedMembers}},
                  kUrl};
  std::string fields, unread;
  LT_TRY(copy_members(*data, spec, "data.", fields, unread));
  for (auto& m : doc.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (name == "service" || name == "isUpdating" || name == "data") continue;
    if (!unread.empty()) unread += ',';
    json::append_string(unread, name);
  }

  FileReader reader(limits);
  std::vector<DecodedFile> files;
  auto file_name = json::get_string(*data, "TenTepDangKy").value_or("");
  auto url = json::get_string(*data, "URLTepDangKy").value_or("");
  if (!file_name.empty() && !url.empty()) {  // as the public receiver: both, or no file
    if (!url.starts_with("https://") && !url.starts_with("http://"))
      return invalid("data.URLTepDangKy: not an http(s) URL");
    const std::string host = url_host(url);
    if (!host_allowed(host, limits.fetch_hosts)) {
      Error e(ErrorKind::kValidation,
              "amendment: data.URLTepDangKy is on host '" + host.substr(0, 100) +
                  "', not one this source may fetch from (record_limits.fetch_hosts" +
                  (limits.fetch_hosts.empty() ? std::string(" is empty") : std::string()) +
                  "); nothing was fetched or kept");
      e.code = webhooks::kFetchHostNotAllowed;
      return e;
    }
    auto bytes = fetch(url, limits.fetch_limit(), std::chrono::milliseconds(limits.fetch_timeout_ms));
    if (!bytes.ok()) {
      if (bytes.error().code == webhooks::kRecordTooLarge)
        return too_large("data.URLTepDangKy: the file is over the limit of " +
                         std::to_string(limits.fetch_limit()) + " bytes (record_limits.fetch_bytes)");
      Error e(bytes.error().kind, "amendment: data.URLTepDangKy could not be fetched (" +
                                      bytes.error().message + "); nothing was kept, send it again");
      e.code = webhooks::kFileFetchFailed;
      return e;
    }
    LT_ASSIGN_OR_RETURN(auto f,
                        reader.file("TepDangKy", "data.URLTepDangKy", file_name, std::move(bytes).value()));
    files.push_back(std::move(f));
  }
  return make_read(*code, *tthc, updating, fields, unread, files, reader.total(), "sửa đổi hồ sơ");
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

// Stores a hand-over or an amendment record in the applier's transaction. Files are
// content-addressed: a file sent twice is stored once.
// - hand-over: new MaHoSo: stored; same MaHoSo and content: a duplicate, nothing changes;
//   other content: an update (members and files replaced, versions + 1);
// - amendment: no dossier of that MaHoSoQG: stored as a new one (as the public receiver
//   does); an existing one: updated (members replaced by the amendment's, its file added
//   to the dossier's files, versions + 1).
Status apply_record(store::Database& db, const std::string& record, int64_t received_at_ms, bool amendment) {
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
  if (!code || !tthc || !fields || !files || !files->IsArray())
    return Error(ErrorKind::kParse, "hand-over record: incomplete");
  for (const auto& m : b->GetObject()) {
    if (!m.value.IsString()) return Error(ErrorKind::kParse, "hand-over record: a file is not base64");
    std::string_view sha(m.name.GetString(), m.name.GetStringLength());
    std::string_view b64(m.value.GetString(), m.value.GetStringLength());
    LT_TRY(
        db.exec("INSERT INTO handover_files (sha256, bytes, content_base64) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                {sha, decoded_bytes(b64), b64}));
  }
  LT_ASSIGN_OR_RETURN(
      auto rows, db.query("SELECT content_sha256, files FROM handover_dossiers WHERE code = ?", {*code}));
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
  if (amendment && files->Size() > 0) {
    // The dossier keeps its files; the amendment's file is added (once).
    LT_ASSIGN_OR_RETURN(auto kept, json::parse(rows[0].str(1), "handover_dossiers.files"));
    if (!kept.IsArray())
      return Error(ErrorKind::kStore, "handover_dossiers.files of " + *code + ": not an array");
    std::string merged = "[";
    for (const auto& f : kept.GetArray()) {
      if (merged.size() > 1) merged += ',';
      json::append_to(merged, f);
    }
    for (const auto& f : files->GetArray()) {
      auto sha = json::get_string(f, "sha256");
      bool present = false;
      for (const auto& k : kept.GetArray()) present = present || json::get_string(k, "sha256") == sha;
      if (present) continue;
      if (merged.size() > 1) merged += ',';
      json::append_to(merged, f);
    }
    files_json = merged + "]";
  } else if (amendment) {
    files_json = rows[0].str(1);
  }
  LT_TRY(
      db.exec("UPDATE handover_dossiers SET procedure_code = ?, content_sha256 = ?, versions = versions + 1,"
              " updated_at_ms = ?, fields = ?, files = ? WHERE code = ?",
              {*tthc, *h, received_at_ms, fields_json, files_json, *code}));
  return {};
}

class HandoverRecordKind final : public webhooks::RecordKind {
 public:
  Result<Read> read(const std::string& body) const override { return read_handover(body, {}); }
  Result<Read> read(const std::string& body, const webhooks::RecordLimits& limits) const override {
    return read_handover(body, limits);
  }
  Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const override {
    return apply_record(db, record, received_at_ms, false);
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

// The amendment writes the hand-over's tables; registered together with it
// (add_handover_record_kinds), so it declares no migration of its own.
class AmendmentRecordKind final : public webhooks::RecordKind {
 public:
  explicit AmendmentRecordKind(FileFetcher fetch) : fetch_(std::move(fetch)) {}
  Result<Read> read(const std::string& body) const override { return read_amendment(body, {}, fetch_); }
  Result<Read> read(const std::string& body, const webhooks::RecordLimits& limits) const override {
    return read_amendment(body, limits, fetch_);
  }
  Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const override {
    return apply_record(db, record, received_at_ms, true);
  }

 private:
  FileFetcher fetch_;
};

}  // namespace

std::shared_ptr<const webhooks::RecordKind> make_handover_record_kind() {
  return std::make_shared<HandoverRecordKind>();
}

std::shared_ptr<const webhooks::RecordKind> make_amendment_record_kind(FileFetcher fetch) {
  return std::make_shared<AmendmentRecordKind>(std::move(fetch));
}

void add_handover_record_kinds(webhooks::RecordKinds& kinds, FileFetcher fetch) {
  kinds.add(kHandoverKind, make_handover_record_kind());
  kinds.add(kAmendmentKind, make_amendment_record_kind(std::move(fetch)));
}

std::string url_host(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return {};
    rest = rest.substr(1, close - 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  return host;
}

bool host_allowed(std::string_view host, const std::vector<std::string>& allowed) {
  if (host.empty()) return false;
  for (const auto& a : allowed) {
    std::string pattern(a);
    std::transform(pattern.begin(), pattern.end(), pattern.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (pattern.starts_with("*.")) {
      std::string_view suffix = std::string_view(pattern).substr(1);  // ".gov.vn"
      if (host.size() > suffix.size() && host.ends_with(suffix)) return true;
    } else if (host == pattern) {
      return true;
    }
  }
  return false;
}

FileFetcher http_file_fetcher() {
  return
      [](const std::string& url, size_t max_bytes, std::chrono::milliseconds timeout) -> Result<std::string> {
        http::ClientOptions options;
        options.total_timeout = timeout;
        options.connect_timeout = std::min(timeout, options.connect_timeout);
        options.max_response_bytes = max_bytes;
        options.system = "dvcqg_file";
        http::HttpClient client(options);
        http::ClientRequest req;
        req.method = "GET";
        req.url = url;
        auto r = client.send_expect_2xx(req);
        if (!r.ok()) {
          Error e = r.error();
          // The client refuses an answer over max_response_bytes as kProtocol, saying so.
          if (e.kind == ErrorKind::kProtocol && e.message.find("max_response_bytes") != std::string::npos)
            e.code = webhooks::kRecordTooLarge;
          return e;
        }
        return std::move(r->body);
      };
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
