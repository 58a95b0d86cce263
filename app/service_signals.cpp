#include "app/service_signals.hpp"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstring>
#include <exception>
#include <iostream>

#include "app/commands.hpp"
#include "gateway/core/common/log.hpp"
#include "gateway/core/common/log_file_sink.hpp"
#include "gateway/core/config/config.hpp"
#include "gateway/core/server/tls_reload.hpp"

namespace lienthong::app {

sigset_t block_service_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int wait_for_stop(const sigset_t& signals, const std::function<void()>& reload) {
  for (;;) {
    int sig = 0;
    if (int rc = sigwait(&signals, &sig); rc != 0) {
      log::error("serve", "sigwait_failed", std::strerror(rc));
      return SIGTERM;
    }
    if (sig != SIGHUP) return sig;
    log::info("serve", "reload_started", "SIGHUP received, reloading");
    notify_service_manager("RELOADING=1");
    reload();
    notify_service_manager("READY=1");
  }
}

void reload_service(const std::string& config_file) {
  if (std::string error = log::reopen_file(); !error.empty()) {
    std::cerr << "lienthong serve: reload: cannot reopen the log file: " << error << "\n";
    log::error("serve", "log_reopen_failed", "cannot reopen the log file", {{"error", error}});
  } else {
    log::info("serve", "log_reopened", "log file reopened");  // the package test looks for this line
  }
  // The log level is taken again from the configuration file; everything else in it still
  // needs a restart (docs/operations.md).
  try {
    auto config = ConfigFile::load(config_file);
    std::string level = "info";
    if (auto l = config->root().optional_object("log")) level = l->string_or("level", "info");
    if (level != log::level_name()) {
      std::string before = log::level_name();
      log::set_level(level);
      log::warn("serve", "log_level_changed", "log level changed by reload",
                {{"from", before}, {"to", level}});
    }
  } catch (const std::exception& e) {
    log::error("serve", "reload_failed", "the log level stays as it was", {{"error", std::string(e.what())}});
  }
  auto reloaded = server::reload_server_certificates();
  for (auto& error : reloaded.errors)
    log::error("serve", "certificate_reload_failed", "a server certificate stays as it was",
               {{"error", error}});
  if (reloaded.loaded > 0)
    log::info("serve", "certificates_reloaded", "server certificates loaded for new connections",
              {{"count", reloaded.loaded}});
}

void notify_service_manager(const std::string& state) {
  int rc = sd_notify(0, state.c_str());
  if (rc < 0)
    log::warn("serve", "sd_notify_failed", "cannot notify systemd",
              {{"state", state}, {"error", std::strerror(-rc)}});
}

void install_terminate_handler() {
  std::set_terminate([] {
    std::string what = "unknown exception";
    if (auto e = std::current_exception()) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        what = ex.what();
      } catch (...) {
      }
    } else {
      what = "std::terminate called without an exception";
    }
    std::string line = "lienthong: internal error, stopping: " + what + "\n";
    // write(2): the terminate handler may run while iostreams are in any state.
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    (void)n;
    std::_Exit(kExitInternal);
  });
}

}  // namespace lienthong::app
