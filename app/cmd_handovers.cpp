// `lienthong handovers`: dossiers handed over by DVCQG (record kind dvcqg_handover) and
// their files. The one-stop-shop adapter has no call to create a dossier, so they are kept
// here for the one-stop-shop's staff. The dossier's members hold personal data: shown only
// by `show --fields`.
#include <fstream>
#include <iostream>

#include "adapters/dvcqg/handover_record.hpp"
#include "app/cli.hpp"
#include "app/commands.hpp"
#include "gateway/core/common/csv.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"

namespace lienthong::app {

namespace {

const cli::CommandSpec& spec() {
  static const cli::CommandSpec s{"handovers",
                                  "Dossiers handed over by DVCQG and their files.",
                                  "",
                                  {cli::config_option()},
                                  {},
                                  {{"list",
                                    "handed-over dossiers (default limit 1000)",
                                    {},
                                    {{"limit", "N", "at most N dossiers"}},
                                    true},
                                   {"show",
                                    "one dossier and its files (as CSV: one row per file)",
                                    {{"CODE", "the dossier's code"}},
                                    {{"fields", "", "the dossier's members, personal data (table and JSON)"}},
                                    true},
                                   {"file",
                                    "a stored file, decoded",
                                    {{"SHA256", "the file's SHA-256"}},
                                    {{"out", "FILE", "where to write it (required)"}}}}};
  return s;
}

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

std::string to_json(const adapters::dvcqg::HandedOverDossier& d, bool fields) {
  std::string out = "{\"code\":" + q(d.code) + ",\"procedure_code\":" + q(d.procedure_code) +
                    ",\"versions\":" + std::to_string(d.versions) +
                    ",\"received_at\":" + q(vn_time::format_iso(d.received_at_ms)) +
                    ",\"updated_at\":" + q(vn_time::format_iso(d.updated_at_ms)) + ",\"files\":[";
  for (size_t i = 0; i < d.files.size(); ++i) {
    const auto& f = d.files[i];
    out += (i ? ",{" : "{") + std::string("\"role\":") + q(f.role) + ",\"name\":" + q(f.name) +
           ",\"sha256\":" + q(f.sha256) + ",\"bytes\":" + std::to_string(f.bytes) + "}";
  }
  out += "]";
  if (fields) out += ",\"fields\":" + d.fields;
  return out + "}";
}

int64_t total_bytes(const adapters::dvcqg::HandedOverDossier& d) {
  int64_t n = 0;
  for (const auto& f : d.files) n += f.bytes;
  return n;
}

int fail(const Error& e) {
  std::cerr << "lienthong handovers: " << e.message << "\n";
  return kExitFailure;
}

}  // namespace

int run_handovers(const std::vector<std::string>& argv) {
  auto parsed = cli::parse(spec(), argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  std::string sub = args.positional_at(0, "subcommand");
  const bool csv = cli::format_of(args) == "csv";
  Runtime rt = open_runtime(config_path(args), StoreAccess::kExisting);
  bool json = args.flag("json");
  if (sub == "list") {
    auto all = adapters::dvcqg::list_handovers(*rt.db, args.integer_or("limit", 1000));
    if (!all.ok()) return fail(all.error());
    if (json) {
      std::cout << "[";
      for (size_t i = 0; i < all->size(); ++i) std::cout << (i ? "," : "") << to_json((*all)[i], false);
      std::cout << "]\n";
      return kExitOk;
    }
    if (csv) {
      std::cout << csv_row({"code", "procedure", "files", "bytes", "versions", "updated"});
      for (const auto& d : *all)
        std::cout << csv_row({d.code, d.procedure_code, std::to_string(d.files.size()),
                              std::to_string(total_bytes(d)), std::to_string(d.versions),
                              vn_time::format_iso(d.updated_at_ms)});
      return kExitOk;
    }
    std::cout << "CODE\tPROCEDURE\tFILES\tBYTES\tVERSIONS\tUPDATED\n";
    for (const auto& d : *all) {
      std::cout << d.code << "\t" << d.procedure_code << "\t" << d.files.size() << "\t" << total_bytes(d)
                << "\t" << d.versions << "\t" << vn_time::format_iso(d.updated_at_ms) << "\n";
    }
    return kExitOk;
  }
  if (sub == "file") {
    std::string sha = args.positional_at(1, "SHA256");
    std::string out = args.required("out");
    auto bytes = adapters::dvcqg::read_handover_file(*rt.db, sha);
    if (!bytes.ok()) return fail(bytes.error());
    if (!*bytes) {
      std::cerr << "lienthong handovers: no stored file " << sha << " (see lienthong handovers show CODE)\n";
      return kExitFailure;
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f.write((*bytes)->data(), static_cast<std::streamsize>((*bytes)->size()));
    f.close();
    if (!f) return fail(Error(ErrorKind::kInternal, "cannot write " + out));
    std::cout << "wrote " << (*bytes)->size() << " bytes to " << out << "\n";
    return kExitOk;
  }
  std::string code = args.positional_at(1, "CODE");
  auto d = adapters::dvcqg::find_handover(*rt.db, code);
  if (!d.ok()) return fail(d.error());
  if (!*d) {
    std::cerr << "lienthong handovers: no handed-over dossier " << code
              << " (see lienthong handovers list)\n";
    return kExitFailure;
  }
  const auto& h = **d;
  if (json) {
    std::cout << to_json(h, args.flag("fields")) << "\n";
    return kExitOk;
  }
  if (csv) {
    std::cout << csv_row({"code", "procedure", "role", "name", "sha256", "bytes"});
    for (const auto& f : h.files)
      std::cout << csv_row({h.code, h.procedure_code, f.role, f.name, f.sha256, std::to_string(f.bytes)});
    return kExitOk;
  }
  std::cout << "code:        " << h.code << "\n"
            << "procedure:   " << h.procedure_code << "\n"
            << "versions:    " << h.versions << "\n"
            << "received at: " << vn_time::format_iso(h.received_at_ms) << "\n"
            << "updated at:  " << vn_time::format_iso(h.updated_at_ms) << "\n"
            << "files:\n";
  for (const auto& f : h.files)
    std::cout << "  " << f.role << "\t" << f.sha256 << "\t" << f.bytes << "\t" << f.name << "\n";
  if (args.flag("fields")) {
    std::cout << "fields:      " << h.fields << "\n";
  } else {
    std::cout << "fields:      (hidden: personal data; add --fields)\n";
  }
  return kExitOk;
}

}  // namespace lienthong::app
