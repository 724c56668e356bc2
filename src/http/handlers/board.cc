// GET /api/board: everything the pipeline board draws, in one read. Every open deal the
// user may see (with the deal list's filters: q, responsible_id, segment, channel, …) and
// the deals closed in the last `closed_days`, as compact cards with the company's name and
// an overdue flag (an open task past its due time). The board used to make ~20 requests
// (a cursor chain per stage, the company directory, the overdue tasks) for the same picture.
// ?stage=a,b narrows it to some columns, so that a client may read halves in parallel.

#include <algorithm>
#include <set>

#include "http/api.h"
#include "http/handlers/list_query.h"
#include "storage/records.h"

namespace voronka::http {

namespace {
using nlohmann::json;

constexpr int kMaxOpenCards = 5000;   // a board beyond this is cut, and says so
constexpr int kMaxClosedCards = 2000;
constexpr int kDefaultClosedDays = 30;

std::string IdList(const std::set<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

json Card(const json& d) {
  json c = json::object();
  for (const char* k : {"id", "version", "title", "pipeline", "stage", "status", "amount", "currency", "segment",
                        "responsible_id", "company_id", "channel", "stage_changed_at", "closed_at"})
    c[k] = d.contains(k) ? d[k] : json(nullptr);
  return c;
}

// Reads pages of `q` until `enough` says stop or `cap` cards were read; true when cut short.
template <typename Enough>
bool ReadAll(storage::Tx& tx, const domain::EntitySpec& spec, storage::ListQuery q, const storage::Scope& scope,
             TimeMs now, int cap, std::vector<json>& out, Enough enough) {
  q.limit = 500;
  q.cursor.clear();
  for (int read = 0;;) {
    auto page = Unwrap(storage::ListRecords(tx, spec, q, scope, now));
    for (auto& d : page.items) {
      if (enough(d)) return false;
      if (read++ >= cap) return true;
      out.push_back(Card(d));
    }
    if (!page.next_cursor) return false;
    q.cursor = *page.next_cursor;
  }
}

Response Board(Context& ctx) {
  const domain::EntitySpec& deals = *domain::FindEntity("deals");
  // The board's own parameter; the rest are the deal list's filters.
  int closed_days = kDefaultClosedDays;
  Request filtered = ctx.req;
  filtered.query.clear();
  for (const auto& [k, v] : ctx.req.query) {
    if (k == "closed_days") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0 || n > 366)
        Fail(Error::Invalid("closed_days", "closed_days must be an integer from 0 to 366"));
      closed_days = static_cast<int>(n);
    } else if (k == "status" || k == "sort" || k == "limit" || k == "cursor") {
      Fail(Error::Invalid(k, "the board reads every stage itself: '" + k + "' is not accepted here"));
    } else {
      filtered.query.emplace_back(k, v);
    }
  }
  Context sub{filtered, ctx.app, ctx.params, ctx.principal, ctx.session_hash, ctx.now};
  storage::ListQuery q = ParseListQuery(sub, deals);
  auto scope = domain::ReadScope(ctx.user());
  TimeMs cutoff = ctx.now - TimeMs(closed_days) * 86'400'000;

  auto tx = ctx.app.db.Begin(storage::TxMode::kRead);
  std::vector<json> cards;
  storage::ListQuery open = q;
  domain::SetValue(open.filters, deals.Find("status"), "open");
  open.sort = deals.Find("stage_changed_at");
  bool truncated = ReadAll(*tx, deals, open, scope, ctx.now, kMaxOpenCards, cards, [](const json&) { return false; });
  if (closed_days > 0) {
    storage::ListQuery closed = q;
    domain::SetValue(closed.filters, deals.Find("status"), json::array({"won", "lost"}));
    closed.sort = deals.Find("closed_at");
    truncated |= ReadAll(*tx, deals, closed, scope, ctx.now, kMaxClosedCards, cards, [&](const json& d) {
      auto at = d["closed_at"].is_string() ? ParseIso(d["closed_at"].get<std::string>()) : std::nullopt;
      return !at || *at < cutoff;
    });
  }

  // Company names: a company is visible to whoever sees one of its deals.
  std::set<int64_t> company_ids, deal_ids;
  for (const auto& c : cards) {
    deal_ids.insert(c["id"].get<int64_t>());
    if (c["company_id"].is_number_integer()) company_ids.insert(c["company_id"].get<int64_t>());
  }
  std::map<int64_t, std::string> names;
  if (!company_ids.empty())
    for (const auto& r : tx->Query("SELECT id, name FROM companies WHERE id IN (" + IdList(company_ids) + ")"))
      names[r.Int(0)] = r.Text(1);
  std::set<int64_t> overdue;
  if (!deal_ids.empty())
    for (const auto& r : tx->Query("SELECT DISTINCT deal_id FROM tasks WHERE done = 0 AND archived = 0 AND due_at < ? "
                                   "AND deal_id IN (" + IdList(deal_ids) + ")",
                                   {ctx.now}))
      overdue.insert(r.Int(0));
  for (auto& c : cards) {
    auto n = c["company_id"].is_number_integer() ? names.find(c["company_id"].get<int64_t>()) : names.end();
    c["company"] = n == names.end() ? json(nullptr) : json(n->second);
    c["overdue"] = overdue.count(c["id"].get<int64_t>()) > 0;
  }
  return Response::Json(200, {{"cards", cards}, {"closed_days", closed_days}, {"truncated", truncated}});
}
}  // namespace

void RegisterBoardRoutes(Router& r) {
  std::vector<std::string> query = ListQueryNames(*domain::FindEntity("deals"));
  std::erase_if(query, [](const std::string& n) {
    return n == "status" || n == "sort" || n == "limit" || n == "cursor";
  });
  query.push_back("closed_days");
  r.Add("GET", "/api/board", Auth::kRequired,
        {.summary = "The pipeline board in one read: every visible open deal and those closed in the last "
                    "closed_days (default 30) as compact cards with company name and overdue flag; the deal "
                    "list's filters apply (stage=a,b for some columns)",
         .tag = "deals", .query = query},
        Board);
}

}  // namespace voronka::http
