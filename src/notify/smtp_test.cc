#include "notify/smtp.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "notify/test_smtp_sink.h"

namespace voronka::notify {
namespace {

std::string DecodeBase64(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

TEST(SmtpMimeTest, Base64MatchesTheRfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("\xff\xfe"), "//4=");
}

TEST(SmtpMimeTest, ShortAsciiSubjectIsSentAsIs) {
  EXPECT_EQ(EncodeHeaderText("Proposal for Site"), "Proposal for Site");
  EXPECT_EQ(EncodeHeaderText("Line\r\nBcc: x@y.ru"), "Line  Bcc: x@y.ru");
  EXPECT_EQ(EncodeHeaderText("=?looks encoded"), "=?UTF-8?B?PT9sb29rcyBlbmNvZGVk?=");
}

TEST(SmtpMimeTest, LongCyrillicSubjectSplitsIntoShortWordsAtCharacterBoundaries) {
  const std::string subject =
      "Студия Север: ответ по проекту «Интернет-магазин для сети пекарен „Хлебный дом“» — ёлки 🎄 и всё";
  std::string encoded = EncodeHeaderText(subject);
  std::string joined;
  size_t words = 0;
  for (const auto& line : Lines(encoded)) {
    std::string word = words == 0 ? line : line.substr(1);
    if (words > 0) {
      EXPECT_EQ(line[0], ' ');
    }
    EXPECT_LT(word.size(), 75u) << word;
    EXPECT_LE(("Subject: " + line).size(), 76u);
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    ASSERT_EQ(word.substr(word.size() - 2), "?=");
    std::string decoded = DecodeBase64(word.substr(10, word.size() - 12));
    EXPECT_TRUE(ValidUtf8(decoded)) << "a word splits a character: " << word;
    joined += decoded;
    ++words;
  }
  EXPECT_GT(words, 3u);
  EXPECT_EQ(joined, subject);
}

TEST(SmtpMimeTest, DateIsRfc5322InUtc) {
  EXPECT_EQ(FormatRfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(FormatRfc5322Date(1795564028000), "Tue, 24 Nov 2026 23:47:08 +0000");
}

TEST(SmtpMimeTest, MailboxesParseOrAreRejected) {
  auto plain = ParseMailbox(" crm@studio.ru ", "from");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->address, "crm@studio.ru");
  EXPECT_EQ(plain->name, "");
  auto named = ParseMailbox("\"Студия Север\" <crm@studio.ru>", "from");
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->address, "crm@studio.ru");
  EXPECT_EQ(named->name, "Студия Север");
  for (const char* bad : {"", "crm", "a b@c.ru", "<x@y.ru>\r\nBcc: z@y.ru", "a@b@c", "@x.ru"}) {
    auto r = ParseMailbox(bad, "to");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Code::kInvalid);
    EXPECT_EQ(r.error().field, "to");
  }
}

TEST(SmtpMimeTest, MessageIsSevenBitWithAllHeadersAndShortLines) {
  Message m{.to = "ivan@client.ru",
            .to_name = "Иван Петров",
            .subject = "Ответ по проекту",
            .body = "Здравствуйте!\n\nСтрока два.\n",
            .date = 1795564028000};
  std::string text = BuildMimeMessage({"crm@studio.ru", "Студия \"Север\""}, {"ivan@client.ru", "Иван Петров"}, m,
                                      NewMessageId("crm@studio.ru", m.date));
  for (char c : text) ASSERT_LT(static_cast<unsigned char>(c), 0x80u);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
  }
  auto lines = Lines(text);
  for (const auto& l : lines) EXPECT_LE(l.size(), 78u) << l;
  std::set<std::string> names;
  size_t blank = 0;
  for (; blank < lines.size() && !lines[blank].empty(); ++blank)
    if (lines[blank][0] != ' ') names.insert(lines[blank].substr(0, lines[blank].find(':')));
  EXPECT_EQ(names, (std::set<std::string>{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
                                          "Content-Transfer-Encoding"}));
  EXPECT_NE(text.find("\r\nContent-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nDate: Tue, 24 Nov 2026 23:47:08 +0000\r\n"), std::string::npos);
  std::string body;
  for (size_t i = blank + 1; i < lines.size(); ++i) body += lines[i];
  EXPECT_EQ(DecodeBase64(body), "Здравствуйте!\r\n\r\nСтрока два.\r\n");
}

TEST(SmtpMimeTest, MessageIdsAreUniqueAndUseTheSendersDomain) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    std::string id = NewMessageId("crm@studio.ru", 1000);
    EXPECT_EQ(id.front(), '<');
    EXPECT_EQ(id.substr(id.size() - 11), "@studio.ru>");
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(SmtpSendTest, ARealServerDecodesSubjectBodyAndNames) {
  if (!testing::SmtpSink::Available()) GTEST_SKIP() << "/usr/bin/python3 -m aiosmtpd is not installed";
  testing::SmtpSink sink;
  ASSERT_EQ(sink.Start(), "");
  SmtpConfig cfg{.url = sink.url(), .from = "Студия Север <crm@studio.ru>"};
  const std::string subject = "Студия Север: ответ по проекту «Интернет-магазин для сети пекарен „Хлебный дом“»";
  const std::string body = "Здравствуйте, Иван!\n\n.Строка с точкой в начале\n.\nКонец.\n";
  ASSERT_TRUE(SendMail(cfg, {.to = "ivan@client.ru", .to_name = "Иван Петров", .subject = subject, .body = body}).ok());
  ASSERT_TRUE(SendMail(cfg, {.to = "b@client.ru", .to_name = "", .subject = "Hi", .body = "x"}).ok());

  auto messages = sink.Messages();
  ASSERT_EQ(messages.size(), 2u);
  const auto& m = messages[0];
  EXPECT_EQ(m["mail_from"], "crm@studio.ru");
  EXPECT_EQ(m["rcpt_tos"], nlohmann::json::array({"ivan@client.ru"}));
  EXPECT_EQ(m["headers"]["Subject"], subject);
  EXPECT_EQ(m["headers"]["To"], "Иван Петров <ivan@client.ru>");
  EXPECT_EQ(m["headers"]["From"], "Студия Север <crm@studio.ru>");
  EXPECT_EQ(m["headers"]["MIME-Version"], "1.0");
  EXPECT_EQ(m["content_type"], "text/plain");
  EXPECT_EQ(m["charset"], "utf-8");
  EXPECT_EQ(m["defects"], nlohmann::json::array());
  std::string received = m["body"];
  std::erase(received, '\r');
  EXPECT_EQ(received, body);
  std::string id0 = m["headers"]["Message-ID"], id1 = messages[1]["headers"]["Message-ID"];
  EXPECT_FALSE(id0.empty());
  EXPECT_NE(id0, id1);
  EXPECT_FALSE(std::string(m["headers"]["Date"]).empty());
  EXPECT_EQ(messages[1]["headers"]["To"], "b@client.ru");
}

TEST(SmtpSendTest, UnreachableServerIsUnavailableWithTheReason) {
  SmtpConfig cfg{.url = "smtp://127.0.0.1:" + std::to_string(testing::SmtpSink::FreePort()),
                 .from = "crm@studio.ru",
                 .timeout_s = 5};
  Status s = SendMail(cfg, {.to = "a@b.ru", .subject = "x", .body = "y"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Code::kUnavailable);
  EXPECT_NE(s.error().message.find("Failed to connect"), std::string::npos) << s.error().message;
}

TEST(SmtpSendTest, BadSettingsAreInvalidBeforeConnecting) {
  Status scheme = SendMail({.url = "http://x", .from = "a@b.ru"}, {.to = "c@d.ru"});
  ASSERT_FALSE(scheme.ok());
  EXPECT_EQ(scheme.error().field, "url");
  Status from = SendMail({.url = "smtp://127.0.0.1:1", .from = "nobody"}, {.to = "c@d.ru"});
  ASSERT_FALSE(from.ok());
  EXPECT_EQ(from.error().field, "from");
  Status to = SendMail({.url = "smtp://127.0.0.1:1", .from = "a@b.ru"}, {.to = "c@d.ru\r\nRCPT TO:<e@f.ru>"});
  ASSERT_FALSE(to.ok());
  EXPECT_EQ(to.error().field, "to");
}

}  // namespace
}  // namespace voronka::notify
