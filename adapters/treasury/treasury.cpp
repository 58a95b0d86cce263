#include "adapters/treasury/treasury.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <pugixml.hpp>

#include "gateway/flows/reconciliation/amount.hpp"

namespace lienthong::treasury {

namespace {

constexpr std::string_view kRoot = "DuLieuKhoBac";  // the export's root element
constexpr std::string_view kRecord = "ChungTu";     // chứng từ: one voucher
constexpr size_t kMaxRecordBytes = 64 * 1024;
constexpr size_t kBlock = 1 << 20;

// Byte source: a file read in blocks, or a string.
class Source {
 public:
  explicit Source(std::FILE* f) : f_(f) {}
  explicit Source(std::string_view s) : buf_(s) { eof_ = true; }
  ~Source() {
    if (f_) std::fclose(f_);
  }
  // Makes at least `n` bytes from pos_ available if the input has them.
  bool ensure(size_t n) {
    while (buf_.size() - pos_ < n && !eof_) {
      buf_.erase(0, pos_);
      pos_ = 0;
      size_t old = buf_.size();
      buf_.resize(old + kBlock);
      size_t got = std::fread(buf_.data() + old, 1, kBlock, f_);
      buf_.resize(old + got);
      if (got == 0) eof_ = true;
    }
    return buf_.size() - pos_ >= n;
  }
  std::string_view rest() const { return std::string_view(buf_).substr(pos_); }
  // Finds `needle` from pos_, reading more as needed, but not past `limit` bytes.
  size_t find(std::string_view needle, size_t limit) {
    size_t from = 0;
    for (;;) {
      size_t at = rest().find(needle, from);
      if (at != std::string_view::npos) return at;
      if (rest().size() >= limit || eof_) return std::string_view::npos;
      from = rest().size() >= needle.size() ? rest().size() - needle.size() + 1 : 0;
      ensure(rest().size() + kBlock);
    }
  }
  void advance(size_t n) {
    for (size_t i = pos_; i < pos_ + n; ++i) line_ += buf_[i] == '\n';
    pos_ += n;
  }
  uint32_t line() const { return line_; }
  bool at_end() { return !ensure(1); }

 private:
  std::FILE* f_ = nullptr;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint32_t line_ = 1;
};

void skip_space(Source& s) {
  for (;;) {
    if (!s.ensure(1)) return;
    char c = s.rest()[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      s.advance(1);
    } else {
      return;
    }
  }
}

// Skips whitespace, comments and processing instructions. False on a malformed one.
bool skip_misc(Source& s) {
  for (;;) {
    skip_space(s);
    s.ensure(4);
    auto r = s.rest();
    if (r.substr(0, 4) == "<!--") {
      size_t end = s.find("-->", kMaxRecordBytes);
      if (end == std::string_view::npos) return false;
      s.advance(end + 3);
    } else if (r.substr(0, 2) == "<?") {
      size_t end = s.find("?>", kMaxRecordBytes);
      if (end == std::string_view::npos) return false;
      s.advance(end + 2);
    } else {
      return true;
    }
  }
}

bool starts_tag(std::string_view r, std::string_view name) {
  if (r.size() < name.size() + 2 || r[0] != '<' || r.substr(1, name.size()) != name) return false;
  char c = r[1 + name.size()];
  return c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/';
}

std::string_view child_text(const pugi::xml_node& n, const char* name) {
  return n.child(name).text().get();
}

Status parse_stream(Source& s, const std::string& name, reconciliation::Dataset& out) {
  auto shape = [&](const std::string& why) {
    return make_error(ErrorKind::kParse, "treasury file " + name + " line " + std::to_string(s.line()) +
                                             ": " + why +
                                             " (expected a KBNN export <DuLieuKhoBac> of <ChungTu> records; "
                                             "nothing was stored)");
  };
  s.ensure(3);
  if (s.rest().substr(0, 3) == "\xEF\xBB\xBF") s.advance(3);
  if (!skip_misc(s)) return shape("unterminated comment or declaration");
  s.ensure(kRoot.size() + 16);
  auto r = s.rest();
  if (r.substr(0, 2) == "<!") return shape("DOCTYPE or markup declaration not accepted");
  if (!starts_tag(r, kRoot)) {
    size_t end = r.find_first_of(" >/\n", 1);
    std::string found(r.substr(0, std::min<size_t>(end == std::string_view::npos ? 20 : end, 40)));
    return shape(found.empty() ? "empty file" : "root element is '" + found + "'");
  }
  size_t gt = s.find(">", 4096);
  if (gt == std::string_view::npos) return shape("unterminated root element tag");
  bool self_closed = gt > 0 && s.rest()[gt - 1] == '/';
  s.advance(gt + 1);
  if (self_closed) return Status();  // an empty export
  const std::string close_root = "</" + std::string(kRoot) + ">";
  const std::string close_rec = "</" + std::string(kRecord) + ">";
  for (;;) {
    if (!skip_misc(s)) return shape("unterminated comment");
    if (s.at_end()) return shape("file ends before </DuLieuKhoBac> (truncated export?)");
    s.ensure(close_root.size() + 2);
    r = s.rest();
    if (r.substr(0, close_root.size()) == close_root) {
      s.advance(close_root.size());
      if (!skip_misc(s) || !s.at_end()) return shape("content after </DuLieuKhoBac>");
      return Status();
    }
    uint32_t line = s.line();
    if (starts_tag(r, kRecord)) {
      size_t end = s.find(close_rec, kMaxRecordBytes);
      if (end == std::string_view::npos) {
        return shape("record <ChungTu> starting here has no </ChungTu> within 64 KiB");
      }
      std::string_view rec = s.rest().substr(0, end + close_rec.size());
      pugi::xml_document doc;
      // No DOCTYPE (entities) inside a record either: parse_doctype is off by default.
      auto res = doc.load_buffer(rec.data(), rec.size(), pugi::parse_default, pugi::encoding_utf8);
      s.advance(rec.size());
      if (!res) {
        out.add_issue({name, line, std::string("malformed XML record: ") + res.description()});
        continue;
      }
      pugi::xml_node n = doc.child(std::string(kRecord).c_str());
      reconciliation::TreasuryCredit c;
      c.line = line;
      std::string_view kind = child_text(n, "LoaiChungTu");
      if (kind == "THU") {
        c.is_refund = false;
      } else if (kind == "HOAN") {
        c.is_refund = true;
      } else {
        out.add_issue({name, line, "LoaiChungTu must be THU (credit) or HOAN (refund)"});
        continue;
      }
      c.reference = child_text(n, "MaGiaoDich");
      c.dossier = child_text(n, "MaHoSo");
      c.agency = child_text(n, "MaDonVi");
      if (c.reference.empty() && c.dossier.empty()) {
        out.add_issue({name, line, "record has neither MaGiaoDich nor MaHoSo"});
        continue;
      }
      std::string_view amount = child_text(n, "SoTien");
      if (!reconciliation::parse_vnd_fast(amount, {}, c.amount) || c.amount <= 0) {
        out.add_issue({name, line, "SoTien is not a positive whole VND amount"});
        continue;
      }
      auto day = reconciliation::parse_day(child_text(n, "NgayHachToan"), "yyyy-MM-dd");
      if (!day) {
        out.add_issue({name, line, "NgayHachToan is not a date yyyy-MM-dd"});
        continue;
      }
      c.value_date = *day;
      out.add_treasury(c);
      continue;
    }
    // Anything else: report and resynchronise on the next record or the end of the root.
    size_t next_rec = s.find("<" + std::string(kRecord), kMaxRecordBytes);
    size_t next_end = s.find(close_root, kMaxRecordBytes);
    size_t skip = std::min(next_rec, next_end);
    if (skip == std::string_view::npos) return shape("unexpected content and no further <ChungTu>");
    out.add_issue({name, line, "unexpected content between records (skipped)"});
    s.advance(skip == 0 ? 1 : skip);
  }
}

}  // namespace

Status read_credits(const std::string& path, reconciliation::Dataset& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return make_error(ErrorKind::kNotFound,
                      "cannot open treasury file " + path + ": " + std::strerror(errno));
  Source s(f);
  return parse_stream(s, path, out);
}

Status read_credits_from_string(std::string_view xml, const std::string& name, reconciliation::Dataset& out) {
  Source s(xml);
  return parse_stream(s, name, out);
}

}  // namespace lienthong::treasury
