#include "ops/metrics.h"

#include <cstdio>

namespace voronka::ops {

namespace {
// Label values are route patterns and methods; escape what the format reserves anyway.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

Metrics& Metrics::Global() {
  static Metrics metrics;
  return metrics;
}

void Metrics::RecordRequest(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  auto& s = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  ++s.count;
  s.sum += seconds;
}

std::string Metrics::RenderRequests() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP voronka_http_requests_total HTTP requests answered, by method, route pattern and status.\n";
  out += "# TYPE voronka_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "voronka_http_requests_total{method=\"" + Label(method) + "\",route=\"" + Label(route) + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP voronka_http_request_duration_seconds Time from the parsed request to the built response.\n";
  out += "# TYPE voronka_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : latency_) {
    std::string labels = "method=\"" + Label(key.first) + "\",route=\"" + Label(key.second) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i)
      out += "voronka_http_request_duration_seconds_bucket{" + labels + ",le=\"" + Number(kBuckets[i]) + "\"} " +
             std::to_string(s.buckets[i]) + "\n";
    out += "voronka_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(s.count) + "\n";
    out += "voronka_http_request_duration_seconds_sum{" + labels + "} " + Number(s.sum) + "\n";
    out += "voronka_http_request_duration_seconds_count{" + labels + "} " + std::to_string(s.count) + "\n";
  }
  return out;
}

std::string RenderMetrics(storage::Database& db, int64_t now_ms) {
  std::string out = Metrics::Global().RenderRequests();
  int64_t outbox = 0, outbox_failing = 0, timers_due = 0, timers = 0;
  {
    auto tx = db.Begin(storage::TxMode::kRead);
    auto o = tx->Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END), 0) FROM outbox "
                       "WHERE done_at IS NULL");
    outbox = o[0].Int(0);
    outbox_failing = o[0].Int(1);
    auto t = tx->Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN fires_at <= ? THEN 1 ELSE 0 END), 0) "
                       "FROM process_timers",
                       {now_ms});
    timers = t[0].Int(0);
    timers_due = t[0].Int(1);
  }
  auto gauge = [&out](const char* name, const char* help, int64_t v) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
           std::to_string(v) + "\n";
  };
  gauge("voronka_outbox_pending", "Queued e-mails not yet sent.", outbox);
  gauge("voronka_outbox_retrying", "Queued e-mails whose delivery already failed at least once.", outbox_failing);
  gauge("voronka_timers_scheduled", "Process timers waiting to fire.", timers);
  gauge("voronka_timers_due", "Process timers whose time has come but which have not fired yet (backlog).",
        timers_due);
  auto pool = db.pool_stats();
  gauge("voronka_db_pool_in_use", "Database connections lent to a transaction right now.", pool.in_use);
  gauge("voronka_db_pool_open", "Database connections open (idle or in use).", pool.open);
  gauge("voronka_db_pool_max", "Largest number of database connections the pool opens.", pool.max);
  return out;
}

}  // namespace voronka::ops
