#include "ops/logging.h"

#include <chrono>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace voronka::ops {

namespace {

std::string Quote(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
    time_t secs = static_cast<time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char ts[40];
    size_t n = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(ts + n, sizeof ts - n, ".%03dZ", static_cast<int>(ms % 1000));
    auto level = spdlog::level::to_string_view(msg.level);
    std::string line = std::string("{\"ts\":\"") + ts + "\",\"level\":\"" + std::string(level.data(), level.size()) +
                       "\",\"msg\":" + Quote(std::string_view(msg.payload.data(), msg.payload.size())) +
                       ",\"thread\":" + std::to_string(msg.thread_id) + "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

std::unique_ptr<spdlog::formatter> MakeJsonFormatter() { return std::make_unique<JsonFormatter>(); }

void ConfigureLogging(const std::string& format, const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw std::invalid_argument("--log-level must be trace, debug, info, warn, error or off (got '" + level + "')");
  spdlog::set_level(lvl);
  if (format == "json") {
    spdlog::set_formatter(MakeJsonFormatter());
  } else if (format != "text") {
    throw std::invalid_argument("--log-format must be text or json (got '" + format + "')");
  }
}

std::string MaskPhone(const std::string& phone) {
  if (phone.size() <= 8) return std::string(phone.size(), '*');
  return phone.substr(0, 5) + std::string(phone.size() - 9, '*') + phone.substr(phone.size() - 4);
}

std::string RedactDbUrl(const std::string& url) {
  std::string out = url;
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    auto at = out.find('@', scheme);
    auto colon = out.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  for (size_t pos = 0; (pos = out.find("password=", pos)) != std::string::npos;) {
    size_t start = pos + 9;
    size_t end = out.find_first_of(" &", start);
    if (end == std::string::npos) end = out.size();
    out.replace(start, end - start, "***");
    pos = start + 3;
  }
  return out;
}

}  // namespace voronka::ops
