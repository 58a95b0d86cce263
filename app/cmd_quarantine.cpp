// `lienthong quarantine`: records that could not be translated, validated or delivered,
// with their reason. The payload (the record as received) may hold personal data and is
// shown only with --payload.
#include <iostream>

#include "app/adapters.hpp"
#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/dossiers/quarantine.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/webhooks/quarantine_retry.hpp"
#include "gateway/flows/webhooks/webhook_config.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "quarantine",
      "Held-back records and why: records that could not be translated, validated or delivered.",
      "The payload (the record as received) may hold personal data and is shown only with --payload.",
      {cli::config_option()},
      {},
      {{"list",
        "quarantined records (default limit 1000)",
        {},
        {{"source", "S", "only records of this source"},
         {"all", "", "released records too"},
         {"limit", "N", "at most N records (default 1000)"}},
        true},
       {"show", "one record", {{"ID", "the record's id"}}, {{"payload", "", "print the payload too"}}, true},
       {"release", "releases a record after it was fixed at the source", {{"ID", "the record's id"}}, {}},
       {"retry",
        "webhook deliveries that could not be translated, after the source's procedure-code table or "
        "mapping was fixed; --source: every one of that source, oldest first",
        {{"ID", "the record's id (or --source S)", false}},
        {{"source", "S", "every record of this source"}, {"json", "", "one JSON object per record"}}},
       {"count", "how many records are in quarantine", {}, {{"source", "S", "only this source"}}, true}}};
  return s;
}

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

std::string to_json(const dossiers::QuarantinedRecord& r, bool payload) {
  std::string out = "{\"id\":" + std::to_string(r.id) + ",\"source\":" + q(r.source) +
                    ",\"record_key\":" + q(r.record_key) + ",\"reason_kind\":" + q(r.reason_kind) +
                    ",\"reason\":" + q(r.reason) +
                    ",\"quarantined_at\":" + q(vn_time::format_iso(r.quarantined_at_ms)) +
                    ",\"released\":" + (r.released_at_ms ? "true" : "false");
  if (payload) out += ",\"payload\":" + q(r.payload);
  return out + "}";
}

int fail(const Error& e) {
  std::cerr << "lienthong quarantine: " << e.message << "\n";
  return kExitFailure;
}

int64_t parse_id(const std::string& text) {
  try {
    size_t used = 0;
    int64_t id = std::stoll(text, &used);
    if (used == text.size()) return id;
  } catch (const std::exception&) {
  }
  throw UsageError("ID must be a number, got '" + text + "'");
}

// One line (or JSON object) per retried record; exit 1 when any is still in quarantine.
int retry(Runtime& rt, const Args& args, bool json) {
  auto section = rt.config->root().optional_object("webhooks");
  if (!section) {
    return fail(Error(ErrorKind::kConfig, "retry needs the webhooks section of " + rt.config->file() +
                                              " (the sources' mappings and procedure-code tables)"));
  }
  const webhooks::WebhooksConfig config = webhooks::parse_config(*section);
  std::vector<webhooks::RecordRetry> done;
  auto source = args.option("source");
  if (source && args.positional().size() > 1) throw UsageError("retry takes an ID or --source S, not both");
  if (source) {
    auto all = webhooks::retry_quarantined_source(config, *rt.db, *rt.outbox, *source, rt.clock->now_ms(),
                                                  &destination_adapters(rt));
    if (!all.ok()) return fail(all.error());
    done = std::move(all).value();
    if (done.empty() && !json)
      std::cout << "nothing of webhook source '" << *source << "' is in quarantine\n";
  } else {
    int64_t id = parse_id(args.positional_at(1, "ID (or --source S)"));
    done.push_back({id, webhooks::retry_quarantined(config, *rt.db, *rt.outbox, id, rt.clock->now_ms(),
                                                    &destination_adapters(rt))});
  }
  bool all_ok = true;
  if (json) std::cout << "[";
  for (size_t i = 0; i < done.size(); ++i) {
    const auto& [id, r] = done[i];
    all_ok = all_ok && r.ok();
    if (json) {
      std::cout << (i ? "," : "") << "{\"id\":" << id;
      if (r.ok()) {
        std::cout << ",\"retried\":true,\"source\":" << q(r->source)
                  << ",\"dossier_code\":" << q(r->dossier_code) << ",\"sequence\":" << r->sequence
                  << ",\"duplicate\":" << (r->duplicate ? "true" : "false");
      } else {
        std::cout << ",\"retried\":false,\"error_kind\":" << q(std::string(to_string(r.error().kind)))
                  << ",\"error\":" << q(r.error().message);
      }
      std::cout << "}";
    } else if (!r.ok()) {
      std::cerr << "lienthong quarantine: " << r.error().message << "\n";
    } else if (r->duplicate) {
      std::cout << "retried " << id << ": dossier " << r->dossier_code << " already had this event (#"
                << r->sequence << "); nothing new to forward; record released\n";
    } else {
      std::cout << "retried " << id << ": dossier " << r->dossier_code << " event #" << r->sequence
                << " stored and queued for DVCQG; record released\n";
    }
  }
  if (json) std::cout << "]\n";
  return all_ok ? kExitOk : kExitFailure;
}

}  // namespace

int run_quarantine(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  std::string sub = args.positional_at(0, "subcommand");
  const std::string format = cli::format_of(args);
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  dossiers::Quarantine quarantine(*rt.db);
  bool json = args.flag("json");
  if (sub == "list") {
    auto rows =
        quarantine.list(args.option_or("source", ""), args.flag("all"), args.integer_or("limit", 1000));
    if (!rows.ok()) return fail(rows.error());
    if (json) {
      std::cout << "[";
      for (size_t i = 0; i < rows->size(); ++i) std::cout << (i ? "," : "") << to_json((*rows)[i], false);
      std::cout << "]\n";
    } else if (format == "csv") {
      std::cout << csv_row({"id", "source", "record", "kind", "reason", "released"});
      for (auto& r : *rows)
        std::cout << csv_row({std::to_string(r.id), r.source, r.record_key, r.reason_kind, r.reason,
                              r.released_at_ms ? vn_time::format_iso(r.released_at_ms) : ""});
    } else {
      std::cout << "ID\tSOURCE\tRECORD\tKIND\tREASON\n";
      for (auto& r : *rows)
        std::cout << r.id << "\t" << r.source << "\t" << r.record_key << "\t" << r.reason_kind << "\t"
                  << r.reason << (r.released_at_ms ? " (released)" : "") << "\n";
    }
    return kExitOk;
  }
  if (sub == "count") {
    auto n = quarantine.count(args.option_or("source", ""));
    if (!n.ok()) return fail(n.error());
    if (format == "csv")
      std::cout << csv_row({"quarantined"}) << csv_row({std::to_string(*n)});
    else
      std::cout << (json ? "{\"quarantined\":" + std::to_string(*n) + "}" : std::to_string(*n)) << "\n";
    return kExitOk;
  }
  if (sub == "retry") return retry(rt, args, json);
  std::string id_text = args.positional_at(1, "ID");
  int64_t id = 0;
  try {
    id = std::stoll(id_text);
  } catch (const std::exception&) {
    throw UsageError("ID must be a number, got '" + id_text + "'");
  }
  if (sub == "release") {
    auto st = quarantine.release(id, rt.clock->now_ms());
    if (!st.ok()) return fail(st.error());
    std::cout << "released " << id << "\n";
    return kExitOk;
  }
  auto r = quarantine.get(id);
  if (!r.ok()) return fail(r.error());
  if (!*r) {
    std::cerr << "lienthong quarantine: no quarantined record " << id << " (see lienthong quarantine list)\n";
    return kExitFailure;
  }
  const auto& rec = **r;
  if (json) {
    std::cout << to_json(rec, args.flag("payload")) << "\n";
    return kExitOk;
  }
  if (format == "csv") {
    std::cout << csv_row({"field", "value"}) << csv_row({"id", std::to_string(rec.id)})
              << csv_row({"source", rec.source}) << csv_row({"record", rec.record_key})
              << csv_row({"reason kind", rec.reason_kind}) << csv_row({"reason", rec.reason})
              << csv_row({"quarantined at", vn_time::format_iso(rec.quarantined_at_ms)})
              << csv_row({"released", rec.released_at_ms ? vn_time::format_iso(rec.released_at_ms) : "no"});
    if (args.flag("payload")) std::cout << csv_row({"payload", rec.payload});
    return kExitOk;
  }
  std::cout << "id:             " << rec.id << "\n"
            << "source:         " << rec.source << "\n"
            << "record:         " << rec.record_key << "\n"
            << "reason kind:    " << rec.reason_kind << "\n"
            << "reason:         " << rec.reason << "\n"
            << "quarantined at: " << vn_time::format_iso(rec.quarantined_at_ms) << "\n"
            << "released:       " << (rec.released_at_ms ? vn_time::format_iso(rec.released_at_ms) : "no")
            << "\n";
  if (args.flag("payload")) {
    std::cout << "payload:\n" << rec.payload << "\n";
  } else {
    std::cout << "payload:        (hidden: may hold personal data; add --payload)\n";
  }
  return kExitOk;
}

}  // namespace lienthong::app
