#include "gateway/webhooks/webhook_routes.hpp"

#include "gateway/metrics/metrics.hpp"

namespace lienthong::webhooks {

server::Response to_response(const Outcome& o) {
  if (o.problem) {
    server::Response r = server::Response::problem(o.status, o.title, o.detail, {{"reason", o.reason}});
    // A problem type per refusal reason (RFC 9457 §3.1.1) instead of about:blank, so
    // that senders can tell a stale timestamp from a bad signature without the text.
    constexpr std::string_view kBlank = "\"type\":\"about:blank\"";
    if (auto pos = r.body.find(kBlank); pos != std::string::npos) {
      r.body.replace(pos, kBlank.size(), "\"type\":\"" + std::string(kProblemTypeBase) + o.reason + "\"");
    }
    if (o.retry_after_s > 0) r.with_header("Retry-After", std::to_string(o.retry_after_s));
    return r;
  }
  server::Response r = server::Response::json(o.status, o.body);
  // Tells the sender that this answer is the stored one of an earlier delivery.
  if (o.replayed) r.with_header("Idempotent-Replayed", "true");
  return r;
}

std::string_view source_from_path(std::string_view path, std::string_view prefix) {
  if (path.size() <= prefix.size() + 1 || path.substr(0, prefix.size()) != prefix ||
      path[prefix.size()] != '/') {
    return {};
  }
  std::string_view rest = path.substr(prefix.size() + 1);
  if (rest.find('/') != std::string_view::npos) return {};
  return rest;
}

void register_routes(server::HttpServer& server, WebhookReceiver& receiver) {
  const std::string prefix = receiver.config().path_prefix;
  metrics::Gauge& backlog = metrics::Registry::global().gauge(
      "lienthong_webhooks_intake_backlog", "Accepted webhook deliveries not yet applied to the store");
  // Answered on the server thread: the delivery is durable once the journal append returns.
  server.route("POST", prefix + "/{source}", [&receiver, &backlog](server::Request& req) {
    auto it = req.path_params.find("source");
    std::string source = it != req.path_params.end() ? it->second : "";
    Outcome out = receiver.receive(source, req);
    // Label values stay bounded: an unknown source is counted as "unknown".
    metrics::Registry::global()
        .counter("lienthong_webhooks_received_total", "Webhook deliveries by source and outcome",
                 {{"source", out.reason == "unknown-source" ? std::string("unknown") : source},
                  {"outcome", out.replayed ? "replayed" : out.reason}})
        .inc();
    backlog.set(static_cast<double>(receiver.backlog()));
    return to_response(out);
  });
  server.set_limit_resolver([&receiver, prefix](const server::Request& req) -> std::optional<size_t> {
    std::string_view source = source_from_path(req.path, prefix);
    if (source.empty()) return std::nullopt;
    return receiver.body_limit(source);
  });
}

}  // namespace lienthong::webhooks
