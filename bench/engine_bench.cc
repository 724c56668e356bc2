// Process engine benchmarks (`make bench`):
//   1. pure transitions: Decide() steps per second on the reference pipeline;
//   2. durable timers: N open cards each with a due deadline in a fresh SQLite database;
//      the clock jumps past them all; time to fire every timer and write its effects.

#include <CLI/CLI.hpp>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "process/engine.h"
#include "process/work_time.h"
#include "storage/db.h"
#include "storage/migrate.h"
#include "storage/process_store.h"

using namespace voronka;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point a, Steady::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU seconds this process used (user + system): on a shared machine a steadier measure than the wall clock.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void PureSteps(int64_t steps) {
  const auto& def = *process::ShippedDefinition("it_studio");
  const auto& wt = process::DefaultWorkTime();
  process::CardState closing;
  closing.stage = "closing";
  process::CardState contact;
  contact.stage = "contact";
  process::Event to_scoring{process::Event::Kind::kMove, "scoring", "", nlohmann::json::object()};
  process::Event check{process::Event::Kind::kCheck, "", "phone", nlohmann::json::object()};
  TimeMs now = *ParseIso("2026-11-24T10:00:00Z");
  int64_t ok = 0;
  auto t0 = Steady::now();
  for (int64_t i = 0; i < steps; ++i) {
    auto r = (i & 1) ? process::Decide(def, closing, to_scoring, now + i, wt) : process::Decide(def, contact, check, now + i, wt);
    ok += r.ok();
  }
  auto t1 = Steady::now();
  std::printf("engine: %lld pure transitions (move closing→scoring, tick a checklist item) in %.2f s = %.0f steps/s\n",
              static_cast<long long>(ok), Seconds(t0, t1), ok / Seconds(t0, t1));
}

void Timers(int cards, int batch) {
  auto dir = std::filesystem::temp_directory_path() / ("voronka-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto db = storage::OpenDatabase((dir / "b.db").string());
    TimeMs t0 = *ParseIso("2026-11-24T10:00:00Z");
    (void)storage::Migrate(*db, t0);
    auto s0 = Steady::now();
    {
      // Cards in the presentation stage with the 3-day "no decision → closing" timer pending.
      auto tx = db->Begin(storage::TxMode::kWrite);
      tx->Exec("INSERT INTO users (created_at, updated_at, email, name, role) VALUES (1, 1, 'm@x.ru', 'M', 'manager')");
      process::CardState s;
      s.stage = "presentation";
      s.timers["presentation.1"] = t0;
      std::string state = s.ToJson().dump();
      for (int i = 0; i < cards; ++i) {
        auto id = tx->Query("INSERT INTO deals (created_at, updated_at, title, pipeline, stage, status, responsible_id, "
                            "process_state, process_version) VALUES (?, ?, ?, 'it_studio', 'presentation', 'open', 1, ?, 1) "
                            "RETURNING id",
                            {t0, t0, "Сделка " + std::to_string(i), state})[0]
                      .Int(0);
        tx->Exec("INSERT INTO process_timers (deal_id, code, fires_at) VALUES (?, 'presentation.1', ?)", {id, t0});
      }
      tx->Commit();
    }
    auto s1 = Steady::now();
    double c1 = CpuSeconds();
    int fired = storage::FireDueTimers(*db, t0 + 1000, process::DefaultWorkTime(), batch);
    auto s2 = Steady::now();
    double cpu = CpuSeconds() - c1;
    auto tx = db->Begin(storage::TxMode::kRead);
    int64_t moved = tx->Query("SELECT COUNT(*) FROM deals WHERE stage = 'closing'")[0].Int(0);
    int64_t tasks = tx->Query("SELECT COUNT(*) FROM tasks")[0].Int(0);
    std::printf("timers: %d cards set up in %.2f s; fired %d due timers in %.2f s (CPU %.2f s) = %.0f timers/s "
                "(each: move to closing, closing task with a checkpoint, notification, log) — %lld cards moved, %lld tasks\n",
                cards, Seconds(s0, s1), fired, Seconds(s1, s2), cpu, fired / Seconds(s1, s2), static_cast<long long>(moved),
                static_cast<long long>(tasks));
  }
  if (!std::getenv("VORONKA_BENCH_KEEP")) std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Voronka process engine benchmarks"};
  int64_t steps = 1'000'000;
  int cards = 20'000;
  int batch = 5'000;
  app.add_option("--steps", steps, "pure transitions")->capture_default_str();
  app.add_option("--cards", cards, "open cards with a due timer")->capture_default_str();
  app.add_option("--batch", batch, "timers fired per transaction")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  PureSteps(steps);
  Timers(cards, batch);
  return 0;
}
