#include "adapters/one_stop_shop/one_stop_shop.hpp"

#include <algorithm>

#include "gateway/core/common/json.hpp"
#include "gateway/core/http/http_client.hpp"
#include "gateway/core/http/token_provider.hpp"
#include "gateway/core/model/dossier_event.hpp"

namespace lienthong::adapters::one_stop_shop {

namespace {

// GET {base}/api/v1/dossiers?since=<cursor>&limit=N → {"items","next_cursor","has_more"}.
constexpr std::string_view kPagePath = "/api/v1/dossiers";
constexpr const char* kDefaultMapping = "mappings/one_stop_shop/dossier_event.json";

std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::vector<std::string> config_keys() {
  std::vector<std::string> keys = {"base_url", "mapping", "token"};
  for (auto& k : http::ClientOptions::config_keys()) keys.push_back(k);
  return keys;
}

Error page_error(const std::string& what) {
  return Error(ErrorKind::kProtocol, "one-stop-shop page: " + what +
                                         "; the provincial system's answer does not "
                                         "follow its API (GET /api/v1/dossiers), report it to its operator");
}

// `item` is borrowed, not copied, into the mapping's source document while its events are
// translated (the page document owns it and is dropped after parsing), and given back.
// `raw`: the item's text in the page as received, when found (kept for quarantine as is,
// instead of written out again).
sync::SourceRecord parse_record(rapidjson::Value& item, std::optional<std::string_view> raw, size_t index,
                                const mapping::Mapping& mapping) {
  sync::SourceRecord rec;
  rec.payload = raw ? std::string(*raw) : json::to_string(item);
  std::string where = "items[" + std::to_string(index) + "]";
  auto fail = [&](std::string what) {
    rec.error = Error(ErrorKind::kParse, where + ": " + what);
    return rec;
  };
  if (!item.IsObject()) return fail("expected an object, got " + std::string(json::type_name(item)));
  auto code = json::get_string(item, "ma_ho_so");
  if (!code || code->empty()) return fail("ma_ho_so (dossier code) is missing or not a string");
  rec.dossier_code = *code;
  const rapidjson::Value* history = json::member(item, "lich_su");
  if (!history || !history->IsArray()) return fail("lich_su (status history) is missing or not an array");
  std::vector<std::pair<int64_t, const rapidjson::Value*>> entries;
  entries.reserve(history->Size());
  for (rapidjson::SizeType i = 0; i < history->Size(); ++i) {
    const rapidjson::Value& e = (*history)[i];
    auto stt = e.IsObject() ? json::get_int(e, "stt") : std::nullopt;
    if (!stt || *stt < 1 || *stt > 100000)
      return fail("lich_su[" + std::to_string(i) +
                  "].stt (position in the history) is missing or not in 1..100000");
    entries.push_back({*stt, &e});
  }
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i].first == entries[i - 1].first)
      return fail("lich_su has stt " + std::to_string(entries[i].first) + " twice");
  // The mapping's source document: {"dossier": item, "history": entry}. Its values and
  // each event's translation live in pools reused across the record's events.
  json::ScratchPool<4096> source_pool;
  json::ScratchPool<> target_pool;
  auto& alloc = source_pool.allocator();
  rapidjson::Value doc(rapidjson::kObjectType);
  doc.AddMember("dossier", item, alloc);  // moves: `item` is null until given back below
  doc.AddMember("history", rapidjson::Value(rapidjson::kObjectType), alloc);
  rapidjson::Value& history_slot = doc["history"];
  rec.events.reserve(entries.size());
  rapidjson::Value target;
  for (auto& [stt, entry] : entries) {
    sync::SourceEvent& ev = rec.events.emplace_back();
    ev.sequence = static_cast<int>(stt);
    history_slot.CopyFrom(*entry, alloc);
    Status applied = mapping.apply_into(doc, target, target_pool.allocator());
    if (!applied.ok()) {
      ev.event = applied.error().context("history entry stt " + std::to_string(stt));
    } else {
      auto e = model::from_json(target);
      ev.event = e.ok() ? std::move(e)
                        : Result<model::DossierStatusEvent>(
                              e.error().context("history entry stt " + std::to_string(stt)));
    }
    target.SetNull();
    target_pool.clear();
  }
  item = doc["dossier"];  // given back (moves)
  return rec;
}

Result<sync::SourcePage> page_from(Result<rapidjson::Document> doc, std::string_view body,
                                   const mapping::Mapping& mapping);

// The one-stop-shop's API sits behind the province's LGSP API manager.
http::TokenOptions token_options(const ConfigNode& node) {
  auto o = http::TokenOptions::from_config(node.object("token"));
  o.system = "lgsp";
  return o;
}

class OneStopShopSource final : public sync::Source {
 public:
  OneStopShopSource(const ConfigNode& node, const Clock& clock)
      : base_url_(node.string("base_url")),
        mapping_(load_mapping(node)),
        client_(http::ClientOptions::from_config(node)),
        tokens_(token_options(node), client_, clock) {
    while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  }

  static mapping::Mapping load_mapping(const ConfigNode& node) {
    std::string path = node.file_path_or("mapping", node.resolve_path(kDefaultMapping));
    auto m = mapping::Mapping::load_file(path);
    if (!m.ok()) throw ConfigError(node.key_path("mapping") + ": " + m.error().message);
    return std::move(m).value();
  }

  std::string name() const override { return std::string(kName); }

  Result<sync::SourcePage> fetch(const std::string& cursor, size_t limit) override {
    http::ClientRequest req;
    req.method = "GET";
    req.url = base_url_ + std::string(kPagePath) + "?since=" + url_encode(cursor) +
              "&limit=" + std::to_string(limit);
    req.headers.push_back({"Accept", "application/json"});
    req.system = "one_stop_shop";
    req.operation = "fetch_page";
    LT_ASSIGN_OR_RETURN(http::ClientResponse res, tokens_.send(req));
    if (res.status != 200) {
      Error e(http::kind_for_status(res.status),
              "one-stop-shop GET " + std::string(kPagePath) + " answered HTTP " + std::to_string(res.status));
      e.upstream_status = res.status;
      return e;
    }
    // The body as a std::string: parsed faster than through a string_view.
    return page_from(json::parse(res.body, "one-stop-shop page"), res.body, mapping_);
  }

 private:
  std::string base_url_;
  mapping::Mapping mapping_;
  http::HttpClient client_;
  http::TokenProvider tokens_;
};

}  // namespace

Result<sync::SourcePage> parse_page(std::string_view body, const mapping::Mapping& mapping) {
  return page_from(json::parse(body, "one-stop-shop page"), body, mapping);
}

namespace {

Result<sync::SourcePage> page_from(Result<rapidjson::Document> doc, std::string_view body,
                                   const mapping::Mapping& mapping) {
  if (!doc.ok()) return page_error(doc.error().message);
  if (!doc->IsObject()) return page_error("expected a JSON object at the top");
  const rapidjson::Value* items = json::member(*doc, "items");
  if (!items || !items->IsArray()) return page_error("\"items\" is missing or not an array");
  auto next = json::get_string(*doc, "next_cursor");
  if (!next) return page_error("\"next_cursor\" is missing or not a string");
  auto more = json::get_bool(*doc, "has_more");
  if (!more) return page_error("\"has_more\" is missing or not a boolean");
  sync::SourcePage page;
  page.next_cursor = *next;
  page.has_more = *more;
  page.records.reserve(items->Size());
  rapidjson::Value& list = doc->FindMember("items")->value;
  std::optional<std::vector<std::string_view>> raw = json::raw_member_elements(body, "items");
  if (raw && raw->size() != list.Size()) raw.reset();
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i)
    page.records.push_back(parse_record(list[i], raw ? std::optional((*raw)[i]) : std::nullopt, i, mapping));
  return page;
}

}  // namespace

void validate_config(const ConfigNode& node) {
  node.allow_only(config_keys());
  std::string base = node.string("base_url");
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)
    node.fail("base_url",
              "expected an http:// or https:// URL of the LGSP endpoint of the one-stop-shop API");
  (void)http::ClientOptions::from_config(node);
  ConfigNode token = node.object("token");
  token.allow_only(http::TokenOptions::config_keys());
  (void)http::TokenOptions::from_config(token);
  (void)OneStopShopSource::load_mapping(node);
}

std::unique_ptr<sync::Source> make_source(const ConfigNode& node, const Clock& clock) {
  return std::make_unique<OneStopShopSource>(node, clock);
}

}  // namespace lienthong::adapters::one_stop_shop
