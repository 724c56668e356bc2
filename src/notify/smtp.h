#pragma once
// Sending one plain-text e-mail over SMTP with libcurl, and the MIME text it sends.
//
// libcurl does no MIME encoding, so the message is built here: UTF-8 text/plain with a base64
// body, RFC 2047 encoded words for non-ASCII subjects and display names (each word under 75
// characters, split only between UTF-8 characters), Date and a unique Message-ID. Header
// values never carry CR or LF, whatever a deal title or a contact name contains.
//
// Thread-safety: SendMail may be called from several threads at once (one curl handle per
// call; curl's global initialisation happens once, under std::call_once).

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"

namespace voronka::notify {

struct SmtpConfig {
  std::string url{};   // smtp://host:port (plain or STARTTLS) or smtps://host:port (implicit TLS)
  std::string user{};  // empty: no AUTH
  std::string password{};
  std::string from{};     // "crm@studio.ru" or "Студия <crm@studio.ru>"
  bool starttls = false;  // require STARTTLS on smtp:// (fail rather than send in clear)
  int timeout_s = 10;     // connect and whole-transfer limit of one message

  // Used by the outbox when rendering templates.
  std::string templates_dir{};  // empty: the templates compiled in from processes/templates
  std::string company_name{};   // {{company_name}}: our company, as signed in letters
  std::string locale = "ru";    // language of letters to contacts ("ru" or "en"); a manager gets their own
  std::map<std::string, std::string, std::less<>> variables{};  // extra values, e.g. partner_name
};

struct Message {
  std::string to{};       // the address only: "client@example.ru"
  std::string to_name{};  // display name, may be empty
  std::string subject{};  // UTF-8, one line
  std::string body{};     // UTF-8 plain text, "\n" line ends
  TimeMs date = 0;        // the Date header; 0 = now
};

// Sends `message` from cfg.from. Error kInvalid (field names the setting) for a bad URL
// scheme or address; kUnavailable with curl's reason and the server's reply code for
// anything that fails on the way (connection, TLS, AUTH, a rejected recipient, a timeout).
// An error means the server did not accept the message (it may still have received part).
Status SendMail(const SmtpConfig& cfg, const Message& message);

// ---- The MIME pieces, exposed for tests and for callers that queue raw messages. ----

// "Name <addr>" / "<addr>" / "addr" → the address and the display name (quotes removed).
// kInvalid, field "from"/"to" given by `field`, unless the address looks like local@domain
// without spaces, brackets or line breaks.
struct Mailbox {
  std::string address{}, name{};
};
Result<Mailbox> ParseMailbox(std::string_view text, std::string_view field);

std::string Base64(std::string_view bytes);

// A header value: unchanged when it is short printable ASCII, otherwise RFC 2047
// "=?UTF-8?B?…?=" words of at most 75 characters joined by CRLF + space (folding). Invalid
// UTF-8 is encoded byte by byte rather than rejected.
std::string EncodeHeaderText(std::string_view utf8);

// "Tue, 24 Nov 2026 23:47:08 +0000"
std::string FormatRfc5322Date(TimeMs ms);

// The complete message with CRLF line ends: headers (From, To, Subject, Date, Message-ID,
// MIME-Version, Content-Type, Content-Transfer-Encoding), a blank line, the body as base64
// in 76-character lines. All 7-bit ASCII.
std::string BuildMimeMessage(const Mailbox& from, const Mailbox& to, const Message& message,
                             std::string_view message_id);

// "<random.time@domain-of-from>"
std::string NewMessageId(std::string_view from_address, TimeMs now);

}  // namespace voronka::notify
