// The manager's tasks as an iCalendar feed (RFC 5545), so that Google Calendar or Outlook
// shows them: GET /api/calendar.ics with a session, a bearer token, or ?token=vrk_… (calendar
// apps cannot send headers; create a token named e.g. "calendar" and paste the URL).

#include "common/random.h"
#include "http/api.h"
#include "storage/auth_store.h"

namespace voronka::http {

namespace {

// "20261124T100000Z"
std::string IcsTime(TimeMs ms) {
  std::string iso = FormatIso(ms - ms % 1000);
  std::string out;
  for (char c : iso)
    if (c != '-' && c != ':') out.push_back(c);
  return out;
}

// Escapes text per RFC 5545 and folds lines longer than 75 octets.
std::string Line(const std::string& name, const std::string& value, bool escape = true) {
  std::string v;
  for (char c : value) {
    if (escape && (c == '\\' || c == ';' || c == ',')) v += '\\', v += c;
    else if (escape && c == '\n') v += "\\n";
    else if (c != '\r') v += c;
  }
  std::string line = name + ":" + v, out;
  size_t pos = 0, width = 75;
  while (line.size() - pos > width) {
    size_t cut = pos + width;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    out += line.substr(pos, cut - pos) + "\r\n ";
    pos = cut;
    width = 74;
  }
  return out + line.substr(pos) + "\r\n";
}

Response Feed(Context& ctx) {
  std::optional<domain::Principal> who = ctx.principal;
  auto tx = ctx.app.db.Begin(storage::TxMode::kRead);
  if (!who) {
    auto token = ctx.req.Query("token");
    if (!token || token->empty()) Fail(Error::Unauthenticated("add ?token=… (an API token) to the calendar URL"));
    auto user = storage::ApiTokenUser(*tx, Sha256Hex(*token));
    if (!user) Fail(Error::Unauthenticated("API token is unknown or revoked"));
    who = storage::LoadPrincipal(*tx, *user);
    if (!who) Fail(Error::Unauthenticated("this user is deactivated"));
  }
  std::string host = ctx.req.Header("host").value_or("voronka");
  std::string body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Voronka//Tasks//RU\r\nCALSCALE:GREGORIAN\r\n" +
                     Line("X-WR-CALNAME", "Voronka: " + who->name);
  auto rows = tx->Query(
      "SELECT t.id, t.title, t.due_at, t.updated_at, t.deal_id, d.title, t.description FROM tasks t "
      "LEFT JOIN deals d ON d.id = t.deal_id WHERE t.assignee_id = ? AND t.done = 0 AND t.archived = 0 "
      "ORDER BY t.due_at LIMIT 1000",
      {who->user_id});
  for (const auto& r : rows) {
    std::string summary = r.Text(1) + (r.IsNull(5) ? "" : " — " + r.Text(5));
    body += "BEGIN:VEVENT\r\n" + Line("UID", "task-" + std::to_string(r.Int(0)) + "@" + host) +
            Line("DTSTAMP", IcsTime(r.Int(3)), false) + Line("DTSTART", IcsTime(r.Int(2)), false) +
            Line("DTEND", IcsTime(r.Int(2) + 30 * 60'000), false) + Line("SUMMARY", summary);
    if (!r.IsNull(4)) body += Line("URL", "http://" + host + "/deals/" + std::to_string(r.Int(4)), false);
    if (!r.IsNull(6)) body += Line("DESCRIPTION", r.Text(6));
    body += "END:VEVENT\r\n";
  }
  body += "END:VCALENDAR\r\n";
  Response res;
  res.content_type = "text/calendar; charset=utf-8";
  res.body = std::move(body);
  return res;
}

}  // namespace

void RegisterCalendarRoutes(Router& r) {
  r.Add("GET", "/api/calendar.ics", Auth::kOptional,
        {.summary = "My open tasks as an iCalendar feed (session, bearer token or ?token=)", .tag = "tasks",
         .query = {"token"}},
        Feed);
}

}  // namespace voronka::http
