// `lienthong sync`: one synchronisation run now — pull every changed dossier, queue what
// is new, push it to the destinations, wait for the outbox to drain (up to
// sync.drain_timeout_seconds) and print the summary.
#include <iostream>

#include "app/adapters.hpp"
#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/sync_component.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/outbox/outbox.hpp"
#include "gateway/core/runtime/args.hpp"
#include "gateway/core/runtime/runtime.hpp"
#include "gateway/flows/sync/cursor_store.hpp"

namespace lienthong::app {

int run_sync(const std::vector<std::string>& argv) {
  static const cli::CommandSpec spec{
      "sync",
      "One synchronisation run: pulls dossiers changed since the stored cursor, records and queues new "
      "status events (invalid ones go to quarantine), pushes them and waits for the outbox to drain.",
      "Exit code 0: all pushed; 1: the run failed or messages are still pending.",
      {cli::config_option()},
      {"",
       "",
       {},
       {{"json", "", "print the summary as one JSON object"},
        {"from-start", "", "forget the cursor first (already stored events count as unchanged)"},
        {"no-push", "", "pull and queue only; `serve` or a later sync pushes"}}},
      {}};
  auto parsed = cli::parse(spec, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  const Args& args = std::get<Args>(parsed);
  Runtime rt = open_runtime(config_path(args));
  auto section = rt.config->root().optional_object("sync");
  if (!section) throw ConfigError("no \"sync\" section: nothing to synchronise (see lienthong.example.json)");
  SyncComponent sync(rt, *section);
  // Another instance on a shared PostgreSQL store pulling now: wait for it, then pull on.
  sync.flow().set_wait_for_other_pull_ms(sync.flow().options().drain_timeout_ms);
  if (args.flag("from-start")) {
    sync::CursorStore cursors(*rt.db);
    auto st = cursors.reset(sync.flow().source_name());
    if (!st.ok()) {
      std::cerr << "lienthong sync: " << st.error().message << "\n";
      return kExitFailure;
    }
  }
  outbox::Dispatcher dispatcher(*rt.outbox, *rt.clock);
  sync.register_destinations(dispatcher);
  register_destination_adapters(rt, dispatcher);
  Result<sync::SyncSummary> summary = Error(ErrorKind::kInternal, "not run");
  if (args.flag("no-push")) {
    int64_t start = rt.clock->now_ms();
    auto pulled = sync.flow().pull();
    if (pulled.ok()) {
      sync::SyncSummary s;
      s.pull = *pulled;
      auto c = rt.outbox->counts();
      if (c.ok()) {
        s.blocked = c->blocked;
        s.pending = c->pending - c->blocked;
        s.dead = c->dead;
      }
      s.drained = s.pending == 0;
      s.elapsed_ms = rt.clock->now_ms() - start;
      summary = s;
    } else {
      summary = pulled.error();
    }
  } else {
    summary = sync::run_once(sync.flow(), *rt.outbox, dispatcher, *rt.clock);
  }
  if (!summary.ok()) {
    const Error& e = summary.error();
    if (args.flag("json")) {
      std::cout << "{\"ok\":false,\"error_kind\":\"" << to_string(e.kind) << "\",\"error\":\""
                << log::json_escape(e.message) << "\"}\n";
    } else {
      std::cerr << "lienthong sync: run failed (" << to_string(e.kind) << "): " << e.message << "\n";
    }
    return kExitFailure;
  }
  if (args.flag("json")) {
    std::cout << summary->to_json() << "\n";
  } else {
    std::cout << summary->to_text();
  }
  return summary->drained || args.flag("no-push") ? kExitOk : kExitFailure;
}

}  // namespace lienthong::app
