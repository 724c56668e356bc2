// Lead routing benchmark (`make bench`): 100 managers, 20 rules.
//   1. pure: Choose() decisions per second (rules by region and product, round robin and least
//      loaded, a tenth of the people off shift or absent);
//   2. stored: RouteLead() per second on a fresh SQLite database — the rules, who is on shift
//      (team calendars), absences, open-deal counts and the round-robin turns read and written
//      in one transaction per lead, as intake does.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "routing/routing_store.h"
#include "routing/rules.h"
#include "storage/db.h"
#include "storage/migrate.h"

using namespace voronka;
using Steady = std::chrono::steady_clock;

namespace {

const char* kRegions[] = {"Москва", "Санкт-Петербург", "Казань", "Екатеринбург", "Новосибирск"};
const char* kProducts[] = {"site", "shop", "app", "portal"};

// 19 rules by region × product to a team, then everyone.
std::string Rules() {
  std::string y = "rules:\n";
  for (int i = 0; i < 19; ++i) {
    y += "  - name: r" + std::to_string(i) + "\n    when: {region: " + kRegions[i % 5] + ", product: " +
         kProducts[i % 4] + "}\n    to: {team: T" + std::to_string(i % 10) + "}\n    strategy: " +
         (i % 2 ? "least_loaded" : "round_robin") + "\n";
  }
  return y + "  - name: default\n    to: {takes_leads: true}\n";
}

double Seconds(Steady::time_point a, Steady::time_point b) { return std::chrono::duration<double>(b - a).count(); }

void Pure(int64_t n) {
  auto rules = routing::ParseRules(Rules(), "bench.yaml").value();
  std::vector<routing::Candidate> people;
  for (int i = 0; i < 100; ++i)
    people.push_back({i + 1, "m" + std::to_string(i) + "@x.ru", i % 10 + 1, "T" + std::to_string(i % 10), "manager",
                      true, i % 7, i % 10 != 3, i % 17 == 0});
  std::map<std::string, int64_t> cursors;
  int64_t ok = 0;
  auto t0 = Steady::now();
  for (int64_t i = 0; i < n; ++i) {
    routing::Lead lead{"site_form", kRegions[i % 5], kProducts[(i / 5) % 4], ""};
    auto c = routing::Choose(rules, lead, people, cursors);
    if (c) {
      cursors[c->rule] = c->user_id;
      ++ok;
    }
  }
  auto t1 = Steady::now();
  std::printf("routing: %lld pure decisions (100 managers, 20 rules) in %.2f s = %.0f assignments/s\n",
              static_cast<long long>(ok), Seconds(t0, t1), ok / Seconds(t0, t1));
}

void Stored(int n) {
  auto dir = std::filesystem::temp_directory_path() / ("voronka-routing-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto db = storage::OpenDatabase((dir / "b.db").string());
    TimeMs now = *ParseIso("2026-11-24T07:00:00Z");
    (void)storage::Migrate(*db, now);
    db->Write([&](storage::Tx& tx) {
      for (int t = 0; t < 10; ++t)
        tx.Exec("INSERT INTO teams (created_at, updated_at, name) VALUES (?, ?, ?)", {now, now, "T" + std::to_string(t)});
      for (int i = 0; i < 100; ++i)
        tx.Exec("INSERT INTO users (created_at, updated_at, email, name, role, team_id, takes_leads) "
                "VALUES (?, ?, ?, ?, 'manager', ?, 1)",
                {now, now, "m" + std::to_string(i) + "@x.ru", "M" + std::to_string(i), int64_t(i % 10 + 1)});
      if (auto st = routing::SetRules(tx, Rules(), {std::nullopt, now}); !st.ok())
        throw std::runtime_error(st.error().message);
      tx.Commit();
    });
    int routed = 0;
    auto t0 = Steady::now();
    for (int i = 0; i < n; ++i) {
      db->Write([&](storage::Tx& tx) {
        routing::Lead lead{"site_form", kRegions[i % 5], kProducts[(i / 5) % 4], ""};
        if (auto c = routing::RouteLead(tx, lead, now)) {
          routing::RecordAssignment(tx, 1000000 + i, *c, now);
          ++routed;
        }
        tx.Commit();
      });
    }
    auto t1 = Steady::now();
    std::printf("routing: %d leads routed and recorded on SQLite (100 managers, 20 rules) in %.2f s = %.0f assignments/s\n",
                routed, Seconds(t0, t1), routed / Seconds(t0, t1));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Lead routing benchmark"};
  int64_t decisions = 1000000;
  int leads = 5000;
  app.add_option("--decisions", decisions, "pure routing decisions")->capture_default_str();
  app.add_option("--leads", leads, "leads routed through the database")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  Pure(decisions);
  Stored(leads);
  return 0;
}
