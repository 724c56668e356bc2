// The JSON body of the write endpoints through the real validation code: create and patch of
// each record entity and of users (domain/validate; POST/PATCH /api/<records>, /api/users).
// The first byte picks the endpoint; the rest is the body. Any input must give a value or a
// named 4xx error — never a crash, an exception or undefined behaviour; a validated body must
// serialise (it is echoed back and written to the audit log as JSON).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "domain/entity.h"
#include "domain/validate.h"

using namespace voronka;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& entities = domain::RecordEntities();
  size_t endpoints = 2 * (entities.size() + 1);  // create/patch per entity and users
  size_t pick = data[0] % endpoints;
  auto body = nlohmann::json::parse(data + 1, data + size, nullptr, false);
  if (body.is_discarded()) return 0;  // the dispatcher answers 400 before validation
  const domain::EntitySpec& spec = pick / 2 < entities.size() ? *entities[pick / 2] : domain::UsersSpec();
  if (pick % 2 == 0) {
    auto r = domain::ValidateCreate(spec, body);
    if (!r.ok() && r.error().message.empty()) std::abort();
    if (!r.ok()) (void)nlohmann::json(r.error().message).dump();  // the 400 answer is JSON too
    if (r.ok())
      for (const auto& [field, value] : r.value()) (void)value.dump();
  } else {
    int64_t version = 0;
    auto r = domain::ValidatePatch(spec, body, &version);
    if (r.ok() && version < 1) std::abort();  // a patch always carries a valid version
    if (!r.ok()) (void)nlohmann::json(r.error().message).dump();
    if (r.ok())
      for (const auto& [field, value] : r.value()) (void)value.dump();
  }
  return 0;
}
