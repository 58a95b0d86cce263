// lienthong audit: the inspector's view of the citizen lookup audit log.
//   verify [--json] [--file EXPORT.jsonl --public-key PEM | --chain-only] [--anchors FILE [--record
//          [--signing-key PEM]]]   prove the chain intact (and holding the heads recorded earlier,
//          and a sealed export whole) or name the first broken entry
//   export --from D --to D [--format jsonl|csv] [--out FILE] [--signing-key PEM]
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/audit/audit_log.hpp"
#include "gateway/core/audit/signature.hpp"
#include "gateway/core/common/clock.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {
namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{
      "audit",
      "Check the citizen lookup audit chain, export it for an inspector.",
      "",
      {cli::config_option()},
      {},
      {{"verify",
        "checks the hash chain of the citizen lookup audit log in the store (or of an exported JSON-lines "
        "segment with --file) and prints the head (seq and hash) to record elsewhere; exits 1 and names the "
        "first broken entry when an entry was edited, deleted or reordered. Lists unfinished lookups: an "
        "intent (written before the database was called) with no outcome",
        {},
        {{"json", "", "print the report as one JSON object"},
         {"file", "EXPORT.jsonl",
          "check an exported segment instead of the store (with --public-key or --chain-only)"},
         {"public-key", "PEM",
          "the gateway's Ed25519 public key; every recorded head must then be signed by it, and an export "
          "(--file) must end in a seal signed by it that names exactly its entries (a trimmed or fabricated "
          "export is refused)"},
         {"chain-only", "",
          "check an export's chain without its seal: that proves nothing about where the entries come from"},
         {"anchors", "FILE",
          "heads recorded before (JSON lines); the log must still hold each of them, or it was truncated or "
          "rewritten"},
         {"record", "", "append this run's head to the --anchors FILE when all is well"},
         {"signing-key", "PEM", "sign what --record records"}}},
       {"export",
        "writes the entries of the given Vietnam-time days (both inclusive) with their hashes",
        {},
        {{"from", "YYYY-MM-DD", "first day (required)"},
         {"to", "YYYY-MM-DD", "last day (required)"},
         {"format", "jsonl|csv", "jsonl (default) or csv"},
         {"out", "FILE", "write to FILE instead of stdout"},
         {"signing-key", "PEM",
          "(jsonl only) check the whole log first and append a seal line signed with the gateway's Ed25519 "
          "key (certs/make-audit-signing-key.sh)"}}}}};
  return s;
}

std::unique_ptr<store::Database> open_store(const Args& args, Runtime& rt) {
  rt = open_runtime(config_path(args), StoreAccess::kExisting);
  // The audit table is normally created with the citizen lookup component's migrations;
  // applying them here too lets an inspector's copy of the store be read on its own.
  auto st = rt.db->migrate(audit::AuditLog::migrations());
  if (!st.ok()) throw ConfigError("store migration failed: " + st.error().message);
  return std::move(rt.db);
}

void print_report(const audit::VerifyReport& r, bool json) {
  if (json) {
    std::cout << audit::report_json(r) << "\n";
  } else if (!r.intact && (r.problem == "seal" || r.problem == "unsigned_head")) {
    std::cout << "audit evidence REFUSED (" << r.problem << "): " << r.detail << "\n";
  } else if (!r.intact && (r.problem == "truncated" || r.problem == "rewritten")) {
    std::cout << "audit log BROKEN at entry " << r.first_broken_seq << " (" << r.problem << "): " << r.detail
              << "\n"
              << "its " << r.entries << " entries chain up consistently to head seq " << r.head_seq
              << " hash " << r.head_hash << ", but not to a head recorded before\n";
  } else if (r.intact) {
    std::cout << "audit log intact: " << r.entries << " entries verified; head seq " << r.head_seq << " hash "
              << r.head_hash << "\n";
  } else {
    std::cout << "audit log BROKEN at entry " << r.first_broken_seq << " (" << r.problem << "): " << r.detail
              << "\n"
              << r.entries << " entries before it verified; last good seq " << r.head_seq << " hash "
              << r.head_hash << "\n";
  }
  if (!json && !r.unfinished.empty()) {
    std::cout << r.unfinished.size()
              << " lookup(s) UNFINISHED: the intent was recorded before the population database was called, "
                 "but no outcome follows (the gateway stopped during the call, or the lookup is still in "
                 "flight):\n";
    for (auto& [seq, id] : r.unfinished) std::cout << "  entry " << seq << " lookup_id " << id << "\n";
  }
}

// The anchors file: one recorded head per line; a missing file is an empty list (the first
// --record creates it).
std::vector<audit::Anchor> read_anchors(const std::string& path) {
  std::vector<audit::Anchor> out;
  std::ifstream in(path);
  if (!in) {
    if (std::filesystem::exists(path)) throw ConfigError("cannot read the anchors file " + path);
    return out;
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto a = audit::parse_anchor_line(line);
    if (!a.ok()) throw ConfigError(path + " line " + std::to_string(n) + ": " + a.error().message);
    out.push_back(std::move(a).value());
  }
  return out;
}

audit::SigningKey load_key(const std::string& path, bool want_private) {
  auto key = want_private ? audit::SigningKey::load_private(path) : audit::SigningKey::load_public(path);
  if (!key.ok()) throw ConfigError(key.error().message);
  return std::move(key).value();
}

std::string must(Result<std::string> r) {
  if (!r.ok()) throw ConfigError(r.error().message);
  return std::move(r).value();
}

// A sealed export holds exactly the entries its signed seal names.
void check_export_seal(const std::optional<audit::ExportSeal>& seal,
                       const std::vector<audit::AuditEntry>& entries, const audit::SigningKey& key,
                       audit::VerifyReport& report) {
  std::string wrong =
      seal ? audit::check_seal(*seal, entries, key)
           : "the export has no seal: it was not signed when exported, or its last line was removed";
  if (wrong.empty()) return;
  report.intact = false;
  report.first_broken_seq = entries.empty() ? 0 : entries.back().seq;
  report.problem = "seal";
  report.detail = wrong;
}

// With the gateway's public key, a recorded head counts only when signed by it.
void check_anchor_signatures(const std::vector<audit::Anchor>& anchors, const audit::SigningKey& key,
                             audit::VerifyReport& report) {
  for (const auto& a : anchors) {
    if (a.key_id == key.key_id() && key.verify(audit::anchor_message(a), a.signature)) continue;
    report.intact = false;
    report.first_broken_seq = a.seq;
    report.problem = "unsigned_head";
    report.detail =
        "the head recorded for entry " + std::to_string(a.seq) +
        (a.signature.empty() ? " is not signed" : " carries no valid signature by key " + key.key_id()) +
        ": it was not recorded with the gateway's key, or was altered since";
    return;
  }
}

int verify(const Args& args) {
  if (args.flag("record") && !args.option("anchors")) throw UsageError("--record needs --anchors FILE");
  if (args.option("signing-key") && !args.flag("record"))
    throw UsageError("--signing-key signs what --record records");
  std::optional<audit::SigningKey> public_key;
  if (auto path = args.option("public-key")) public_key = load_key(*path, false);
  std::optional<audit::SigningKey> signing_key;
  if (auto path = args.option("signing-key")) signing_key = load_key(*path, true);
  if (args.flag("record") && args.option("file")) {
    throw UsageError("--record records the head of the whole log: use it without --file");
  }
  if (args.option("file") && !args.option("public-key") && !args.flag("chain-only")) {
    throw UsageError(
        "an export proves nothing without its seal: give --public-key PEM (the gateway's public key), or "
        "--chain-only to check only that its entries chain together");
  }

  std::vector<audit::Anchor> anchors;
  if (auto path = args.option("anchors")) anchors = read_anchors(*path);
  audit::VerifyReport report;
  std::vector<audit::AuditEntry> entries;
  const bool whole_log = !args.option("file");
  if (auto file = args.option("file")) {
    std::ifstream in(*file);
    if (!in) {
      std::cerr << "lienthong audit: cannot open " << *file << "\n";
      return kExitFailure;
    }
    std::string line;
    std::optional<audit::ExportSeal> seal;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.empty()) continue;
      if (seal) {
        std::cerr << "lienthong audit: " << *file << " line " << n
                  << ": a line follows the seal, which must be last\n";
        return kExitFailure;
      }
      if (audit::is_seal_line(line)) {
        auto s = audit::parse_seal_line(line);
        if (!s.ok()) {
          std::cerr << "lienthong audit: " << *file << " line " << n << ": " << s.error().message << "\n";
          return kExitFailure;
        }
        seal = std::move(s).value();
        continue;
      }
      auto e = audit::from_json_line(line);
      if (!e.ok()) {
        std::cerr << "lienthong audit: " << *file << " line " << n << ": " << e.error().message << "\n";
        return kExitFailure;
      }
      entries.push_back(std::move(e).value());
    }
    report = audit::verify_chain(entries, false);
    if (public_key && report.intact) check_export_seal(seal, entries, *public_key, report);
  } else {
    Runtime rt;
    auto db = open_store(args, rt);
    audit::AuditLog log(*db);
    auto all = log.all();
    if (!all.ok()) {
      std::cerr << "lienthong audit: " << all.error().message << "\n";
      return kExitFailure;
    }
    entries = std::move(all).value();
    report = audit::verify_chain(entries, true);
  }
  if (public_key && report.intact) check_anchor_signatures(anchors, *public_key, report);
  int64_t checked = audit::check_anchors(entries, whole_log, anchors, report);
  print_report(report, args.flag("json"));
  if (auto path = args.option("anchors"); path && !args.flag("json")) {
    std::cout << checked << " of " << anchors.size() << " recorded heads checked"
              << (whole_log ? "" : " (the others are outside this export)") << "\n";
  }
  if (!report.intact) return kExitFailure;
  if (args.flag("record") && report.head_seq == 0) {
    if (!args.flag("json")) std::cout << "nothing recorded: the log is empty\n";
  } else if (args.flag("record")) {
    audit::Anchor a{report.head_seq, report.head_hash, vn_time::format_iso(SystemClock::instance().now_ms()),
                    "", ""};
    if (signing_key) {
      a.key_id = signing_key->key_id();
      a.signature = must(signing_key->sign(audit::anchor_message(a)));
    }
    std::ofstream f(*args.option("anchors"), std::ios::binary | std::ios::app);
    f << audit::anchor_line(a) << "\n";
    if (!f.flush()) {
      std::cerr << "lienthong audit: cannot append to " << *args.option("anchors") << "\n";
      return kExitFailure;
    }
    if (!args.flag("json"))
      std::cout << "recorded head seq " << a.seq << " in " << *args.option("anchors") << "\n";
  }
  return kExitOk;
}

int64_t day_start(const std::string& option, const std::string& value) {
  auto d = vn_time::parse_date(value);
  if (!d) throw UsageError("--" + option + " expects a date YYYY-MM-DD, got '" + value + "'");
  int y, m, dd;
  vn_time::civil_from_days(*d, y, m, dd);
  return vn_time::from_vietnam({y, m, dd, 0, 0, 0});
}

int export_entries(const Args& args) {
  int64_t from = day_start("from", args.required("from"));
  int64_t to = day_start("to", args.required("to")) + 86'400'000;
  if (to <= from) throw UsageError("--to is before --from");
  std::string format = args.option_or("format", "jsonl");
  if (format != "jsonl" && format != "csv") throw UsageError("--format must be jsonl or csv");
  if (args.option("signing-key") && format != "jsonl") throw UsageError("only a jsonl export is sealed");
  std::optional<audit::SigningKey> key;
  if (auto path = args.option("signing-key")) key = load_key(*path, true);
  Runtime rt;
  auto db = open_store(args, rt);
  audit::AuditLog log(*db);
  auto entries = log.range(from, to);
  if (!entries.ok()) {
    std::cerr << "lienthong audit: " << entries.error().message << "\n";
    return kExitFailure;
  }
  std::ostringstream out;
  if (format == "csv") out << audit::csv_header();
  for (auto& e : *entries) out << (format == "csv" ? audit::to_csv_row(e) : audit::to_json_line(e) + "\n");
  if (key) {
    // Sealing vouches for the log: a broken chain is not signed.
    auto whole = log.verify();
    if (!whole.ok() || !whole->intact) {
      std::cerr << "lienthong audit: not sealed: "
                << (whole.ok() ? "the log is broken at entry " + std::to_string(whole->first_broken_seq) +
                                     " (" + whole->problem + "); run audit verify"
                               : whole.error().message)
                << "\n";
      return kExitFailure;
    }
    audit::ExportSeal seal;
    seal.from_day = args.required("from");
    seal.to_day = args.required("to");
    audit::describe_entries(*entries, seal);
    seal.log_head_seq = whole->head_seq;
    seal.log_head_hash = whole->head_hash;
    seal.signed_at = vn_time::format_iso(SystemClock::instance().now_ms());
    seal.key_id = key->key_id();
    seal.signature = must(key->sign(audit::seal_message(seal)));
    out << audit::seal_line(seal) << "\n";
  }
  if (auto file = args.option("out")) {
    std::ofstream f(*file, std::ios::binary | std::ios::trunc);
    f << out.str();
    if (!f.flush()) {
      std::cerr << "lienthong audit: cannot write " << *file << "\n";
      return kExitFailure;
    }
    std::cerr << "wrote " << entries->size() << " entries to " << *file << "\n";
  } else {
    std::cout << out.str();
  }
  return kExitOk;
}

}  // namespace

int run_audit(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  const std::string& sub = args.positional()[0];
  if (sub == "verify") return verify(args);
  if (sub == "export") return export_entries(args);
  throw UsageError("unknown subcommand '" + sub + "'");
}

}  // namespace lienthong::app
