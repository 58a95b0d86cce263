// Puts a WebhookReceiver on the HTTP server: POST <prefix>/{source}, the per-source body
// limit (answered 413 while reading), and the Outcome → Response translation
// (RFC 9457 problem+json for refusals, or the source's own answer shape: answer_shape.hpp).
// Sources authenticated as forwarded by the X-Road/VXP adapter are also routed under the
// adapter's forward prefix: POST <trusted_upstream.path_prefix>/{source}.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/server/http_server.hpp"
#include "gateway/flows/webhooks/webhook_receiver.hpp"

namespace lienthong::webhooks {

// Problem types are "<kProblemTypeBase><reason>", e.g. ".../stale-timestamp".
inline constexpr const char* kProblemTypeBase = "https://lienthong.gov.vn/problems/webhooks/";

// A source with dossier_codes is also routed GET <prefix>/{source}/LayMaHoSo (a new code)
// and POST <prefix>/{source}/TaoHoSo (the record, as POST <prefix>/{source}): the last
// segments of the criminal-record service's own routes (docs/contracts/national_push.md).
inline constexpr const char* kIssueCodeStep = "LayMaHoSo";
inline constexpr const char* kCreateStep = "TaoHoSo";

// The answer to GET …/LayMaHoSo: the code, or the refusal, as the public receiver's Result object.
server::Response issued_code_response(const Outcome& outcome);

server::Response to_response(const Outcome& outcome, AnswerShape shape = AnswerShape::kStandard);

// The path prefixes the route is registered under: the webhooks prefix, then each distinct
// trusted_upstream.path_prefix of the sources.
std::vector<std::string> route_prefixes(const WebhooksConfig& config);

// Source id from a request path under `prefix` ("/v1/webhooks/dkkd" → "dkkd", also
// ".../lltp/TaoHoSo" → "lltp"); empty when the path is not a webhook path.
std::string_view source_from_path(std::string_view path, std::string_view prefix);

// Registers the route and the body-limit resolver. The receiver must outlive the server.
void register_routes(server::HttpServer& server, WebhookReceiver& receiver);

}  // namespace lienthong::webhooks
