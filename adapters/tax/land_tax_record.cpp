#include "adapters/tax/land_tax_record.hpp"

#include "adapters/tax/push_inbox.hpp"
#include "gateway/core/common/digest.hpp"
#include "gateway/core/common/json.hpp"

namespace lienthong::tax {

namespace {

class LandTaxRecordKind final : public webhooks::RecordKind {
 public:
  explicit LandTaxRecordKind(PushKind kind) : kind_(kind) {}

  // The record: {"s":Service,"n":Ngay,"u":IsUpdating,"h":SHA-256 of Data,"d":dossiers,"l":kept lines}.
  Result<Read> read(const std::string& body) const override {
    LT_ASSIGN_OR_RETURN(PushEnvelope env, parse_push_envelope(body));
    LT_ASSIGN_OR_RETURN(PushContent content, parse_push_data(kind_, env.data));
    Read r;
    json::ObjectWriter w(r.record);
    w.str("s", env.service).str("n", env.ngay).str("u", env.is_updating).str("h", sha256_hex(env.data));
    w.str("d", content.dossiers).str("l", kept_lines(content)).close();
    size_t lines = kind_ == PushKind::kNotice ? content.notices.size() : content.vouchers.size();
    r.summary = std::string(kind_ == PushKind::kNotice ? "thông báo thuế" : "chứng từ thuế") + " của hồ sơ " +
                content.dossiers + " (" + std::to_string(lines) + " dòng)";
    return r;
  }

  Status apply(store::Database& db, const std::string& record, int64_t received_at_ms) const override {
    LT_ASSIGN_OR_RETURN(auto d, json::parse(record, "land-tax record"));
    PushInbox::Kept k;
    auto field = [&](const char* key, std::string& out) -> Status {
      auto v = d.IsObject() ? json::get_string(d, key) : std::nullopt;
      if (!v) return make_error(ErrorKind::kParse, std::string("land-tax record: no '") + key + "'");
      out = std::move(*v);
      return {};
    };
    LT_TRY(field("s", k.service));
    LT_TRY(field("n", k.ngay));
    LT_TRY(field("u", k.is_updating));
    LT_TRY(field("h", k.content_sha256));
    LT_TRY(field("d", k.dossiers));
    LT_TRY(field("l", k.lines));
    // The clock is not used by store_kept: the time is the delivery's arrival.
    LT_ASSIGN_OR_RETURN(bool stored,
                        PushInbox(db, SystemClock::instance()).store_kept(kind_, k, received_at_ms));
    (void)stored;  // false: the same push came through the reconciliation's own route before
    return {};
  }
  std::vector<store::Migration> migrations() const override { return push_migrations(); }

 private:
  PushKind kind_;
};

}  // namespace

std::shared_ptr<const webhooks::RecordKind> make_land_tax_record_kind(PushKind kind) {
  return std::make_shared<LandTaxRecordKind>(kind);
}

void add_land_tax_record_kinds(webhooks::RecordKinds& kinds) {
  kinds.add(kLandTaxNoticeKind, make_land_tax_record_kind(PushKind::kNotice));
  kinds.add(kLandTaxVoucherKind, make_land_tax_record_kind(PushKind::kVoucher));
}

}  // namespace lienthong::tax
