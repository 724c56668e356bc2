#pragma once
// Prometheus metrics of one server process: request counts and latency histograms per route
// pattern (never per concrete path, so the number of series stays bounded), rendered in the
// text exposition format together with gauges read at scrape time (see RenderMetrics).
//
// Thread-safe: every worker records into the one process-wide registry.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "storage/db.h"

namespace voronka::ops {

class Metrics {
 public:
  // Upper bounds of the latency buckets, seconds (+Inf is implied).
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};

  // `route` is the route pattern ("/api/deals/{id}"), "static" or "unmatched".
  void RecordRequest(const std::string& method, const std::string& route, int status, double seconds);

  // The counters and histograms in the Prometheus text format (no trailing gauges).
  std::string RenderRequests() const;

  // The registry `voronka serve` records into.
  static Metrics& Global();

 private:
  struct Series {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // method, route, status
  std::map<std::pair<std::string, std::string>, Series> latency_;          // method, route
};

// Everything /metrics serves: the global request metrics, then the backlogs read from the
// database (queued e-mails, due timers) and the connection pool. Throws DbError when the
// database cannot be read.
std::string RenderMetrics(storage::Database& db, int64_t now_ms);

}  // namespace voronka::ops
