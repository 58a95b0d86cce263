// `lienthong outbox`: what is waiting, what died and why, and replaying dead letters.
// Payloads carry personal data (names, ID numbers), so they are printed only on request.
#include <iostream>
#include <sstream>

#include "app/commands.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  lienthong outbox list [--state pending|sent|dead|discarded] [--destination D] [--limit N] [--after ID]"
    " [--json]\n"
    "  lienthong outbox show ID [--json] [--payload]\n"
    "  lienthong outbox replay ID | --all-dead [--destination D]\n"
    "  lienthong outbox discard ID\n"
    "  lienthong outbox counts [--destination D] [--json]\n"
    "  lienthong outbox prune [--older-than-days N] [--json]\n"
    "\n"
    "list     messages in id order (default limit 100), without payloads.\n"
    "show     one message. The payload holds personal data and is printed only with --payload\n"
    "         (its SHA-256 and size are always shown).\n"
    "replay   puts a dead letter (or every dead letter, of one destination with --destination)\n"
    "         back in line, due now, with its attempts and age reset.\n"
    "discard  gives up on a dead letter so the later messages of its ordering key can move on.\n"
    "counts   pending / sent / dead, and blocked = pending behind a dead letter of the same key.\n"
    "prune    deletes sent messages (and discarded ones) older than N days, default the\n"
    "         outbox's retention_days; pending and dead messages are never deleted. `serve`\n"
    "         does this daily.\n"
    "\n"
    "Messages of one ordering key are delivered strictly in order: a dead letter holds back the\n"
    "later messages of its key until it is replayed or discarded.\n"
    "Options: --config FILE (default: $LIENTHONG_CONFIG or ./lienthong.json).\n";

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
  if (args.flag("json")) {
    std::cout << "[";
    for (size_t i = 0; i < msgs->size(); ++i) std::cout << (i ? "," : "") << to_json((*msgs)[i], false);
    std::cout << "]\n";
    return kExitOk;
  }
  std::cout << "ID\tSTATE\tDESTINATION\tKIND\tORDERING_KEY\tATTEMPTS\tNEXT_ATTEMPT\tLAST_ERROR\n";
  for (auto& m : *msgs) {
    std::cout << m.id << "\t" << outbox::to_string(m.state) << "\t" << m.destination << "\t" << m.kind << "\t"
              << m.ordering_key << "\t" << m.attempts << "\t"
              << (m.state == outbox::State::kPending ? time_or_dash(m.next_attempt_at_ms) : "-") << "\t"
              << (m.last_error.empty() ? "-" : m.last_error) << "\n";
  }
  return kExitOk;
}

int cmd_show(Runtime& rt, const Args& args) {
  int64_t id = parse_id(args.positional_at(1, "ID"));
  auto& ob = open_outbox(rt);
  auto m = ob.get(id);
  if (!m.ok()) return fail(m.error());
  bool payload = args.flag("payload");
  if (args.flag("json")) {
    std::cout << to_json(*m, payload) << "\n";
    return kExitOk;
  }
  std::cout << "id:            " << m->id << "\n"
            << "state:         " << outbox::to_string(m->state) << "\n"
            << "destination:   " << m->destination << "\n"
            << "kind:          " << m->kind << "\n"
            << "ordering key:  " << m->ordering_key << "\n"
            << "dedup key:     " << m->dedup_key << "\n"
            << "attempts:      " << m->attempts << "\n"
            << "created:       " << time_or_dash(m->created_at_ms) << "\n"
            << "next attempt:  "
            << (m->state == outbox::State::kPending ? time_or_dash(m->next_attempt_at_ms) : "-") << "\n"
            << "sent:          " << time_or_dash(m->sent_at_ms) << "\n"
            << "last error:    " << (m->last_error.empty() ? "-" : m->last_error) << "\n"
            << "content hash:  sha256:" << m->content_hash << "\n";
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
  if (args.flag("json")) {
    std::cout << "{\"pending\":" << c->pending << ",\"sent\":" << c->sent << ",\"dead\":" << c->dead
              << ",\"blocked\":" << c->blocked << "}\n";
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
  Args args = Args::parse(argv, {"help", "json", "payload", "all-dead"});
  if (args.flag("help") || args.positional().empty()) {
    std::cout << kUsage;
    return args.flag("help") ? kExitOk : kExitUsage;
  }
  args.allow_only({"help", "json", "payload", "all-dead", "config", "state", "destination", "limit", "after",
                   "older-than-days"});
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
