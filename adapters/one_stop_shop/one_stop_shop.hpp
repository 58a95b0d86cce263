// Provincial one-stop-shop (Hệ thống thông tin giải quyết TTHC cấp tỉnh): the source of
// dossiers for the sync flow, reached through the LGSP with a bearer token. This header is
// all the rest of the gateway sees; the wire format (field names, paging, URLs) stays in
// one_stop_shop.cpp, and the translation to canonical events in
// mappings/one_stop_shop/dossier_event.json.
#pragma once

#include <memory>
#include <string_view>

#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/result.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/mapping/mapping.hpp"
#include "gateway/flows/sync/source.hpp"

namespace lienthong::adapters::one_stop_shop {

inline constexpr std::string_view kName = "one_stop_shop";

// Section adapters.one_stop_shop: base_url, mapping, token{token_url, client_id,
// client_secret, credentials, scope, refresh_margin_seconds}, and the HTTP client keys
// (connect_timeout_ms, timeout_ms, max_response_bytes, tls). Throws ConfigError.
void validate_config(const ConfigNode& node);
std::unique_ptr<sync::Source> make_source(const ConfigNode& node, const Clock& clock);

// Parses one page answer and translates each history entry with `mapping`. A malformed
// page is an Error (kProtocol, naming the position or member); a malformed record only
// marks that record, so that one bad dossier never blocks a page.
Result<sync::SourcePage> parse_page(std::string_view body, const mapping::Mapping& mapping);

}  // namespace lienthong::adapters::one_stop_shop
