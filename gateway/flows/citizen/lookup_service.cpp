#include "gateway/flows/citizen/lookup_service.hpp"

#include <set>

#include "gateway/core/common/log.hpp"
#include "gateway/core/common/vn_time.hpp"
#include "gateway/flows/citizen/lookup_request.hpp"

namespace lienthong::citizen {
namespace {

std::string q(const std::string& s) {
  return "\"" + log::json_escape(s) + "\"";
}

// RFC 9457 problem details. `detail` is built by the gateway and never holds submitted
// values.
HttpReply problem(int status, const std::string& result, const std::string& title, const std::string& detail,
                  const std::string& lookup_id, const std::string& field = "") {
  HttpReply r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/problem+json"});
  r.body = "{\"type\":\"urn:lienthong:citizen-lookup:" + result + "\",\"title\":" + q(title) +
           ",\"status\":" + std::to_string(status) + ",\"detail\":" + q(detail);
  if (!lookup_id.empty()) r.body += ",\"lookup_id\":" + q(lookup_id);
  if (!field.empty()) r.body += ",\"field\":" + q(field);
  r.body += "}";
  return r;
}

std::string retry_after_seconds(int64_t ms) {
  return std::to_string(std::max<int64_t>(1, (ms + 999) / 1000));
}

// An official's code as the calling system sends it (X-Official): bounded, and shaped
// like a code so that no free text (a name, a number) is written to the audit.
bool is_official_code(const std::string& s) {
  return !s.empty() && s.size() <= 64 &&
         s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_/@") ==
             std::string::npos;
}

std::string presented(const CallerCredentials& caller) {
  return caller.cert_fingerprint || caller.cert_subject ? "client certificate"
         : caller.api_key                               ? "API key"
                                                        : "no credential";
}

HttpReply unknown_caller_reply(const UnknownCallerGate::Decision& d, const std::string& lookup_id) {
  if (d.throttled) {
    auto reply = problem(429, "throttled_unknown_caller", "Too many refused requests",
                         "too many requests without a registered credential came from this address or from "
                         "all unknown callers; retry after the Retry-After interval with a registered "
                         "credential",
                         lookup_id);
    reply.headers.push_back({"Retry-After", retry_after_seconds(d.retry_after_ms)});
    return reply;
  }
  auto reply = problem(401, "refused_unknown_caller", "Unknown caller",
                       "present an API key (X-API-Key) or client certificate registered under "
                       "citizen_lookup.accounts",
                       lookup_id);
  reply.headers.push_back({"WWW-Authenticate", "ApiKey"});
  return reply;
}

std::string unjustified_message(const std::string& code) {
  if (code == "dossier_other_agency")
    return "the dossier named in dossier_code is handled by another agency than this account's";
  if (code == "dossier_closed") return "the dossier named in dossier_code is closed (returned or finished)";
  return "the stated purpose may not be used for the procedure of the dossier named in dossier_code";
}

}  // namespace

LookupService::LookupService(CitizenLookupConfig config, population::PopulationRegistry& registry,
                             audit::AuditLog& audit, const Clock& clock)
    : config_(std::move(config)),
      registry_(registry),
      audit_(audit),
      clock_(clock),
      pseudonymiser_(config_.pseudonym_key.reveal(), config_.pseudonym_key_id),
      rate_limiter_(clock),
      enumeration_(config_.enumeration, clock),
      in_flight_(config_.in_flight),
      repeat_(config_.repeat),
      unknown_callers_(config_.unknown_callers, clock) {}

LookupService::~LookupService() {
  try {
    write_refusal_tallies(true);
  } catch (const std::exception& e) {
    log::error("citizen", "refusals_not_recorded",
               "the refusals of unknown callers since the last window were not recorded",
               {{"error", std::string(e.what())}});
  }
}

void LookupService::write_refusal_tallies(bool all) {
  const int64_t window_s = unknown_callers_.options().window.count();
  for (const auto& t : unknown_callers_.take_ended(all)) {
    audit::AuditEntry e;
    e.at_ms = clock_.now_ms();
    e.lookup_id = audit::random_hex(16);
    e.account = "-";
    e.credential = t.credential;
    e.source = t.source;
    e.result = kRefusalsAggregated;
    e.detail = "refusals=" + std::to_string(t.refusals) + " throttled=" + std::to_string(t.throttled) +
               " window_start=" + vn_time::format_iso(t.window_start_ms) +
               " window_seconds=" + std::to_string(window_s) + " first_audited_alone";
    auto written = audit_.append(e);
    if (!written.ok()) {
      log::error("citizen", "refusals_not_recorded",
                 "refusals of an unknown caller in a window were not recorded",
                 {{"refusals", static_cast<long long>(t.refusals)},
                  {"window_start", vn_time::format_iso(t.window_start_ms)},
                  {"error", written.error().message}});
    }
  }
}

Result<size_t> LookupService::restore_enumeration_state() {
  const int64_t now = clock_.now_ms();
  LT_ASSIGN_OR_RETURN(auto entries,
                      audit_.range_of_accounts(now - enumeration_.replay_horizon().count(), now + 1));
  replayed_ = entries.size();
  // An intent is replayed only when no outcome follows it: a call the database may have
  // answered while the gateway stopped counts as a miss (the outcome replays otherwise).
  std::set<std::string> unfinished;
  for (auto& [seq, id] : audit::unfinished_intents(entries)) unfinished.insert(id);
  for (const auto& e : entries) {
    if (e.account == "-") continue;
    if (e.result == audit::kIntentResult) {
      if (unfinished.count(e.lookup_id)) enumeration_.replay(e.account, "unfinished", e.at_ms);
      continue;
    }
    enumeration_.replay(e.account, e.result, e.at_ms);
  }
  std::set<std::string> accounts;
  for (const auto& e : entries) {
    if (e.account != "-" && enumeration_.is_flagged(e.account)) accounts.insert(e.account);
  }
  return accounts.size();
}

void LookupService::record_early_refusal(const std::string& source_address, int status) {
  write_refusal_tallies(false);
  // The server read no credential: the caller is its address.
  auto decision = unknown_callers_.refuse(source_address, "");
  LookupEvent event{kRefusedBeforeHandler, "-"};
  if (decision.audit) {
    audit::AuditEntry e;
    e.at_ms = clock_.now_ms();
    e.lookup_id = audit::random_hex(16);
    e.account = "-";
    e.source = source_address;
    e.result = kRefusedBeforeHandler;
    e.detail = "status=" + std::to_string(status);
    if (auto written = audit_.append(e); !written.ok()) {
      log::error("citizen", "early_refusal_not_recorded", "a refusal before the handler was not recorded",
                 {{"status", status}, {"error", written.error().message}});
      event.result = "audit_unavailable";
    }
  }
  if (observer_) observer_(event);
}

HttpReply LookupService::handle(const CallerCredentials& caller, std::string_view body) {
  write_refusal_tallies(false);
  // Unknown callers are counted before anything is parsed or written: only the first
  // refusal of a caller in a window is audited on its own.
  const Account* account = config_.accounts.identify(caller);
  UnknownCallerGate::Decision unknown;
  if (!account) {
    unknown = unknown_callers_.refuse(caller.source_address, config_.accounts.credential_id(caller));
    if (!unknown.audit) {
      if (observer_)
        observer_({unknown.throttled ? "throttled_unknown_caller" : "refused_unknown_caller", "-"});
      return unknown_caller_reply(unknown, "");
    }
  }
  const std::string lookup_id = audit::random_hex(16);
  audit::AuditEntry entry;
  entry.at_ms = clock_.now_ms();
  entry.lookup_id = lookup_id;
  entry.account = "-";
  entry.credential = config_.accounts.credential_id(caller);
  entry.source = caller.source_address;
  if (caller.named_official && is_official_code(*caller.named_official)) {
    entry.named_official = *caller.named_official;
  } else if (caller.named_official) {
    entry.named_official = "(malformed)";
  }

  // Parsed first only to fill the audit entry; acted on after the caller checks.
  const auto vn = vn_time::to_vietnam(entry.at_ms);
  auto request = parse_lookup_request(body, vn_time::days_from_civil(vn.year, vn.month, vn.day));
  if (request.ok()) {
    entry.purpose = request->purpose;
    entry.dossier_code = request->dossier_code;
    entry.subject = pseudonymiser_.subject(request->personal_id);
  }

  LookupEvent event;
  // Writes the audit entry, then answers; a failed audit write withholds the answer.
  auto finish = [&](std::string result, std::string detail, HttpReply reply) {
    entry.result = std::move(result);
    entry.detail = std::move(detail);
    auto written = audit_.append(entry);
    event.result = entry.result;
    event.account = entry.account;
    // Only configured purposes become a label value (an outside string would not be bounded).
    event.purpose = config_.purposes.find(entry.purpose) ? entry.purpose : "-";
    if (!written.ok()) {
      log::error("citizen", "audit_write_failed",
                 "audit log write failed, answer withheld: " + written.error().message,
                 {{"lookup_id", lookup_id}});
      event.result = "audit_unavailable";
      if (observer_) observer_(event);
      return problem(
          503, "audit_unavailable", "Audit log unavailable",
          "the lookup could not be recorded in the audit log, so no answer is given; try again later",
          lookup_id);
    }
    log::info("citizen", "citizen_lookup", "lookup answered",
              {{"lookup_id", lookup_id},
               {"account", entry.account},
               {"purpose", entry.purpose.empty() ? std::string("-") : entry.purpose},
               {"result", entry.result},
               {"audit_seq", static_cast<long long>(written->seq)}});
    if (observer_) observer_(event);
    reply.headers.push_back({"X-Lookup-Id", lookup_id});
    return reply;
  };

  if (!account) {
    return finish("refused_unknown_caller",
                  "presented: " + presented(caller) + (unknown.throttled ? " throttled" : ""),
                  unknown_caller_reply(unknown, lookup_id));
  }
  entry.account = account->id;
  entry.official = account->official;
  entry.agency = account->agency;

  int64_t retry_ms = 0;
  if (!rate_limiter_.try_acquire(*account, retry_ms)) {
    auto reply = problem(
        429, "refused_rate_limit", "Rate limit exceeded",
        "this account's lookup rate limit is exhausted; retry after the Retry-After interval", lookup_id);
    reply.headers.push_back({"Retry-After", retry_after_seconds(retry_ms)});
    return finish("refused_rate_limit", "retry_after_ms=" + std::to_string(retry_ms), std::move(reply));
  }
  auto admission = enumeration_.admit(account->id);
  if (!admission.allowed) {
    auto reply =
        problem(429, "refused_enumeration", "Account slowed",
                "this account received repeated not-found or mismatch answers and is slowed while under "
                "review; retry after the Retry-After interval",
                lookup_id);
    reply.headers.push_back({"Retry-After", retry_after_seconds(admission.retry_after_ms)});
    return finish("refused_enumeration", "flag=enumeration", std::move(reply));
  }
  std::string flag_note = admission.flagged ? "flag=enumeration" : "";

  if (!request.ok()) {
    const Error& e = request.error();
    return finish(
        "refused_bad_request", "field=" + e.code,
        problem(400, "refused_bad_request", "Invalid lookup request", e.message, lookup_id, e.code));
  }
  auto id = validate_personal_id(request->personal_id, request->birth_year, config_.provinces);
  if (!id.ok()) {
    return finish("refused_bad_number", id.error().message,
                  problem(400, "refused_bad_number", "Invalid personal identification number",
                          id.error().message, lookup_id, "personal_id"));
  }
  const Purpose* purpose = config_.purposes.find(request->purpose);
  if (!purpose || !account->purposes.count(request->purpose)) {
    return finish(
        "refused_purpose", purpose ? "purpose not granted to account" : "purpose not defined",
        problem(403, "refused_purpose", "Purpose not allowed",
                "this account may not look citizens up for the stated purpose", lookup_id, "purpose"));
  }

  // The dossier stated must justify the lookup, where the gateway knows it.
  std::string dossier_flag;
  if (dossiers_ && config_.dossier_check != DossierCheckMode::kOff) {
    auto known = dossiers_(request->dossier_code);
    std::string wrong;
    if (!known.ok()) {
      log::warn("citizen", "dossier_unverifiable",
                "the dossier could not be read for the justification check",
                {{"lookup_id", lookup_id}, {"error", known.error().message}});
      if (config_.dossier_check == DossierCheckMode::kRefuse) {
        return finish(
            "refused_dossier", "reason=dossier_unverifiable",
            problem(503, "refused_dossier", "Dossier cannot be checked",
                    "the gateway could not read its dossiers to check dossier_code; try again later",
                    lookup_id, "dossier_code"));
      }
      wrong = "dossier_unverifiable";
    } else if (*known) {
      wrong = unjustified(**known, *account, *purpose);
    }
    if (!wrong.empty() && config_.dossier_check == DossierCheckMode::kRefuse) {
      return finish("refused_dossier", "reason=" + wrong,
                    problem(403, "refused_dossier", "Dossier does not justify the lookup",
                            unjustified_message(wrong), lookup_id, "dossier_code"));
    }
    if (!wrong.empty()) {
      dossier_flag = "flag=" + wrong;
      flag_note += (flag_note.empty() ? "" : " ") + dossier_flag;
    }
  }

  population::Query query{request->personal_id, request->full_name,   request->date_of_birth(), lookup_id,
                          account->official,    purpose->service_code};
  // The right to call is reserved before the call; parallel lookups cannot all pass the
  // guard before the first answer is counted.
  int64_t wait_ms = 0;
  if (!enumeration_.reserve(account->id, wait_ms)) {
    auto reply = problem(429, "refused_in_flight", "Too many lookups at once",
                         "this account has as many lookups in flight or recently missed as its enumeration "
                         "threshold allows; retry after the Retry-After interval",
                         lookup_id);
    reply.headers.push_back({"Retry-After", retry_after_seconds(wait_ms)});
    return finish("refused_in_flight", "limit=enumeration", std::move(reply));
  }
  if (const char* full = in_flight_.try_enter(account->id, account->agency)) {
    enumeration_.settle(account->id, false);
    auto reply =
        problem(429, "refused_in_flight", "Too many lookups at once",
                std::string("the ") + full +
                    " cap on lookups in flight to the population database is reached; retry after the "
                    "Retry-After interval",
                lookup_id);
    reply.headers.push_back({"Retry-After", "1"});
    return finish("refused_in_flight", std::string("limit=") + full, std::move(reply));
  }
  {
    // Write-ahead: the intent is committed before the database is asked; no intent, no call.
    audit::AuditEntry intent = entry;
    intent.result = audit::kIntentResult;
    intent.detail = flag_note;
    auto written = audit_.append(intent);
    if (!written.ok()) {
      in_flight_.leave(account->id, account->agency);
      enumeration_.settle(account->id, false);
      log::error("citizen", "audit_intent_failed",
                 "audit intent could not be written, database not called: " + written.error().message,
                 {{"lookup_id", lookup_id}});
      event.result = "audit_unavailable";
      event.account = account->id;
      event.purpose = request->purpose;
      if (observer_) observer_(event);
      auto reply =
          problem(503, "audit_unavailable", "Audit log unavailable",
                  "the lookup could not be recorded in the audit log, so the population database was "
                  "not asked; try again later",
                  lookup_id);
      reply.headers.push_back({"X-Lookup-Id", lookup_id});
      return reply;
    }
  }
  auto answer = registry_.lookup(query);
  in_flight_.leave(account->id, account->agency);
  if (!answer.ok()) {
    enumeration_.settle(account->id, false);
    const Error& e = answer.error();
    log::warn("citizen", "upstream_failed", e.message,
              {{"lookup_id", lookup_id}, {"upstream", "population"}, {"error_kind", to_string(e.kind)}});
    int status = e.kind == ErrorKind::kTimeout ? 504 : 502;
    std::string detail = "kind=" + std::string(to_string(e.kind));
    if (e.upstream_status) detail += " status=" + std::to_string(e.upstream_status);
    return finish("upstream_error", detail,
                  problem(status, "upstream_error", "Population database unavailable",
                          "the population database did not answer usably (" + std::string(to_string(e.kind)) +
                              "); the lookup may be repeated",
                          lookup_id));
  }
  bool miss = answer->outcome != population::Outcome::kFound;
  event.newly_flagged = enumeration_.settle(account->id, miss);
  if (event.newly_flagged)
    flag_note =
        "flag=enumeration newly_flagged" + std::string(dossier_flag.empty() ? "" : " ") + dossier_flag;
  if (answer->attempts > 1)
    flag_note += (flag_note.empty() ? "" : " ") + std::string("attempts=") + std::to_string(answer->attempts);
  if (event.newly_flagged) {
    log::warn("citizen", "account_flagged", "account flagged for repeated not-found/mismatch answers",
              {{"account", account->id}});
  }
  switch (answer->outcome) {
    case population::Outcome::kNotFound:
      return finish(
          "not_found", flag_note,
          problem(404, "not_found", "No such citizen",
                  "the population database has no citizen with this identification number", lookup_id));
    case population::Outcome::kMismatch:
      return finish(
          "mismatch", flag_note,
          problem(422, "mismatch", "Identity data do not match",
                  "the identification number exists but full_name or date_of_birth differ", lookup_id));
    case population::Outcome::kFound:
      break;
  }
  if (int n = repeat_.record(account->id, entry.subject, clock_.now_ms()); repeat_.beyond_threshold(n)) {
    event.repeated_subject = true;
    flag_note +=
        (flag_note.empty() ? "" : " ") + std::string("flag=repeated_subject count=") + std::to_string(n);
  }
  HttpReply ok;
  ok.status = 200;
  ok.headers.push_back({"Content-Type", "application/json"});
  ok.headers.push_back({"Cache-Control", "no-store"});
  ok.body = "{\"lookup_id\":" + q(lookup_id) + ",\"result\":\"found\",\"purpose\":" + q(purpose->name) +
            ",\"citizen\":" + render_citizen(answer->record, purpose->fields) + "}";
  return finish("found", flag_note, std::move(ok));
}

}  // namespace lienthong::citizen
