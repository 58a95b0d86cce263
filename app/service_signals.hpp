// How `serve` talks to its service manager: the signals it takes (SIGTERM and SIGINT stop,
// SIGHUP reloads) and readiness reported to systemd (Type=notify, through libsystemd's
// sd_notify; nothing happens when not started by systemd).
#pragma once

#include <csignal>
#include <functional>
#include <string>

namespace lienthong::app {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread; call it before any thread
// starts so that every thread inherits the mask and only wait_for_stop receives them.
sigset_t block_service_signals();

// Waits for SIGTERM or SIGINT and returns it. Each SIGHUP in between runs `reload` (which
// must not throw) and waits again, telling systemd RELOADING=1 then READY=1 around it.
int wait_for_stop(const sigset_t& signals, const std::function<void()>& reload);

// What SIGHUP reloads today: the log level is read again from `config_file` (log.level);
// the log file is closed and reopened by name (logrotate's postrotate); the server's TLS
// certificate and key are loaded again for new handshakes.
// Errors are logged naming the file; the old state stays in force.
void reload_service(const std::string& config_file);

// sd_notify(0, state) with errors logged; "READY=1", "STOPPING=1", "STATUS=...".
void notify_service_manager(const std::string& state);

// Ends the process with one line on stderr and kExitInternal when an exception escapes a
// thread, instead of std::terminate's abort (exit 134, a core dump and no clear line).
void install_terminate_handler();

}  // namespace lienthong::app
