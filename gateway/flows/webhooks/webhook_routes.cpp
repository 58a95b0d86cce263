#include "gateway/flows/webhooks/webhook_routes.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/core/common/json.hpp"
#include "gateway/core/metrics/metrics.hpp"
#include "gateway/flows/webhooks/answer_shape.hpp"

namespace lienthong::webhooks {

namespace {
const std::string kUnknownSource = "unknown";
const std::string kReplayed = "replayed";
}  // namespace

server::Response to_response(const Outcome& o, AnswerShape shape) {
  if (o.problem && shape != AnswerShape::kStandard) {
    ShapedAnswer a = refusal_answer(shape, o);
    server::Response r = server::Response::json(a.status, std::move(a.body));
    if (o.retry_after_s > 0) r.with_header("Retry-After", std::to_string(o.retry_after_s));
    return r;
  }
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
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view step = rest.substr(slash + 1);
    if (step != kIssueCodeStep && step != kCreateStep) return {};
    rest = rest.substr(0, slash);
  }
  return rest;
}

server::Response issued_code_response(const Outcome& o) {
  if (!o.problem) return server::Response::json(o.status, o.body);
  // The public receiver answers a bad code 400 with its Result object; lienthong keeps the
  // refusal's own status (401, 404, 429, 503) in that object's shape.
  std::string body;
  json::ObjectWriter w(body);
  w.boolean("succeeded", false).boolean("failed", true).str("message", o.title + ": " + o.detail);
  w.key("data");
  body.append("null");
  w.str("reason", o.reason).close();
  server::Response r = server::Response::json(o.status, std::move(body));
  if (o.retry_after_s > 0) r.with_header("Retry-After", std::to_string(o.retry_after_s));
  return r;
}

std::vector<std::string> route_prefixes(const WebhooksConfig& config) {
  std::vector<std::string> out{config.path_prefix};
  for (const auto& s : config.sources) {
    if (s.auth != AuthMode::kTrustedUpstream) continue;
    if (std::find(out.begin(), out.end(), s.upstream_path_prefix) == out.end())
      out.push_back(s.upstream_path_prefix);
  }
  return out;
}

void register_routes(server::HttpServer& server, WebhookReceiver& receiver) {
  const std::vector<std::string> prefixes = route_prefixes(receiver.config());
  metrics::Gauge& backlog = metrics::Registry::global().gauge(
      "lienthong_webhooks_intake_backlog", "Accepted webhook deliveries not yet applied to the store");
  // Answered on the server thread once the journal append returns, or (journal_fsync)
  // after the journal's group sync. The counter of each (source, outcome), found in the registry once:
  // looking it up built its name, help and labels and took the registry's lock on every delivery. Bounded:
  // configured sources plus "unknown", times the outcomes.
  struct Counters {
    std::mutex mu;
    std::unordered_map<std::string, metrics::Counter*> by_key;
  };
  auto counters = std::make_shared<Counters>();
  metrics::Registry::global().describe("lienthong_webhooks_received_total",
                                       "Webhook deliveries by source and outcome", "counter");
  auto finish = [&receiver, &backlog, counters](const std::string& source, const Outcome& out) {
    // Label values stay bounded: an unknown source is counted as "unknown".
    const std::string& label = out.reason == "unknown-source" ? kUnknownSource : source;
    const std::string& outcome = out.replayed ? kReplayed : out.reason;
    std::string key;
    key.reserve(label.size() + 1 + outcome.size());
    key.append(label).push_back('\n');
    key.append(outcome);
    metrics::Counter* counter = nullptr;
    {
      std::lock_guard lock(counters->mu);
      auto& slot = counters->by_key[key];
      if (slot == nullptr) {
        slot = &metrics::Registry::global().counter("lienthong_webhooks_received_total",
                                                    "Webhook deliveries by source and outcome",
                                                    {{"source", label}, {"outcome", outcome}});
      }
      counter = slot;
    }
    counter->inc();
    backlog.set(static_cast<double>(receiver.backlog()));
    const SourceConfig* sc = receiver.config().find(source);
    return to_response(out, sc ? sc->answer : AnswerShape::kStandard);
  };
  auto source_of = [](const server::Request& req) {
    auto it = req.path_params.find("source");
    return it != req.path_params.end() ? it->second : std::string();
  };
  const bool issues_codes = std::any_of(receiver.config().sources.begin(), receiver.config().sources.end(),
                                        [](const SourceConfig& s) { return !s.dossier_code_unit.empty(); });
  for (const std::string& prefix : prefixes) {
    if (issues_codes) {
      // The criminal-record service's two steps: a code first, then the request under it.
      server.route("GET", prefix + "/{source}/" + kIssueCodeStep,
                   [&receiver, source_of](server::Request& req) {
                     return issued_code_response(receiver.issue_code(source_of(req), req));
                   });
    }
    for (const std::string& path :
         issues_codes ? std::vector<std::string>{prefix + "/{source}", prefix + "/{source}/" + kCreateStep}
                      : std::vector<std::string>{prefix + "/{source}"}) {
      if (receiver.answers_after_group_sync()) {
        // The answer waits for the journal's fdatasync, shared by the deliveries of every
        // connection that arrive meanwhile; the server thread goes on with other connections.
        server.route_async("POST", path,
                           [&receiver, finish, source_of](server::Request& req, server::Responder respond) {
                             std::string source = source_of(req);
                             receiver.receive_async(
                                 source, req, [finish, source, respond = std::move(respond)](Outcome out) {
                                   respond(finish(source, out));
                                 });
                           });
      } else {
        server.route("POST", path, [&receiver, finish, source_of](server::Request& req) {
          std::string source = source_of(req);
          return finish(source, receiver.receive(source, req));
        });
      }
    }
  }
  server.set_limit_resolver([&receiver, prefixes](const server::Request& req) -> std::optional<size_t> {
    for (const auto& prefix : prefixes) {
      std::string_view source = source_from_path(req.path, prefix);
      if (!source.empty()) return receiver.body_limit(source);
    }
    return std::nullopt;
  });
}

}  // namespace lienthong::webhooks
