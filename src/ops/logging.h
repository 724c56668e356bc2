#pragma once
// Log output of the `voronka` binary: spdlog's default logger on stderr, as readable text or
// as one JSON object per line for a log collector:
//   {"ts":"2026-11-25T03:15:16.123Z","level":"info","msg":"…","thread":1234}
// Messages never carry passwords, tokens or full phone numbers (see MaskPhone).

#include <memory>
#include <string>

#include <spdlog/formatter.h>

namespace voronka::ops {

// "text" or "json"; throws std::invalid_argument for anything else or an unknown level.
void ConfigureLogging(const std::string& format, const std::string& level);

// The JSON-lines formatter (exposed for tests).
std::unique_ptr<spdlog::formatter> MakeJsonFormatter();

// "+79161234567" → "+7916***4567": enough to tell leads apart in a log, not to call them.
std::string MaskPhone(const std::string& phone);

// A database address fit for a log: the password of a PostgreSQL URI (user:secret@host) or
// key-value string (password=secret) replaced by ***.
std::string RedactDbUrl(const std::string& url);

}  // namespace voronka::ops
