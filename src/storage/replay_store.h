#pragma once
// The recorded history `voronka process replay` runs through a changed pipeline: the process
// log's events of the cards of one pipeline created in a period. Reads only.

#include <vector>

#include "common/time.h"
#include "process/replay.h"
#include "storage/db.h"

namespace voronka::storage {

// Cards of `pipeline` created in [from, to), each with its logged events in order (timer
// firings left out). A card without a process log of its own (imported, or older than the
// log's event data) is read from its audit trail and tasks: created, stage moves, scorings,
// the loss, process tasks done.
std::vector<process::RecordedCard> LoadRecordedCards(Tx& tx, const std::string& pipeline, TimeMs from, TimeMs to);

}  // namespace voronka::storage
