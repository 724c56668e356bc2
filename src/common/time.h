#pragma once
// Time is data: the core takes `now` as milliseconds since the Unix epoch (UTC).
// Only the edges (handlers, executors) read the real clock, through Clock.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace voronka {

using TimeMs = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimeMs NowMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeMs NowMs() const override;
};

// "2026-11-24T23:47:08Z" (UTC, second precision; milliseconds kept only when non-zero).
std::string FormatIso(TimeMs ms);

// Accepts "2026-11-24", "2026-11-24T23:47", "2026-11-24T23:47:08", with optional
// fraction ".123" and zone "Z" / "+03:00" / "+0300". A zone-less time is UTC.
// Returns nullopt when the text is not such a date-time.
std::optional<TimeMs> ParseIso(std::string_view text);

}  // namespace voronka
