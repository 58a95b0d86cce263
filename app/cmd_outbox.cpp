// `lienthong outbox`: what is waiting, what died and why, and replaying dead letters.
// Payloads carry personal data (names, ID numbers), so they are printed only on request.
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "outbox",
      "Inspect and replay outbound messages.",
      "Messages of one ordering key are delivered strictly in order: a dead letter holds back the\n"
      "later messages of its key until it is replayed or discarded.",
      {cli::config_option()},
      {},
      {{"list",
        "messages in id order (default limit 100), without payloads",
        {},
        {{"state", "pending|sent|dead|discarded", "only messages in this state"},
         {"destination", "D", "only messages for this destination"},
         {"limit", "N", "at most N messages (default 100)"},
         {"after", "ID", "messages after this id (paging)"}},
        true},
       {"show",
        "one message. The payload holds personal data and is printed only with --payload (its SHA-256 "
        "and size are always shown)",
        {{"ID", "the message's id"}},
        {{"payload", "", "print the payload too"}},
        true},
       {"replay",
        "puts a dead letter (or every dead letter, of one destination with --destination) back in "
        "line, due now, with its attempts and age reset",
        {{"ID", "the dead letter's id (or --all-dead)", false}},
        {{"all-dead", "", "every dead letter"},
         {"destination", "D", "with --all-dead: of this destination only"}}},
       {"discard",
        "gives up on a dead letter so the later messages of its ordering key can move on",
        {{"ID", "the dead letter's id"}},
        {}},
       {"counts",
        "pending / sent / dead, and blocked = pending behind a dead letter of the same key",
        {},
        {{"destination", "D", "only this destination"}},
        true},
       {"prune",
        "deletes sent messages (and discarded ones) older than N days, default the outbox's "
        "retention_days; pending and dead messages are never deleted. `serve` does this daily",
        {},
        {{"older-than-days", "N", "age in days (0 or more)"}, {"json", "", "print the result as JSON"}}}}};
  return s;
}

std::string time_or_dash(int64_t ms) {
  return ms > 0 ? vn_time::format_iso(ms) : "-";
}

std::string json_str(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

std::string to_json(const outbox::Message& m, bool with_payload) {
  std::ostringstream o;
  o << "{\"id\":" << m.id << ",\"destination\":" << json_str(m.destination)
    << ",\"kind\":" << json_str(m.kind) << ",\"ordering_key\":" << json_str(m.ordering_key)
    << ",\"dedup_key\":" << json_str(m.dedup_key)
    << ",\"state\":" << json_str(std::string(outbox::to_string(m.state))) << ",\"attempts\":" << m.attempts
    << ",\"created_at_ms\":" << m.created_at_ms << ",\"next_attempt_at_ms\":" << m.next_attempt_at_ms
    << ",\"sent_at_ms\":" << m.sent_at_ms << ",\"last_error\":" << json_str(m.last_error)
    << ",\"content_hash\":" << json_str(m.content_hash) << ",\"payload_bytes\":" << m.payload.size();
  if (with_payload) o << ",\"payload\":" << json_str(m.payload);
  o << "}";
  return o.str();
}

outbox::Outbox& open_outbox(Runtime& rt) {
  return *rt.outbox;
}

int64_t parse_id(const std::string& s) {
  try {
    size_t used = 0;
    int64_t id = std::stoll(s, &used);
    if (used == s.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw UsageError("ID must be a positive integer, got '" + s + "'");
}

int fail(const Error& e) {
  std::cerr << "lienthong outbox: " << e.message << "\n";
  return kExitFailure;
}

int cmd_list(Runtime& rt, const Args& args) {
  outbox::ListFilter f;
  if (auto s = args.option("state")) {
    f.state = outbox::parse_state(*s);
    if (!f.state) throw UsageError("--state must be pending, sent, dead or discarded, got '" + *s + "'");
  }
  f.destination = args.option_or("destination", "");
  f.limit = args.integer_or("limit", 100);
  f.after_id = args.integer_or("after", 0);
  if (f.limit <= 0 || f.limit > 100000) throw UsageError("--limit must be between 1 and 100000");
  auto& ob = open_outbox(rt);
  auto msgs = ob.list(f);
  if (!msgs.ok()) return fail(msgs.error());
  const std::string format = cli::format_of(args);
  if (format == "json") {
    std::cout << "[";
    for (size_t i = 0; i < msgs->size(); ++i) std::cout << (i ? "," : "") << to_json((*msgs)[i], false);
    std::cout << "]\n";
    return kExitOk;
  }
  const std::vector<std::string> header = {"ID",           "STATE",    "DESTINATION",  "KIND",
                                           "ORDERING_KEY", "ATTEMPTS", "NEXT_ATTEMPT", "LAST_ERROR"};
  auto print = [&](const std::vector<std::string>& cells) {
    if (format == "csv") {
      std::cout << csv_row(cells);
      return;
    }
    for (size_t i = 0; i < cells.size(); ++i) std::cout << (i ? "\t" : "") << cells[i];
    std::cout << "\n";
  };
  print(header);
  for (auto& m : *msgs) {
    print({std::to_string(m.id), std::string(outbox::to_string(m.state)), m.destination, m.kind,
           m.ordering_key, std::to_string(m.attempts),
           m.state == outbox::State::kPending ? time_or_dash(m.next_attempt_at_ms) : "-",
           m.last_error.empty() ? "-" : m.last_error});
  }
  return kExitOk;
}

int cmd_show(Runtime& rt, const Args& args) {
  int64_t id = parse_id(args.positional_at(1, "ID"));
  auto& ob = open_outbox(rt);
  auto m = ob.get(id);
  if (!m.ok()) return fail(m.error());
  bool payload = args.flag("payload");
  const std::string format = cli::format_of(args);
  if (format == "json") {
    std::cout << to_json(*m, payload) << "\n";
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> fields = {
      {"id", std::to_string(m->id)},
      {"state", std::string(outbox::to_string(m->state))},
      {"destination", m->destination},
      {"kind", m->kind},
      {"ordering key", m->ordering_key},
      {"dedup key", m->dedup_key},
      {"attempts", std::to_string(m->attempts)},
      {"created", time_or_dash(m->created_at_ms)},
      {"next attempt", m->state == outbox::State::kPending ? time_or_dash(m->next_attempt_at_ms) : "-"},
      {"sent", time_or_dash(m->sent_at_ms)},
      {"last error", m->last_error.empty() ? "-" : m->last_error},
      {"content hash", "sha256:" + m->content_hash},
      {"payload bytes", std::to_string(m->payload.size())}};
  if (format == "csv") {
    if (payload) fields.emplace_back("payload", m->payload);
    std::cout << csv_row({"field", "value"});
    for (auto& [k, v] : fields) std::cout << csv_row({k, v});
    return kExitOk;
  }
  fields.pop_back();  // the table says it with the payload line
  for (auto& [k, v] : fields)
    std::cout << (k + ":" + std::string(k.size() < 14 ? 14 - k.size() : 1, ' ')) << v << "\n";
  if (payload) {
    std::cout << "payload:\n" << m->payload << "\n";
  } else {
    std::cout << "payload:       " << m->payload.size()
              << " bytes (hidden: may hold personal data; --payload shows it)\n";
  }
  return kExitOk;
}

int cmd_replay(Runtime& rt, const Args& args) {
  auto& ob = open_outbox(rt);
  if (args.flag("all-dead")) {
    if (args.positional().size() > 1) throw UsageError("give either ID or --all-dead, not both");
    auto n = ob.replay_all_dead(args.option_or("destination", ""));
    if (!n.ok()) return fail(n.error());
    std::cout << "replayed " << *n << " dead letter(s)\n";
    return kExitOk;
  }
  if (args.option("destination")) throw UsageError("--destination goes with --all-dead");
  int64_t id = parse_id(args.positional_at(1, "ID (or --all-dead)"));
  auto s = ob.replay(id);
  if (!s.ok()) return fail(s.error());
  std::cout << "message " << id << " is pending again, due now\n";
  return kExitOk;
}

int cmd_discard(Runtime& rt, const Args& args) {
  int64_t id = parse_id(args.positional_at(1, "ID"));
  auto& ob = open_outbox(rt);
  auto s = ob.discard(id);
  if (!s.ok()) return fail(s.error());
  std::cout << "message " << id << " discarded; later messages of its ordering key can move on\n";
  return kExitOk;
}

int cmd_counts(Runtime& rt, const Args& args) {
  auto& ob = open_outbox(rt);
  auto c = ob.counts(args.option_or("destination", ""));
  if (!c.ok()) return fail(c.error());
  const std::string format = cli::format_of(args);
  if (format == "json") {
    std::cout << "{\"pending\":" << c->pending << ",\"sent\":" << c->sent << ",\"dead\":" << c->dead
              << ",\"blocked\":" << c->blocked << "}\n";
  } else if (format == "csv") {
    std::cout << csv_row({"pending", "sent", "dead", "blocked"})
              << csv_row({std::to_string(c->pending), std::to_string(c->sent), std::to_string(c->dead),
                          std::to_string(c->blocked)});
  } else {
    std::cout << "pending " << c->pending << "\nsent " << c->sent << "\ndead " << c->dead << "\nblocked "
              << c->blocked << "\n";
  }
  return kExitOk;
}

int cmd_prune(Runtime& rt, const Args& args) {
  auto& ob = open_outbox(rt);
  int64_t days = ob.policy().retention_days;
  if (auto d = args.option("older-than-days")) {
    char* end = nullptr;
    long long v = std::strtoll(d->c_str(), &end, 10);
    if (d->empty() || *end != '\0' || v < 0)
      throw UsageError("--older-than-days must be a whole number of days (0 or more), got '" + *d + "'");
    days = v;
  } else if (days == 0) {
    throw UsageError("outbox.retention_days is 0 (keep for ever): give --older-than-days N to prune anyway");
  }
  auto n = ob.prune(rt.clock->now_ms() - days * 86'400'000LL);
  if (!n.ok()) return fail(n.error());
  if (args.flag("json")) {
    std::cout << "{\"deleted\":" << *n << ",\"older_than_days\":" << days << "}\n";
  } else {
    std::cout << "deleted " << *n << " sent or discarded message(s) older than " << days << " day(s)\n";
  }
  return kExitOk;
}

}  // namespace

int run_outbox(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  std::string sub = args.positional()[0];
  using Handler = int (*)(Runtime&, const Args&);
  Handler handler = sub == "list"      ? cmd_list
                    : sub == "show"    ? cmd_show
                    : sub == "replay"  ? cmd_replay
                    : sub == "discard" ? cmd_discard
                    : sub == "counts"  ? cmd_counts
                    : sub == "prune"   ? cmd_prune
                                       : nullptr;
  if (!handler)
    throw UsageError("unknown subcommand '" + sub + "' (list, show, replay, discard, counts, prune)");
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  return handler(rt, args);
}

}  // namespace lienthong::app
