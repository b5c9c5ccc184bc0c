#pragma once

/// The assembled gateway: CAF actor system, journal, dispatcher, intake,
/// SOAP client and HTTP server, started and stopped in the right order.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "config/loader.hpp"

namespace usms::app {

class gateway {
public:
  explicit gateway(config::loaded settings);
  ~gateway();

  /// Opens the database, spawns the actors, resumes journaled requests and
  /// starts listening. Empty on success, else why it could not start.
  std::string start();

  /// `http://HOST:PORT` (`https://` with TLS) with the real port.
  std::string base_url() const;

  /// Reads the API's TLS certificate, key and client CA files again: new
  /// connections use them, open ones keep working. Empty on success, else
  /// why not (then the files in use stay in use).
  std::string reload_tls();

  /// Stops intake (503), lets calls in flight end for up to `grace`, keeps
  /// everything unfinished journaled (handed back to the cluster when the
  /// storage is shared), and stops every actor and thread.
  void stop(std::chrono::milliseconds grace);

  /// Called, from another thread, when this instance's lease in the
  /// cluster was taken over: it must stop (stop() is for the caller to
  /// call). Set before start().
  void on_lease_lost(std::function<void()> fn);

  /// The lease was taken over (the instance stops for that reason).
  bool lease_lost() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Reads the values saved through PUT /api/v1/config from the storage
/// location `db` (creating or upgrading the database if needed); with
/// `reset`, deletes them first.
std::map<std::string, std::string> load_runtime_config(const std::string& db,
                                                       bool reset);

} // namespace usms::app
