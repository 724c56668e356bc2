#include "notify/smtp.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "common/random.h"

namespace voronka::notify {

namespace {

// 39 bytes → 52 base64 characters → a 64-character encoded word: "Subject: " plus one word
// stays under 76 characters, as RFC 2047 asks of lines with encoded words.
constexpr size_t kWordBytes = 39;
constexpr size_t kPlainHeaderMax = 60;
constexpr size_t kBodyLine = 76;

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Length of the UTF-8 character starting at s[i]; 1 for a byte that does not start a valid one.
size_t Utf8Length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  return n;
}

std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return out;
}

bool ValidAddress(std::string_view a) {
  size_t at = a.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= a.size() || a.find('@', at + 1) != std::string_view::npos)
    return false;
  return std::none_of(a.begin(), a.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == '"' ||
           c == '(' || c == ')' || c == ';' || c == '\\';
  });
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 2047 words, each whole UTF-8 characters, folded onto continuation lines.
std::string EncodedWords(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && i + Utf8Length(text, i) - start <= kWordBytes) i += Utf8Length(text, i);
    out += out.empty() ? "" : "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, i - start)) + "?=";
  }
  return out;
}

bool PlainHeaderText(std::string_view s) {
  return IsPrintableAscii(s) && s.size() <= kPlainHeaderMax && s.find("=?") == std::string_view::npos;
}

// A display name before "<address>": quoted when plain ASCII, encoded words otherwise.
std::string DisplayName(std::string_view name) {
  std::string one = OneLine(name);
  if (PlainHeaderText(one)) {
    std::string out = "\"";
    for (char c : one) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  return EncodedWords(one);
}

std::string FormatMailbox(const Mailbox& m) {
  if (m.name.empty()) return "<" + m.address + ">";
  return DisplayName(m.name) + " <" + m.address + ">";
}

struct Upload {
  std::string_view data;
  size_t pos = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data.size() - up->pos);
  std::memcpy(buffer, up->data.data() + up->pos, n);
  up->pos += n;
  return n;
}

}  // namespace

Result<Mailbox> ParseMailbox(std::string_view text, std::string_view field) {
  Mailbox out;
  std::string_view t = TrimSpaces(text);
  size_t lt = t.rfind('<');
  if (lt != std::string_view::npos && !t.empty() && t.back() == '>') {
    out.address = std::string(t.substr(lt + 1, t.size() - lt - 2));
    std::string_view name = TrimSpaces(t.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    out.name = OneLine(name);
  } else {
    out.address = std::string(t);
  }
  if (!ValidAddress(out.address))
    return Error::Invalid(std::string(field), "'" + OneLine(text) + "' is not an e-mail address");
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string EncodeHeaderText(std::string_view utf8) {
  std::string one = OneLine(utf8);
  if (PlainHeaderText(one)) return one;
  return EncodedWords(one);
}

std::string FormatRfc5322Date(TimeMs ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string NewMessageId(std::string_view from_address, TimeMs now) {
  size_t at = from_address.rfind('@');
  std::string domain = at == std::string_view::npos ? "voronka.local" : std::string(from_address.substr(at + 1));
  return "<" + RandomHex(12) + "." + std::to_string(now) + "@" + domain + ">";
}

std::string BuildMimeMessage(const Mailbox& from, const Mailbox& to, const Message& message,
                             std::string_view message_id) {
  std::string out;
  out += "From: " + FormatMailbox(from) + "\r\n";
  out += "To: " + FormatMailbox(to) + "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Date: " + FormatRfc5322Date(message.date) + "\r\n";
  out += "Message-ID: " + std::string(message_id) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  std::string body;
  body.reserve(message.body.size() + message.body.size() / 40);
  for (char c : message.body) {
    if (c == '\r') continue;
    if (c == '\n') body += '\r';
    body += c;
  }
  std::string encoded = Base64(body);
  for (size_t i = 0; i < encoded.size(); i += kBodyLine) out += encoded.substr(i, kBodyLine) + "\r\n";
  return out;
}

Status SendMail(const SmtpConfig& cfg, const Message& message) {
  if (cfg.url.rfind("smtp://", 0) != 0 && cfg.url.rfind("smtps://", 0) != 0)
    return Error::Invalid("url", "SMTP url must start with smtp:// or smtps:// (got '" + OneLine(cfg.url) + "')");
  auto from = ParseMailbox(cfg.from, "from");
  if (!from) return from.error();
  if (!ValidAddress(message.to)) return Error::Invalid("to", "'" + OneLine(message.to) + "' is not an e-mail address");
  Mailbox to{message.to, OneLine(message.to_name)};

  static std::once_flag curl_init;
  std::call_once(curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Error{Code::kUnavailable, "SMTP: cannot create a curl handle", {}, nullptr};

  Message dated = message;
  if (dated.date == 0) dated.date = SystemClock().NowMs();
  std::string data = BuildMimeMessage(*from, to, dated, NewMessageId(from->address, dated.date));
  Upload upload{data};
  std::string mail_from = "<" + from->address + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + to.address + ">").c_str()), &curl_slist_free_all);
  char error[CURL_ERROR_SIZE] = {0};
  long timeout = std::max(1, cfg.timeout_s);

  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, cfg.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  if (!cfg.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, cfg.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, cfg.password.c_str());
  }
  if (cfg.starttls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return Status::Ok();
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string reason = error[0] ? error : curl_easy_strerror(rc);
  if (reply != 0) reason += " (server reply " + std::to_string(reply) + ")";
  return Error{Code::kUnavailable, "SMTP " + OneLine(cfg.url) + ": " + reason, {}, nullptr};
}

}  // namespace voronka::notify
